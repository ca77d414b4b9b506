package io.raftlite.jepsen.checker;

import io.raftlite.jepsen.history.Call;
import io.raftlite.jepsen.history.Functions;
import io.raftlite.jepsen.history.History;
import io.raftlite.jepsen.history.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks a bank workload: clients move money between accounts with {@code transfer}s, each one
 * {@code transaction} request, and read all balances at once. Transfers preserve the total, so every
 * successful read must show exactly the expected accounts, summing to the constant total, and (if the
 * workload forbids overdrafts) no negative balance. A read that sees half a transfer, a lost or
 * duplicated transfer, or a stale mix of rows breaks one of these, whatever the timing.
 *
 * <p>Only OK {@code read-balances} are judged; transfers are not (their effect shows in the reads).
 * The history is unknown if it has no OK read.
 */
public final class BankChecker {
    /** How many bad reads a report keeps in full. */
    static final int BAD_READS_KEPT = 10;

    private final Set<String> accounts;
    private final long total;
    private final boolean negativeAllowed;

    /**
     * @param accounts        the account ids, as the keys of a read's map
     * @param total           the sum of all balances, constant for the whole run
     * @param negativeAllowed whether a negative balance is legal (overdraft permitted by the workload)
     */
    public BankChecker(Set<String> accounts, long total, boolean negativeAllowed) {
        this.accounts = Set.copyOf(Objects.requireNonNull(accounts, "accounts"));
        this.total = total;
        this.negativeAllowed = negativeAllowed;
    }

    public BankReport check(History history) {
        int reads = 0;
        int badReads = 0;
        List<BankReport.BadRead> kept = new ArrayList<>();
        for (Call c : history.calls()) {
            if (c.function().equals(Functions.TRANSFER)) {
                continue;
            }
            if (!c.function().equals(Functions.READ_BALANCES)) {
                throw new IllegalArgumentException("not a bank operation: " + c);
            }
            if (!c.isOk()) {
                continue;
            }
            reads++;
            List<String> problems = problems(c.result());
            if (!problems.isEmpty()) {
                badReads++;
                if (kept.size() < BAD_READS_KEPT) {
                    kept.add(new BankReport.BadRead(c, problems));
                }
            }
        }
        return new BankReport(OpCounts.of(history), new TreeSet<>(accounts), total, negativeAllowed, reads, badReads,
                kept);
    }

    /** What is wrong with one read's balances; empty if nothing. */
    private List<String> problems(Value balances) {
        List<String> problems = new ArrayList<>();
        if (!(balances instanceof Value.Dict dict)) {
            problems.add("not a map of balances: " + balances);
            return problems;
        }
        Set<String> missing = new TreeSet<>(accounts);
        missing.removeAll(dict.entries().keySet());
        if (!missing.isEmpty()) {
            problems.add("missing accounts " + missing);
        }
        Set<String> extra = new TreeSet<>(dict.entries().keySet());
        extra.removeAll(accounts);
        if (!extra.isEmpty()) {
            problems.add("unexpected accounts " + extra);
        }
        long sum = 0;
        boolean summable = true;
        for (Map.Entry<String, Value> e : dict.entries().entrySet()) {
            if (!(e.getValue() instanceof Value.Int balance)) {
                problems.add("balance of " + e.getKey() + " is not an integer: " + e.getValue());
                summable = false;
                continue;
            }
            if (balance.value() < 0 && !negativeAllowed) {
                problems.add("negative balance " + e.getKey() + "=" + balance.value());
            }
            sum += balance.value();
        }
        if (summable && sum != total) {
            problems.add("total " + sum + ", expected " + total);
        }
        return problems;
    }
}
