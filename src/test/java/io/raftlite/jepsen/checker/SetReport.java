package io.raftlite.jepsen.checker;

import io.raftlite.jepsen.history.Call;
import io.raftlite.jepsen.history.Value;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The verdict on a set workload; see {@link SetChecker} for what each category means. Element sets are
 * sorted (integers numerically) so summaries are stable and readable.
 *
 * @param counts           events of the whole history
 * @param attempted        distinct elements some add was invoked for
 * @param acknowledged     distinct elements with an OK add
 * @param indeterminate    distinct elements whose adds were only indeterminate (INFO or pending)
 * @param reads            OK read-alls judged
 * @param lost             acknowledged before a read began, missing from it
 * @param unexpected       in a read, though no add could have inserted them
 * @param failedButPresent in a read, though every add of them failed
 * @param duplicated       more than once in one read
 * @param recovered        indeterminate adds that appeared in a read (fine)
 * @param badReads         the reads with errors, in invocation order
 */
public record SetReport(OpCounts counts, int attempted, int acknowledged, int indeterminate, int reads,
        Set<Value> lost, Set<Value> unexpected, Set<Value> failedButPresent, Set<Value> duplicated,
        Set<Value> recovered, List<BadRead> badReads) implements Report {

    /** Integers numerically first, then everything else by rendering. */
    static final Comparator<Value> ORDER = (a, b) -> {
        if (a instanceof Value.Int x && b instanceof Value.Int y) {
            return Long.compare(x.value(), y.value());
        }
        if (a instanceof Value.Int != b instanceof Value.Int) {
            return a instanceof Value.Int ? -1 : 1;
        }
        return a.toString().compareTo(b.toString());
    };

    /** How many elements of a set a summary lists before "...". */
    private static final int SHOWN = 20;

    /** One read with errors. */
    public record BadRead(Call read, Set<Value> lost, Set<Value> unexpected, Set<Value> failedButPresent,
            Set<Value> duplicated) {
        public BadRead {
            lost = sorted(lost);
            unexpected = sorted(unexpected);
            failedButPresent = sorted(failedButPresent);
            duplicated = sorted(duplicated);
        }
    }

    public SetReport {
        lost = sorted(lost);
        unexpected = sorted(unexpected);
        failedButPresent = sorted(failedButPresent);
        duplicated = sorted(duplicated);
        recovered = sorted(recovered);
        badReads = List.copyOf(badReads);
    }

    private static Set<Value> sorted(Set<Value> values) {
        TreeSet<Value> s = new TreeSet<>(ORDER);
        s.addAll(values);
        return Collections.unmodifiableSortedSet(s);
    }

    @Override
    public String workload() {
        return "set";
    }

    @Override
    public Validity validity() {
        if (reads == 0) {
            return Validity.UNKNOWN;
        }
        boolean ok = lost.isEmpty() && unexpected.isEmpty() && failedButPresent.isEmpty() && duplicated.isEmpty();
        return ok ? Validity.VALID : Validity.INVALID;
    }

    @Override
    public String summary() {
        StringBuilder sb = new StringBuilder();
        sb.append(workload()).append(": ").append(validity()).append(" - ").append(attempted).append(" attempted, ")
                .append(acknowledged).append(" acknowledged, ").append(indeterminate).append(" indeterminate, ")
                .append(reads).append(" reads\n");
        sb.append("  ").append(counts.render()).append('\n');
        if (reads == 0) {
            sb.append("  no successful read-all: nothing to judge\n");
        }
        line(sb, "lost (acknowledged, missing)", lost);
        line(sb, "unexpected (no add could have inserted)", unexpected);
        line(sb, "failed but present", failedButPresent);
        line(sb, "duplicated", duplicated);
        line(sb, "recovered (indeterminate, present)", recovered);
        for (BadRead b : badReads.subList(0, Math.min(3, badReads.size()))) {
            sb.append("  bad read ").append(b.read().render()).append(": ").append(b.lost().size()).append(" lost, ")
                    .append(b.unexpected().size()).append(" unexpected, ").append(b.failedButPresent().size())
                    .append(" failed but present, ").append(b.duplicated().size()).append(" duplicated\n");
        }
        return sb.toString();
    }

    private static void line(StringBuilder sb, String label, Set<Value> values) {
        sb.append("  ").append(label).append(": ").append(values.size());
        if (!values.isEmpty()) {
            sb.append(' ').append(values.stream().limit(SHOWN).map(Value::toString).toList());
            if (values.size() > SHOWN) {
                sb.append(" ...");
            }
        }
        sb.append('\n');
    }

    @Override
    public String toString() {
        return summary();
    }
}
