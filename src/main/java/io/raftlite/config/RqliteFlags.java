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

    /** Each supported flag, the property it sets, and whether it takes a value. */
    private record Flag(String property, boolean takesValue) {
    }

    private static final Map<String, Flag> FLAGS = new LinkedHashMap<>();

    static {
        FLAGS.put("node-id", new Flag("raftlite.node-id", true));
        FLAGS.put("http-addr", new Flag("raftlite.http-addr", true));
        FLAGS.put("http-adv-addr", new Flag("raftlite.http-adv-addr", true));
        FLAGS.put("raft-addr", new Flag("raftlite.raft-addr", true));
        FLAGS.put("raft-adv-addr", new Flag("raftlite.raft-adv-addr", true));
        FLAGS.put("fk", new Flag("raftlite.foreign-keys", false));
        FLAGS.put("http-allow-origin", new Flag("raftlite.allow-origin", true));
        FLAGS.put("auth", new Flag("raftlite.auth-file", true));
        FLAGS.put("raft-election-timeout", new Flag("raftlite.raft.election-timeout", true));
        FLAGS.put("raft-apply-timeout", new Flag("raftlite.raft.apply-timeout", true));
        FLAGS.put("raft-snap", new Flag("raftlite.raft.snapshot-threshold", true));
        FLAGS.put("raft-snap-int", new Flag("raftlite.raft.snapshot-interval", true));
        FLAGS.put("raft-no-sync", new Flag("raftlite.raft.no-sync", false));
        FLAGS.put("write-queue-capacity", new Flag("raftlite.write-queue.capacity", true));
        FLAGS.put("write-queue-batch-size", new Flag("raftlite.write-queue.batch-size", true));
        FLAGS.put("write-queue-timeout", new Flag("raftlite.write-queue.timeout", true));
        FLAGS.put("write-queue-tx", new Flag("raftlite.write-queue.transaction", false));
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
                if (flag.takesValue()) {
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
        if (name.equals("http-addr")) {
            HostPort hp = HostPort.parse(value, "-http-addr");
            return List.of("--server.address=" + hp.host(), "--server.port=" + hp.port());
        }
        if (name.equals("raft-addr") || name.equals("raft-adv-addr") || name.equals("http-adv-addr")) {
            HostPort.parse(value, "-" + name);
        }
        if (name.equals("raft-no-sync")) {
            return List.of("--raftlite.raft.sync=" + !Boolean.parseBoolean(value));
        }
        if (name.equals("raft-snap-int") || name.equals("raft-election-timeout") || name.equals("raft-apply-timeout")
                || name.equals("write-queue-timeout")) {
            String raw = value;
            value = GoDuration.parse(raw)
                    .orElseThrow(() -> new InvalidFlagException("invalid value \"" + raw + "\" for flag -" + name + ": not a duration"))
                    .toMillis() + "ms";
        }
        return List.of("--" + flag.property() + "=" + value);
    }

    private static String parseBoolean(String name, String value) {
        if (value.equalsIgnoreCase("true") || value.equals("1")) {
            return "true";
        }
        if (value.equalsIgnoreCase("false") || value.equals("0")) {
            return "false";
        }
        throw new InvalidFlagException("invalid boolean value \"" + value + "\" for -" + name);
    }

    private static String flagName(String arg) {
        String s = arg.startsWith("--") ? arg.substring(2) : arg.substring(1);
        int eq = s.indexOf('=');
        return eq >= 0 ? s.substring(0, eq) : s;
    }
}
