package io.raftlite.jepsen.history;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

/**
 * An immutable, validated history: the events in recording order and the {@link Call}s they form.
 *
 * <p>Validation enforces the Jepsen discipline the checkers rely on: indices strictly increase; a
 * process has at most one outstanding operation; a completion matches the process's outstanding
 * invocation (same function and key) and is not earlier than it; after an INFO the process issues
 * nothing more (its operation may still take effect at any time, so the runner continues with a fresh
 * process id). An invocation without completion at the end is kept as an indeterminate call.
 */
public final class History {
    private final List<Operation> operations;
    private final List<Call> calls;

    private History(List<Operation> operations, List<Call> calls) {
        this.operations = operations;
        this.calls = calls;
    }

    /**
     * Validates and pairs {@code operations}, which must be in recording order.
     *
     * @throws MalformedHistoryException if the recording rules are broken
     */
    public static History of(List<Operation> operations) {
        List<Operation> ops = List.copyOf(operations);
        List<Call> calls = new ArrayList<>();
        Map<Integer, Integer> outstanding = new HashMap<>(); // process -> position of its call in calls
        Set<Integer> crashed = new HashSet<>();
        long lastIndex = Long.MIN_VALUE;
        for (Operation op : ops) {
            if (op.index() <= lastIndex) {
                throw new MalformedHistoryException("index " + op.index() + " does not follow " + lastIndex + ": " + op);
            }
            lastIndex = op.index();
            if (crashed.contains(op.process())) {
                throw new MalformedHistoryException("process " + op.process()
                        + " was crashed by an INFO and must not be reused: " + op);
            }
            Integer pending = outstanding.get(op.process());
            if (op.isInvoke()) {
                if (pending != null) {
                    throw new MalformedHistoryException("process " + op.process()
                            + " invokes while " + calls.get(pending).invoke() + " is outstanding: " + op);
                }
                outstanding.put(op.process(), calls.size());
                calls.add(new Call(op, null));
            } else {
                if (pending == null) {
                    throw new MalformedHistoryException("completion without invocation: " + op);
                }
                Operation invoke = calls.get(pending).invoke();
                if (!invoke.function().equals(op.function()) || !Objects.equals(invoke.key(), op.key())) {
                    throw new MalformedHistoryException("completion " + op + " does not match invocation " + invoke);
                }
                if (op.time() < invoke.time()) {
                    throw new MalformedHistoryException("completion " + op + " is earlier than invocation " + invoke);
                }
                calls.set(pending, new Call(invoke, op));
                outstanding.remove(op.process());
                if (op.type() == Operation.Type.INFO) {
                    crashed.add(op.process());
                }
            }
        }
        return new History(ops, Collections.unmodifiableList(calls));
    }

    /** The events in recording order. */
    public List<Operation> operations() {
        return operations;
    }

    /** The operations as intervals, in invocation order; pending invocations have no completion. */
    public List<Call> calls() {
        return calls;
    }

    /** The calls that satisfy {@code filter}, in invocation order. */
    public List<Call> calls(Predicate<Call> filter) {
        return calls.stream().filter(filter).toList();
    }

    /** The calls of one function, e.g. {@code calls(Functions.ADD)}. */
    public List<Call> calls(String function) {
        return calls(c -> c.function().equals(function));
    }

    /** The number of events. */
    public int size() {
        return operations.size();
    }

    @Override
    public String toString() {
        return "History[" + operations.size() + " events, " + calls.size() + " calls]";
    }
}
