package io.raftlite.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Translates rqlited-style command lines ({@code -node-id n1 -http-addr 127.0.0.1:5001 /data}) into
 * Spring Boot property arguments, so scripts written for rqlited start raftlite unchanged. Spring
 * arguments ({@code --name=value}) pass through untouched. Unknown flags are refused with a message
 * that names them.
 */
public final class RqliteFlags {

    /** How a flag's value is checked and written. */
    private enum Kind {
        /** Any text. */
        TEXT,
        /** Presence means true; {@code -flag=false} is allowed. */
        BOOLEAN,
        /** A Go duration ({@code 1m30s}), written as nanoseconds for Spring. */
        DURATION,
        /** A decimal integer. */
        INTEGER,
        /** {@code host:port}. */
        ADDRESS
    }

    /** Each supported flag, the property it sets, and the kind of value it takes. */
    private record Flag(String property, Kind kind) {
    }

    private static final Map<String, Flag> FLAGS = new LinkedHashMap<>();

    static {
        FLAGS.put("node-id", new Flag("raftlite.node-id", Kind.TEXT));
        FLAGS.put("http-addr", new Flag("server.address", Kind.ADDRESS));
        FLAGS.put("http-adv-addr", new Flag("raftlite.http-adv-addr", Kind.ADDRESS));
        FLAGS.put("raft-addr", new Flag("raftlite.raft-addr", Kind.ADDRESS));
        FLAGS.put("raft-adv-addr", new Flag("raftlite.raft-adv-addr", Kind.ADDRESS));
        FLAGS.put("fk", new Flag("raftlite.foreign-keys", Kind.BOOLEAN));
        FLAGS.put("http-allow-origin", new Flag("raftlite.allow-origin", Kind.TEXT));
        FLAGS.put("auth", new Flag("raftlite.auth-file", Kind.TEXT));
        FLAGS.put("raft-election-timeout", new Flag("raftlite.raft.election-timeout", Kind.DURATION));
        FLAGS.put("raft-apply-timeout", new Flag("raftlite.raft.apply-timeout", Kind.DURATION));
        FLAGS.put("raft-snap", new Flag("raftlite.raft.snapshot-threshold", Kind.INTEGER));
        FLAGS.put("raft-snap-int", new Flag("raftlite.raft.snapshot-interval", Kind.DURATION));
        FLAGS.put("raft-no-sync", new Flag("raftlite.raft.sync", Kind.BOOLEAN));
        FLAGS.put("write-queue-capacity", new Flag("raftlite.write-queue.capacity", Kind.INTEGER));
        FLAGS.put("write-queue-batch-size", new Flag("raftlite.write-queue.batch-size", Kind.INTEGER));
        FLAGS.put("write-queue-timeout", new Flag("raftlite.write-queue.timeout", Kind.DURATION));
        FLAGS.put("write-queue-tx", new Flag("raftlite.write-queue.transaction", Kind.BOOLEAN));
        FLAGS.put("join", new Flag("raftlite.cluster.join", Kind.TEXT));
        FLAGS.put("join-as", new Flag("raftlite.cluster.join-as", Kind.TEXT));
        FLAGS.put("join-attempts", new Flag("raftlite.cluster.join-attempts", Kind.INTEGER));
        FLAGS.put("join-interval", new Flag("raftlite.cluster.join-interval", Kind.DURATION));
        FLAGS.put("bootstrap-expect", new Flag("raftlite.cluster.bootstrap-expect", Kind.INTEGER));
        FLAGS.put("bootstrap-expect-timeout", new Flag("raftlite.cluster.bootstrap-expect-timeout", Kind.DURATION));
        FLAGS.put("disco-mode", new Flag("raftlite.cluster.disco-mode", Kind.TEXT));
        FLAGS.put("disco-config", new Flag("raftlite.cluster.disco-config", Kind.TEXT));
        FLAGS.put("raft-non-voter", new Flag("raftlite.raft.non-voter", Kind.BOOLEAN));
        FLAGS.put("raft-shutdown-stepdown", new Flag("raftlite.raft.shutdown-stepdown", Kind.BOOLEAN));
        FLAGS.put("raft-cluster-remove-shutdown", new Flag("raftlite.raft.cluster-remove-shutdown", Kind.BOOLEAN));
    }

