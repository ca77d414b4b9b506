package io.raftlite.jepsen.checker;

import io.raftlite.jepsen.history.Call;
import io.raftlite.jepsen.history.Functions;
import io.raftlite.jepsen.history.History;
import io.raftlite.jepsen.history.Value;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Checks that a register workload's history (read, write, cas on keyed registers) is linearizable.
 *
 * <p>Linearizability is compositional (Herlihy &amp; Wing): a history is linearizable iff its
 * restriction to each object is. So the history is partitioned by key and each key is searched on
 * its own with the {@link RegisterModel}, which turns one exponential search into many small ones.
 *
 * <p>Before the search, calls that cannot constrain it are dropped, because every indeterminate
 * call stays concurrent with everything after it and multiplies the search space:
 * <ul>
 *   <li>FAIL calls: they did not happen;</li>
 *   <li>indeterminate reads: nothing was observed;</li>
 *   <li>indeterminate writes and cas whose new value nobody observed (no OK read returned it and no
 *       cas expected it). Such a call is never needed: in any linearization that contains it, its value
 *       is overwritten before anyone looks, so removing it (and moving any indeterminate cas that then
 *       would match to the end, where it is harmless) leaves a linearization. The verdict is therefore
 *       the same with or without them.</li>
 * </ul>
 */
public final class RegisterChecker {
    private static final Set<String> FUNCTIONS = Set.of(Functions.READ, Functions.WRITE, Functions.CAS);

    private final SearchBudget budget;
    private final LinearizabilityChecker<Value> search;

    public RegisterChecker() {
        this(SearchBudget.DEFAULT);
    }

    public RegisterChecker(SearchBudget budget) {
        this.budget = Objects.requireNonNull(budget, "budget");
        this.search = new LinearizabilityChecker<>(new RegisterModel(), budget);
    }

    /**
     * Checks every key of {@code history}, in key order, within one time budget.
     *
     * @throws IllegalArgumentException if the history has calls other than read/write/cas, a call without
     *                                  key, or a malformed cas argument (a runner bug, not a finding)
     */
    public RegisterReport check(History history) {
        long start = System.nanoTime();
        Map<String, List<Call>> byKey = new TreeMap<>();
        for (Call c : history.calls()) {
            if (!FUNCTIONS.contains(c.function())) {
                throw new IllegalArgumentException("not a register operation: " + c);
            }
            if (c.key() == null) {
                throw new IllegalArgumentException("register operation without key: " + c);
            }
            if (c.function().equals(Functions.CAS)) {
                RegisterModel.casArguments(c);
            }
            byKey.computeIfAbsent(c.key(), k -> new ArrayList<>()).add(c);
        }
        Map<String, RegisterReport.KeyResult> results = new LinkedHashMap<>();
        byKey.forEach((key, calls) -> results.put(key,
                new RegisterReport.KeyResult(key, calls.size(), search.check(relevantCalls(calls), start))));
        return new RegisterReport(OpCounts.of(history), results, Duration.ofNanos(System.nanoTime() - start), budget);
    }

    /** The calls of one key that can constrain the search (see the class comment), in the given order. */
    static List<Call> relevantCalls(List<Call> callsOfOneKey) {
        Set<Value> observed = new HashSet<>();
        for (Call c : callsOfOneKey) {
            if (c.isOk() && c.function().equals(Functions.READ)) {
                observed.add(c.result());
            } else if (!c.isFail() && c.function().equals(Functions.CAS)) {
                observed.add(RegisterModel.casArguments(c).get(0));
            }
        }
        List<Call> relevant = new ArrayList<>();
        for (Call c : callsOfOneKey) {
            if (c.isFail()) {
                continue;
            }
            if (c.isIndeterminate()) {
                Value written = switch (c.function()) {
                    case Functions.WRITE -> c.argument();
                    case Functions.CAS -> RegisterModel.casArguments(c).get(1);
                    default -> null; // a read
                };
                if (written == null || !observed.contains(written)) {
                    continue;
                }
            }
            relevant.add(c);
        }
        return relevant;
    }
}
