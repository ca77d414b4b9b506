package io.raftlite.jepsen.checker;

import io.raftlite.jepsen.history.Call;
import java.util.List;

/**
 * The verdict of the linearizability search on one object (one key), with what a human needs to see
 * why it failed.
 *
 * @param validity          {@code VALID}: a linearization exists; {@code INVALID}: none exists;
 *                          {@code UNKNOWN}: the {@link SearchBudget} ran out first
 * @param operations        how many calls were searched (after the caller dropped irrelevant ones)
 * @param steps             search steps spent
 * @param longestPrefix     for INVALID and UNKNOWN: a linearizable sequence of calls, in linearization
 *                          order, that places as many definite calls as the search managed to (it may
 *                          include indeterminate calls the search placed on the way); empty if VALID
 * @param stateAfterPrefix  the model state after {@code longestPrefix}
 * @param blocked           for INVALID: the definite calls that could come next after the prefix
 *                          (invoked before any remaining call returned) and why the model refuses each
 * @param reason            for UNKNOWN: which budget ran out; {@code null} otherwise
 */
public record LinearizabilityResult(Validity validity, int operations, long steps, List<Call> longestPrefix,
        Object stateAfterPrefix, List<Blocked> blocked, String reason) {

    /** A call that cannot be linearized after the prefix, and the model's reason. */
    public record Blocked(Call call, String why) {
        @Override
        public String toString() {
            return call.render() + "  -- " + why;
        }
    }

    public LinearizabilityResult {
        longestPrefix = List.copyOf(longestPrefix);
        blocked = List.copyOf(blocked);
    }

    /**
     * A few indented lines explaining the result: for a violation the tail of the prefix (the full
     * prefix is in {@link #longestPrefix()}), the state, and the blocked calls.
     */
    public String explain(String indent, int maxPrefixShown) {
        StringBuilder sb = new StringBuilder();
        switch (validity) {
            case VALID -> sb.append(indent).append("linearizable (").append(operations).append(" ops, ")
                    .append(steps).append(" search steps)\n");
            case UNKNOWN -> sb.append(indent).append("unknown: ").append(reason).append(" (").append(operations)
                    .append(" ops; longest linearizable prefix so far: ").append(longestPrefix.size())
                    .append(" ops)\n");
            case INVALID -> {
                sb.append(indent).append("NOT linearizable (").append(operations).append(" ops, ").append(steps)
                        .append(" search steps)\n");
                sb.append(indent).append("longest linearizable prefix: ").append(longestPrefix.size())
                        .append(" ops");
                int from = Math.max(0, longestPrefix.size() - maxPrefixShown);
                sb.append(from > 0 ? ", the last " + (longestPrefix.size() - from) + ":\n" : ":\n");
                for (Call c : longestPrefix.subList(from, longestPrefix.size())) {
                    sb.append(indent).append("  ").append(c.render()).append('\n');
                }
                sb.append(indent).append("state after the prefix: ").append(stateAfterPrefix).append('\n');
                sb.append(indent).append("none of these can come next:\n");
                for (Blocked b : blocked) {
                    sb.append(indent).append("  ").append(b).append('\n');
                }
            }
            default -> throw new IllegalStateException();
        }
        return sb.toString();
    }
}
