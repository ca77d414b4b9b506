package io.raftlite.jepsen.checker;

import io.raftlite.jepsen.history.Functions;
import io.raftlite.jepsen.history.History;
import io.raftlite.jepsen.history.Operation;
import io.raftlite.jepsen.history.Operation.Type;
import io.raftlite.jepsen.history.Value;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Writes test histories as intervals: each method adds one operation (its invocation at {@code call}
 * and its completion at {@code ret}), and {@link #build()} orders all events by time and numbers them,
 * as a recorder would have. Times are plain numbers (nanoseconds, but only their order matters).
 */
final class HistoryBuilder {
    private record Event(long time, long seq, Operation op) {
    }

    private final List<Event> events = new ArrayList<>();
    private long seq;

    /** Adds one operation; {@code outcome == null} leaves it without completion (pending at the end). */
    HistoryBuilder op(int process, String function, String key, Value argument, Type outcome, Value result,
            long call, long ret) {
        Operation invoke = Operation.invoke(0, process, function, key, argument, call, "n" + (process % 3 + 1));
        events.add(new Event(call, seq++, invoke));
        if (outcome != null) {
            Value completionValue = outcome == Type.OK ? result : argument;
            events.add(new Event(ret, seq++, Operation.completion(invoke, 0, outcome, completionValue, ret,
                    outcome == Type.OK ? null : "test " + outcome.wireName())));
        }
        return this;
    }

    HistoryBuilder write(int process, String key, long value, long call, long ret) {
        return write(process, key, value, call, ret, Type.OK);
    }

    HistoryBuilder write(int process, String key, long value, long call, long ret, Type outcome) {
        return op(process, Functions.WRITE, key, Value.of(value), outcome, Value.of(value), call, ret);
    }

    HistoryBuilder writePending(int process, String key, long value, long call) {
        return op(process, Functions.WRITE, key, Value.of(value), null, null, call, 0);
    }

    /** An OK read returning {@code value}, {@code null} for a missing row. */
    HistoryBuilder read(int process, String key, Long value, long call, long ret) {
        return op(process, Functions.READ, key, Value.NIL, Type.OK, value == null ? Value.NIL : Value.of(value), call,
                ret);
    }

    HistoryBuilder read(int process, String key, Type outcome, long call, long ret) {
        return op(process, Functions.READ, key, Value.NIL, outcome, Value.NIL, call, ret);
    }

    HistoryBuilder cas(int process, String key, long expected, long newValue, long call, long ret) {
        return cas(process, key, expected, newValue, call, ret, Type.OK);
    }

    HistoryBuilder cas(int process, String key, long expected, long newValue, long call, long ret, Type outcome) {
        Value arg = Value.list(Value.of(expected), Value.of(newValue));
        return op(process, Functions.CAS, key, arg, outcome, arg, call, ret);
    }

    HistoryBuilder add(int process, long element, long call, long ret, Type outcome) {
        return op(process, Functions.ADD, null, Value.of(element), outcome, Value.of(element), call, ret);
    }

    HistoryBuilder readAll(int process, long call, long ret, long... elements) {
        List<Value> items = new ArrayList<>();
        for (long e : elements) {
            items.add(Value.of(e));
        }
        return op(process, Functions.READ_ALL, null, Value.NIL, Type.OK, Value.listOf(items), call, ret);
    }

    HistoryBuilder transfer(int process, String from, String to, long amount, long call, long ret, Type outcome) {
        Value arg = Value.mapOf(Map.of("from", from, "to", to, "amount", amount));
        return op(process, Functions.TRANSFER, null, arg, outcome, arg, call, ret);
    }

    HistoryBuilder readBalances(int process, long call, long ret, Map<String, Long> balances) {
        return op(process, Functions.READ_BALANCES, null, Value.NIL, Type.OK, Value.mapOf(balances), call, ret);
    }

    History build() {
        List<Event> sorted = new ArrayList<>(events);
        sorted.sort(Comparator.comparingLong(Event::time).thenComparingLong(Event::seq));
        List<Operation> ops = new ArrayList<>();
        for (Event e : sorted) {
            ops.add(e.op().withIndex(ops.size()));
        }
        return History.of(ops);
    }
}
