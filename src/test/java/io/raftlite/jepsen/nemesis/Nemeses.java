package io.raftlite.jepsen.nemesis;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The nemeses by name, for runners that take the faults from a command line or a test parameter:
 * {@code kill-random}, {@code kill-leader}, {@code pause-random}, {@code pause-leader},
 * {@code partition-majority-minority}, {@code partition-bridge}, {@code partition-isolate-leader},
 * {@code delay}, {@code crash-during-snapshot}; {@code a+b} combines several into one fault. Each
 * call makes new instances (nemeses hold the state of their current fault).
 */
public final class Nemeses {
    private static final Map<String, Supplier<Nemesis>> BY_NAME = new TreeMap<>();

    static {
        BY_NAME.put("kill-random", KillRandomNode::new);
        BY_NAME.put("kill-leader", KillLeader::new);
        BY_NAME.put("pause-random", PauseRandomNode::new);
        BY_NAME.put("pause-leader", PauseLeader::new);
        BY_NAME.put("partition-majority-minority", PartitionMajorityMinority::new);
        BY_NAME.put("partition-bridge", PartitionBridge::new);
        BY_NAME.put("partition-isolate-leader", PartitionIsolateLeader::new);
        BY_NAME.put("delay", Delay::new);
        BY_NAME.put("crash-during-snapshot", CrashDuringSnapshot::new);
    }

    private Nemeses() {
    }

    /** Every name {@link #byName} knows (without combinations). */
    public static List<String> names() {
        return List.copyOf(BY_NAME.keySet());
    }

    /**
     * A new nemesis for {@code name}; {@code a+b+c} gives a {@link Combined} of them.
     *
     * @throws IllegalArgumentException for an unknown name, listing the known ones
     */
    public static Nemesis byName(String name) {
        if (name.contains("+")) {
            List<Nemesis> parts = new ArrayList<>();
            for (String part : name.split("\\+")) {
                parts.add(byName(part.trim()));
            }
            return new Combined(parts);
        }
        Supplier<Nemesis> s = BY_NAME.get(name);
        if (s == null) {
            throw new IllegalArgumentException("unknown nemesis '" + name + "'; known: " + names());
        }
        return s.get();
    }

    /** New nemeses for a comma-separated list of names, e.g. {@code kill-leader,partition-bridge+delay}. */
    public static List<Nemesis> list(String commaSeparated) {
        return Arrays.stream(commaSeparated.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .map(Nemeses::byName).toList();
    }

    /** One of every kind, each alone: a broad default for a schedule. */
    public static List<Nemesis> everyKind() {
        return names().stream().map(Nemeses::byName).toList();
    }
}
