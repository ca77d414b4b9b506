package io.raftlite.db;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The memory that the prepared statements kept for reuse by all the connections of one database may
 * take together. Thread-safe: every connection of a {@link Database} shares one.
 *
 * <p>SQLite does not tell sqlite-jdbc's users what a statement takes, so it is estimated from its
 * text ({@link #estimate}). Measured with the resident memory of a JVM that kept thousands of
 * statements prepared (sqlite-jdbc 3.54): a point read of about 30 characters took 2.2 KB, a
 * 173-character join 6.5 KB, {@code SELECT 1} 1.8 KB; the estimate is a little above each.
 */
final class StatementMemory {
    /** Kept statements of all connections together: 16 MiB, about 6,700 point reads. */
    static final long DEFAULT_LIMIT_BYTES = 16L << 20;

    private final long limitBytes;
    private final AtomicLong usedBytes = new AtomicLong();

    StatementMemory(long limitBytes) {
        this.limitBytes = Math.max(0, limitBytes);
    }

    /** About what SQLite takes for a statement prepared from {@code sql}. */
    static long estimate(String sql) {
        return 1536 + 32L * sql.length();
    }

    /**
     * True unless a statement prepared from {@code sql} would take more than a 64th of the memory:
     * one text larger than all of it (a 600 KB {@code SELECT}, say) would otherwise, while one
     * connection kept it, leave every other connection keeping only its newest statement.
     */
    boolean fits(String sql) {
        return estimate(sql) <= limitBytes / 64;
    }

    void take(long bytes) {
        usedBytes.addAndGet(bytes);
    }

    void give(long bytes) {
        usedBytes.addAndGet(-bytes);
    }

    boolean exceeded() {
        return usedBytes.get() > limitBytes;
    }

    long usedBytes() {
        return usedBytes.get();
    }

    long limitBytes() {
        return limitBytes;
    }
}
