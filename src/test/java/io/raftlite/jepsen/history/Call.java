package io.raftlite.jepsen.history;

import java.util.Objects;

/**
 * One operation seen as an interval: its invocation and its completion, or no completion if the run
 * ended while it was outstanding. Checkers work on calls rather than on raw events.
 *
 * <p>An operation is <em>indeterminate</em> when it completed with INFO or never completed: it may
 * take effect at any time after its invocation, even after the client gave up, so its interval has no
 * end ({@link #returnTime()} is {@link Long#MAX_VALUE}).
 *
 * @param invoke     the {@link Operation.Type#INVOKE} event
 * @param completion the OK/FAIL/INFO event, or {@code null} if there is none in the history
 */
public record Call(Operation invoke, Operation completion) {

    /** The end of the interval of an operation that may take effect at any later time. */
    public static final long NEVER = Long.MAX_VALUE;

    public Call {
        Objects.requireNonNull(invoke, "invoke");
        if (!invoke.isInvoke()) {
            throw new IllegalArgumentException("not an invocation: " + invoke);
        }
        if (completion != null && completion.isInvoke()) {
            throw new IllegalArgumentException("not a completion: " + completion);
        }
    }

    public int process() {
        return invoke.process();
    }

    public String function() {
        return invoke.function();
    }

    public String key() {
        return invoke.key();
    }

    /** The argument, from the invocation. */
    public Value argument() {
        return invoke.value();
    }

    /** The result, from the completion; {@link Value#NIL} if there is no completion. */
    public Value result() {
        return completion == null ? Value.NIL : completion.value();
    }

    /** OK, FAIL or INFO; {@code INFO} also for a missing completion, which means the same. */
    public Operation.Type outcome() {
        return completion == null ? Operation.Type.INFO : completion.type();
    }

    public boolean isOk() {
        return outcome() == Operation.Type.OK;
    }

    public boolean isFail() {
        return outcome() == Operation.Type.FAIL;
    }

    /** INFO or no completion: may or may not have taken effect. */
    public boolean isIndeterminate() {
        return outcome() == Operation.Type.INFO;
    }

    /** When the operation was invoked. */
    public long callTime() {
        return invoke.time();
    }

    /** When the definite outcome was known, or {@link #NEVER} for an indeterminate operation. */
    public long returnTime() {
        return isIndeterminate() ? NEVER : completion.time();
    }

    /**
     * One line for reports, e.g. {@code #12 p3 cas r1 [1,2] ok [1.200000s..1.500000s] @n2}, or
     * {@code #14 p1 read r1 -> 3 ok [...]}; an indeterminate end is shown as {@code inf}.
     */
    public String render() {
        StringBuilder sb = new StringBuilder(80);
        sb.append('#').append(invoke.index()).append(" p").append(process()).append(' ').append(function());
        if (key() != null) {
            sb.append(' ').append(key());
        }
        if (!argument().isNil()) {
            sb.append(' ').append(Operation.abbreviate(argument()));
        }
        if (isOk() && (!result().isNil() || argument().isNil())) {
            sb.append(" -> ").append(Operation.abbreviate(result()));
        }
        sb.append(' ').append(outcome().wireName());
        sb.append(" [").append(Operation.seconds(callTime())).append("..")
                .append(isIndeterminate() ? "inf" : Operation.seconds(returnTime())).append(']');
        if (invoke.node() != null) {
            sb.append(" @").append(invoke.node());
        }
        if (completion != null && completion.error() != null) {
            sb.append(" (").append(completion.error()).append(')');
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return render();
    }
}
