package io.raftlite.jepsen.checker;

import io.raftlite.jepsen.history.Call;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The verdict on a bank workload; see {@link BankChecker}.
 *
 * @param counts          events of the whole history
 * @param accounts        the expected accounts
 * @param total           the expected total
 * @param negativeAllowed whether negative balances were accepted
 * @param reads           OK reads judged
 * @param badReadCount    how many of them were wrong
 * @param firstBadReads   the first (up to 10) wrong reads, in invocation order, with what is wrong
 */
public record BankReport(OpCounts counts, Set<String> accounts, long total, boolean negativeAllowed, int reads,
        int badReadCount, List<BadRead> firstBadReads) implements Report {

    /** One wrong read and its problems, e.g. "total 990, expected 1000". */
    public record BadRead(Call read, List<String> problems) {
        public BadRead {
            problems = List.copyOf(problems);
        }
    }

    public BankReport {
        accounts = Collections.unmodifiableSortedSet(new TreeSet<>(accounts));
        firstBadReads = List.copyOf(firstBadReads);
    }

    @Override
    public String workload() {
        return "bank";
    }

    @Override
    public Validity validity() {
        if (reads == 0) {
            return Validity.UNKNOWN;
        }
        return badReadCount == 0 ? Validity.VALID : Validity.INVALID;
    }

    @Override
    public String summary() {
        StringBuilder sb = new StringBuilder();
        sb.append(workload()).append(": ").append(validity()).append(" - ").append(reads).append(" reads, ")
                .append(badReadCount).append(" bad; ").append(accounts.size()).append(" accounts, total ")
                .append(total).append(negativeAllowed ? ", overdraft allowed\n" : ", no overdraft\n");
        sb.append("  ").append(counts.render()).append('\n');
        if (reads == 0) {
            sb.append("  no successful read: nothing to judge\n");
        }
        for (BadRead b : firstBadReads) {
            sb.append("  ").append(b.read().render()).append("\n    ").append(String.join("; ", b.problems()))
                    .append('\n');
        }
        if (badReadCount > firstBadReads.size()) {
            sb.append("  ... and ").append(badReadCount - firstBadReads.size()).append(" more bad reads\n");
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return summary();
    }
}
