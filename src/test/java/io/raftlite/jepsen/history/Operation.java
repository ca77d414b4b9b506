package io.raftlite.jepsen.history;

import java.util.Locale;
import java.util.Objects;

/**
 * One event of a history, Jepsen-style: a client process either invokes an operation or learns its
 * outcome. An operation is therefore two events with the same {@code process}, {@code function} and
 * {@code key}: an {@link Type#INVOKE} and later its completion ({@link Type#OK}, {@link Type#FAIL} or
 * {@link Type#INFO}). {@link History} pairs them into {@link Call}s.
 *
 * <p>Conventions for {@code value} (see {@link Functions}): the invocation carries the argument
 * (written value, {@code [expected, new]} for a cas, added element, transfer), the OK completion of a
 * read carries what was read. A completion of a write may repeat the argument; checkers take
 * arguments from the invocation and results from the completion.
 *
 * @param index    position in the history, strictly increasing in file order (assigned by {@link Recorder})
 * @param process  the logical client; at most one outstanding operation, and never reused after an INFO
 * @param type     what this event is
 * @param function what the operation does, one of {@link Functions} (open-ended so workloads can add more)
 * @param key      the register, table row or other object the operation is about; {@code null} if none
 * @param value    argument or result, never {@code null} ({@link Value#NIL} when absent)
 * @param time     nanoseconds since the start of the run, from one monotonic clock for the whole history
 * @param node     the raftlite node the client sent the request to (e.g. "n1"), {@code null} if unknown
 * @param error    why a FAIL or INFO happened (timeout, HTTP status, error text), {@code null} otherwise
 */
public record Operation(long index, int process, Type type, String function, String key, Value value, long time,
        String node, String error) {

    /** The kind of event. */
    public enum Type {
        /** The client is about to send the request. */
        INVOKE,
        /** The operation definitely took effect (for reads: this is what was read). */
        OK,
        /** The operation definitely did not take effect. */
        FAIL,
        /**
         * Indeterminate: the operation may or may not have taken effect, now or at any later time (a
         * timeout, a dropped connection). The process that issued it is crashed and issues nothing more.
         */
        INFO;

        /** The lower-case name used in history files and logs. */
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** Parses {@link #wireName()}. */
        public static Type fromWireName(String name) {
            for (Type t : values()) {
                if (t.wireName().equals(name)) {
                    return t;
                }
            }
            throw new IllegalArgumentException("unknown operation type: " + name);
        }

        public boolean isCompletion() {
            return this != INVOKE;
        }
    }

    public Operation {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(function, "function");
        value = value == null ? Value.NIL : value;
        if (process < 0) {
            throw new IllegalArgumentException("process must be >= 0: " + process);
        }
    }

    /** An invocation (index and time are usually assigned by a {@link Recorder}). */
    public static Operation invoke(long index, int process, String function, String key, Value value, long time,
            String node) {
        return new Operation(index, process, Type.INVOKE, function, key, value, time, node, null);
    }

    /** The completion of {@code invoke} as an event of the same process, function, key and node. */
    public static Operation completion(Operation invoke, long index, Type type, Value value, long time, String error) {
        if (invoke.type() != Type.INVOKE) {
            throw new IllegalArgumentException("not an invocation: " + invoke);
        }
        if (!type.isCompletion()) {
            throw new IllegalArgumentException("not a completion type: " + type);
        }
        return new Operation(index, invoke.process(), type, invoke.function(), invoke.key(), value, time,
                invoke.node(), error);
    }

    public boolean isInvoke() {
        return type == Type.INVOKE;
    }

    /** A copy with another value, e.g. to build a mutated history in a test. */
    public Operation withValue(Value newValue) {
        return new Operation(index, process, type, function, key, newValue, time, node, error);
    }

    /** A copy with another index. */
    public Operation withIndex(long newIndex) {
        return new Operation(newIndex, process, type, function, key, value, time, node, error);
    }

    /**
     * One line for logs and reports, e.g. {@code #12 3.004512s p3 ok     write r1 3 @n2 (timeout)}:
     * index, seconds since start, process, type, function, key, value, node, error.
     */
    public String render() {
        StringBuilder sb = new StringBuilder(64);
        sb.append('#').append(index).append(' ');
        sb.append(seconds(time));
        sb.append(" p").append(process).append(' ');
        String t = type.wireName();
        sb.append(t).append(" ".repeat(Math.max(1, 7 - t.length())));
        sb.append(function);
        if (key != null) {
            sb.append(' ').append(key);
        }
        if (!value.isNil() || (type == Type.OK && !isMutation())) {
            sb.append(' ').append(abbreviate(value));
        }
        if (node != null) {
            sb.append(" @").append(node);
        }
        if (error != null) {
            sb.append(" (").append(error).append(')');
        }
        return sb.toString();
    }

    private boolean isMutation() {
        return Functions.WRITE.equals(function) || Functions.CAS.equals(function) || Functions.ADD.equals(function)
                || Functions.TRANSFER.equals(function);
    }

    /** A value's rendering cut to about 100 characters, so that a read of a large set stays one readable line. */
    static String abbreviate(Value v) {
        String s = v.toString();
        if (s.length() <= 100) {
            return s;
        }
        String items = v instanceof Value.Seq seq ? " (" + seq.items().size() + " items)"
                : v instanceof Value.Dict dict ? " (" + dict.entries().size() + " entries)" : "";
        return s.substring(0, 96) + "..." + items;
    }

    /** Nanoseconds as seconds with microsecond precision, e.g. {@code 3.004512s}. */
    static String seconds(long nanos) {
        String sign = nanos < 0 ? "-" : "";
        long abs = Math.abs(nanos);
        return String.format(Locale.ROOT, "%s%d.%06ds", sign, abs / 1_000_000_000L, abs % 1_000_000_000L / 1000);
    }

    @Override
    public String toString() {
        return render();
    }
}
