package io.raftlite.jepsen.checker;

import io.raftlite.jepsen.history.Call;

/**
 * A sequential specification of one object, as the {@link LinearizabilityChecker} needs it: a history
 * is linearizable iff its operations can be ordered, consistently with real time, so that each one is
 * a legal step of this model.
 *
 * <p>States must be immutable and implement {@code equals}/{@code hashCode}: the search memoises the
 * pairs (set of linearized operations, state) it has already explored.
 *
 * @param <S> the state type
 */
public interface Model<S> {
    S initialState();

    /**
     * The state after {@code call} takes effect in {@code state} with the outcome the history records,
     * or {@code null} if that outcome is impossible there (e.g. a read returning another value).
     * Indeterminate calls ({@link Call#isIndeterminate()}) must always be accepted (the search may also
     * place them after everything else, which covers "never took effect"); FAIL calls did not happen
     * and leave the state unchanged.
     */
    S step(S state, Call call);

    /** Why {@link #step} refuses {@code call} in {@code state}, in words, for reports. */
    String whyNot(S state, Call call);
}
