package io.raftlite.jepsen.runner;

import io.raftlite.jepsen.checker.SearchBudget;
import io.raftlite.jepsen.nemesis.Nemeses;
import io.raftlite.jepsen.nemesis.Nemesis;
import io.raftlite.jepsen.workload.BankWorkload;
import io.raftlite.jepsen.workload.RegisterWorkload;
import io.raftlite.jepsen.workload.SetWorkload;
import io.raftlite.jepsen.workload.Workload;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The workloads and nemesis sets a {@link RunSpec} can name, with the settings the suite uses:
 * <ul>
 *   <li>{@code registers-linearizable}, {@code registers-strong}: registers read at that level, 2
 *       keys active at a time, 250 operations per key;</li>
 *   <li>{@code registers-weak}, {@code registers-none}: the same at levels that may be stale, measured
 *       (how stale) and reported, not judged;</li>
 *   <li>{@code set}: unique inserts, a read of the whole set every 2 s (every 10 s in runs longer
 *       than 5 minutes), 4 MB of filler rows so that snapshots take a while;</li>
 *   <li>{@code bank}: 8 accounts of 100, transfers of 1..5, reads at strong, linearizable and none.</li>
 * </ul>
 */
public final class Workloads {
    /** Every workload, the long mode's default. */
    public static final List<String> ALL = List.of("registers-linearizable", "registers-strong", "set", "bank");

    /**
     * {@code jepsen.nemesis=all}: every kind alone, and combinations that hit the cluster in two ways at once.
     * A delay is combined with a partition delay first: {@code Delay} sets every link, so started
     * second it would lift the partition's cuts.
     */
    public static final List<String> ALL_NEMESES = List.of("kill-random", "kill-leader", "pause-random",
            "pause-leader", "partition-majority-minority", "partition-bridge", "partition-isolate-leader", "delay",
            "crash-during-snapshot", "delay+partition-majority-minority", "kill-random+partition-bridge",
            "pause-random+delay", "partition-isolate-leader+kill-random");

    private Workloads() {
    }

    /**
     * A new workload for {@code name}; the register checker's time budget grows with the run's duration.
     *
     * @throws IllegalArgumentException for an unknown name
     */
    public static Workload create(String name, Duration runDuration) {
        SearchBudget budget = new SearchBudget(SearchBudget.DEFAULT.maxSteps(),
                Duration.ofSeconds(Math.max(120, runDuration.toSeconds() / 2)));
        return switch (name) {
            case "registers-linearizable" -> new RegisterWorkload("linearizable", 1_000_000, 2, 250, budget);
            case "registers-strong" -> new RegisterWorkload("strong", 2_000_000, 2, 250, budget);
            case "registers-weak" -> new RegisterWorkload("weak", 3_000_000, 2, 250, budget);
            case "registers-none" -> new RegisterWorkload("none", 4_000_000, 2, 250, budget);
            case "set" -> new SetWorkload(20, runDuration.compareTo(Duration.ofMinutes(5)) > 0
                    ? Duration.ofSeconds(10) : Duration.ofSeconds(2));
            case "bank" -> new BankWorkload(8, 100, 5, List.of("strong", "linearizable", "none"));
            default -> throw new IllegalArgumentException("unknown workload '" + name + "'; known: " + ALL
                    + ", registers-weak, registers-none");
        };
    }

    /** The nemeses a spec names: {@code none} for none, {@code all} for {@link #ALL_NEMESES}, else a list. */
    public static List<Nemesis> nemeses(String spec) {
        String s = spec.trim();
        if (s.isEmpty() || s.equals("none")) {
            return List.of();
        }
        if (s.equals("all")) {
            return new ArrayList<>(ALL_NEMESES.stream().map(Nemeses::byName).toList());
        }
        return Nemeses.list(s);
    }
}
