package io.raftlite.bench;

import java.util.Locale;

/** What each request of a run does. Which HTTP request that is depends on the {@link Protocol}. */
public enum Workload {
    /** One INSERT of a new key per request. */
    WRITE("write", "one INSERT per request"),
    /** {@code --batch} INSERTs (default 100) in one request, one transaction. */
    BATCH("batch", "--batch INSERTs in one request"),
    /** Point read of a prefilled key at read consistency level none. */
    READ_NONE("read-none", "point read, level none"),
    /** Point read at level weak (rqlite's default). */
    READ_WEAK("read-weak", "point read, level weak"),
    /** Point read at level strong (through the Raft log). */
    READ_STRONG("read-strong", "point read, level strong"),
    /** Point read at level linearizable (read index). */
    READ_LINEARIZABLE("read-linearizable", "point read, level linearizable"),
    /** {@code --write-percent} writes (default 20), the rest weak point reads. */
    MIXED("mixed", "weak reads mixed with --write-percent single-statement writes"),
    /** One INSERT per request, queued: acknowledged before it is committed. */
    QUEUED("queued", "one queued INSERT per request");

    private final String cliName;
    private final String description;

    Workload(String cliName, String description) {
        this.cliName = cliName;
        this.description = description;
    }

    public String cliName() {
        return cliName;
    }

    public String description() {
        return description;
    }

    public boolean isRead() {
        return this == READ_NONE || this == READ_WEAK || this == READ_STRONG || this == READ_LINEARIZABLE;
    }

    /** Statements executed per request, for statements/s. */
    public int statementsPerRequest(int batch) {
        return this == BATCH ? batch : 1;
    }

    /** The rqlite read level of a read workload ("weak" for the reads of {@link #MIXED}). */
    public String level() {
        return switch (this) {
            case READ_NONE -> "none";
            case READ_STRONG -> "strong";
            case READ_LINEARIZABLE -> "linearizable";
            default -> "weak";
        };
    }

    public static Workload parse(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        switch (n) {
            case "read", "reads" -> {
                return READ_WEAK;
            }
            case "writes" -> {
                return WRITE;
            }
            case "queue" -> {
                return QUEUED;
            }
            case "read-linz", "read-linear" -> {
                return READ_LINEARIZABLE;
            }
            default -> {
                for (Workload w : values()) {
                    if (w.cliName.equals(n)) {
                        return w;
                    }
                }
            }
        }
        throw new IllegalArgumentException("unknown workload '" + name + "'; known: " + names());
    }

    public static String names() {
        StringBuilder b = new StringBuilder();
        for (Workload w : values()) {
            b.append(b.length() == 0 ? "" : ", ").append(w.cliName);
        }
        return b.toString();
    }
}