    private RqliteFlags() {
    }

    /** Thrown for a command line that cannot be understood; the message is meant for the user. */
    public static final class InvalidFlagException extends IllegalArgumentException {
        public InvalidFlagException(String message) {
            super(message);
        }
    }

    /**
     * Returns Spring arguments equivalent to {@code args}.
     *
     * @throws InvalidFlagException for an unknown flag, a missing value or more than one data directory
     */
    public static String[] translate(String[] args) {
        List<String> out = new ArrayList<>();
        String dataDir = null;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.startsWith("--") && arg.length() > 2 && arg.contains("=") && !FLAGS.containsKey(flagName(arg))) {
                out.add(arg); // a Spring property argument
                continue;
            }
            if (arg.startsWith("-") && arg.length() > 1) {
                String name = flagName(arg);
                String inline = arg.contains("=") ? arg.substring(arg.indexOf('=') + 1) : null;
                Flag flag = FLAGS.get(name);
                if (flag == null) {
                    throw new InvalidFlagException("flag provided but not defined: -" + name
                            + " (supported: " + String.join(", ", FLAGS.keySet().stream().map(f -> "-" + f).toList()) + ")");
                }
                String value;
                if (flag.kind() != Kind.BOOLEAN) {
                    if (inline != null) {
                        value = inline;
                    } else if (i + 1 < args.length) {
                        value = args[++i];
                    } else {
                        throw new InvalidFlagException("flag needs an argument: -" + name);
                    }
                } else {
                    value = inline == null ? "true" : parseBoolean(name, inline);
                }
                out.addAll(toProperties(name, flag, value));
                continue;
            }
            if (dataDir != null) {
                throw new InvalidFlagException("only one data directory may be given, got '" + dataDir + "' and '" + arg + "'");
            }
            dataDir = arg;
        }
        if (dataDir != null) {
            out.add("--raftlite.data-dir=" + dataDir);
        }
        return out.toArray(String[]::new);
    }

    private static List<String> toProperties(String name, Flag flag, String value) {
        String property = "--" + flag.property() + "=";
        return switch (flag.kind()) {
            case TEXT -> List.of(property + value);
            case BOOLEAN -> List.of(property + (name.equals("raft-no-sync") ? !Boolean.parseBoolean(value) : value));
            case ADDRESS -> {
                HostPort hp = HostPort.parse(value, "-" + name);
                yield name.equals("http-addr") ? List.of("--server.address=" + hp.host(), "--server.port=" + hp.port())
                        : List.of(property + value);
            }
            case DURATION -> List.of(property + GoDuration.parse(value)
                    .orElseThrow(() -> new InvalidFlagException("invalid value \"" + value + "\" for flag -" + name
                            + ": not a duration"))
                    .toNanos() + "ns");
            case INTEGER -> {
                try {
                    yield List.of(property + Long.parseLong(value));
                } catch (NumberFormatException e) {
                    throw new InvalidFlagException("invalid value \"" + value + "\" for flag -" + name + ": not an integer");
                }
            }
        };
    }

    /** Go's {@code strconv.ParseBool}, which the flag package uses for {@code -flag=value}. */
    private static String parseBoolean(String name, String value) {
        return switch (value) {
            case "1", "t", "T", "true", "TRUE", "True" -> "true";
            case "0", "f", "F", "false", "FALSE", "False" -> "false";
            default -> throw new InvalidFlagException("invalid boolean value \"" + value + "\" for -" + name);
        };
    }

    private static String flagName(String arg) {
        String s = arg.startsWith("--") ? arg.substring(2) : arg.substring(1);
        int eq = s.indexOf('=');
        return eq >= 0 ? s.substring(0, eq) : s;
    }
}
