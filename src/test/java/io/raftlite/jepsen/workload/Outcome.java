package io.raftlite.jepsen.workload;

import io.raftlite.jepsen.history.Operation;
import io.raftlite.jepsen.history.Value;
import java.util.Objects;

/**
 * How an operation ended, as the history will record it: OK with the value read (or the argument
 * for a write), FAIL (definitely no effect) or INFO (unknown) with the reason.
 *
 * @param type  OK, FAIL or INFO
 * @param value for an OK read what was read; otherwise {@link Value#NIL} (the recorder repeats the argument)
 * @param error why a FAIL or INFO happened; null for OK
 */
public record Outcome(Operation.Type type, Value value, String error) {
    public Outcome {
        Objects.requireNonNull(type, "type");
        if (!type.isCompletion()) {
            throw new IllegalArgumentException("not a completion: " + type);
        }
        value = value == null ? Value.NIL : value;
    }

    /** A write that took effect. */
    public static Outcome ok() {
        return new Outcome(Operation.Type.OK, Value.NIL, null);
    }

    /** A read that returned {@code read}. */
    public static Outcome ok(Value read) {
        return new Outcome(Operation.Type.OK, read, null);
    }

    public static Outcome fail(String why) {
        return new Outcome(Operation.Type.FAIL, Value.NIL, why);
    }

    public static Outcome info(String why) {
        return new Outcome(Operation.Type.INFO, Value.NIL, why);
    }

    /**
     * The outcome of a write whose answer was not {@link SqlClient.Answer.Results}: FAIL if it was
     * never sent, INFO otherwise.
     */
    public static Outcome ofUnappliedWrite(SqlClient.Answer answer) {
        return answer instanceof SqlClient.Answer.NotSent ? fail(answer.detail()) : info(answer.detail());
    }

    public boolean isOk() {
        return type == Operation.Type.OK;
    }
}
