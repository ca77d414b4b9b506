package io.raftlite.jepsen.workload;

import io.raftlite.jepsen.history.Value;
import java.util.Objects;

/**
 * What a client is about to do, before it is recorded: the function, key and argument of a history
 * invocation (see {@link io.raftlite.jepsen.history.Functions} for the shapes), plus the read
 * consistency level for reads.
 *
 * @param function one of {@link io.raftlite.jepsen.history.Functions}
 * @param key      the register or other object; for reads of a whole table the level read at; or null
 * @param value    the argument ({@link Value#NIL} if none)
 * @param level    for reads the {@code level} query parameter; null for writes
 */
public record Invocation(String function, String key, Value value, String level) {
    public Invocation {
        Objects.requireNonNull(function, "function");
        value = value == null ? Value.NIL : value;
    }

    public static Invocation write(String function, String key, Value value) {
        return new Invocation(function, key, value, null);
    }

    public static Invocation read(String function, String key, String level) {
        return new Invocation(function, key, Value.NIL, level);
    }
}
