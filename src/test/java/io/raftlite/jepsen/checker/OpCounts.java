package io.raftlite.jepsen.checker;

import io.raftlite.jepsen.history.Call;
import io.raftlite.jepsen.history.History;
import io.raftlite.jepsen.history.Operation;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * How many events of each type a history has, and per function how the operations ended, so that a
 * report shows at a glance whether the verdict rests on many successful operations or on a few (a
 * "valid" run where everything failed proves little).
 *
 * @param events     number of events
 * @param byType     events per type
 * @param pending    invocations without completion (counted as indeterminate by the checkers)
 * @param byFunction per function, operations per outcome (INFO includes pending)
 */
public record OpCounts(int events, Map<Operation.Type, Integer> byType, int pending,
        Map<String, Map<Operation.Type, Integer>> byFunction) {

    public static OpCounts of(History history) {
        Map<Operation.Type, Integer> byType = new EnumMap<>(Operation.Type.class);
        for (Operation.Type t : Operation.Type.values()) {
            byType.put(t, 0);
        }
        for (Operation op : history.operations()) {
            byType.merge(op.type(), 1, Integer::sum);
        }
        int pending = 0;
        Map<String, Map<Operation.Type, Integer>> byFunction = new TreeMap<>();
        for (Call c : history.calls()) {
            if (c.completion() == null) {
                pending++;
            }
            byFunction.computeIfAbsent(c.function(), f -> new EnumMap<>(Operation.Type.class))
                    .merge(c.outcome(), 1, Integer::sum);
        }
        byFunction.replaceAll((f, m) -> Collections.unmodifiableMap(m));
        return new OpCounts(history.size(), Collections.unmodifiableMap(byType), pending,
                Collections.unmodifiableMap(byFunction));
    }

    public int count(Operation.Type type) {
        return byType.getOrDefault(type, 0);
    }

    /** Operations of {@code function} that ended with {@code outcome} (INFO includes pending). */
    public int count(String function, Operation.Type outcome) {
        return byFunction.getOrDefault(function, Map.of()).getOrDefault(outcome, 0);
    }

    /** E.g. {@code 2000 events: 1000 invoke, 950 ok, 30 fail, 20 info, 0 pending; read 500/10/3, write ...}. */
    public String render() {
        StringBuilder sb = new StringBuilder();
        sb.append(events).append(" events: ").append(count(Operation.Type.INVOKE)).append(" invoke, ")
                .append(count(Operation.Type.OK)).append(" ok, ").append(count(Operation.Type.FAIL)).append(" fail, ")
                .append(count(Operation.Type.INFO)).append(" info, ").append(pending).append(" pending");
        if (!byFunction.isEmpty()) {
            sb.append("; ok/fail/info by function:");
            byFunction.forEach((f, m) -> sb.append(' ').append(f).append(' ')
                    .append(m.getOrDefault(Operation.Type.OK, 0)).append('/')
                    .append(m.getOrDefault(Operation.Type.FAIL, 0)).append('/')
                    .append(m.getOrDefault(Operation.Type.INFO, 0)));
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return render();
    }
}
