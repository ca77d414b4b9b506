package io.raftlite.jepsen.history;

import java.io.Closeable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What client threads of a workload runner use to record a history: it stamps each event with the
 * next index and the time since the run started <em>under one lock</em>, so index order and time order
 * agree, keeps the events in memory and appends them to a {@link HistoryWriter} if one is given.
 *
 * <p>Call {@link #invoke} just before sending a request and {@link #ok}/{@link #fail}/{@link #info}
 * just after learning its outcome, so that each recorded interval contains the real one. The recording
 * rules of {@link History} are checked as events arrive, so a runner bug fails fast at its source:
 * a process with an outstanding operation cannot invoke, and a process that got an INFO cannot be
 * used again (take a fresh process id).
 */
public final class Recorder implements Closeable {
    private final long startNanos;
    private final HistoryWriter writer;
    private final List<Operation> events = new ArrayList<>();
    private final Map<Integer, Operation> outstanding = new HashMap<>();
    private final Set<Integer> crashed = new HashSet<>();
    private long nextIndex;

    /** A recorder whose clock starts now; {@code writer} may be {@code null} to keep the history in memory only. */
    public Recorder(HistoryWriter writer) {
        this.startNanos = System.nanoTime();
        this.writer = writer;
    }

    /** Records an invocation by {@code process} of {@code function} on {@code key} with argument {@code value}. */
    public synchronized Operation invoke(int process, String function, String key, Value value, String node) {
        if (crashed.contains(process)) {
            throw new IllegalStateException("process " + process + " got an INFO and must not be reused");
        }
        Operation pending = outstanding.get(process);
        if (pending != null) {
            throw new IllegalStateException("process " + process + " still has " + pending + " outstanding");
        }
        Operation op = Operation.invoke(nextIndex, process, function, key, value, now(), node);
        outstanding.put(process, op);
        return append(op);
    }

    /** Records that {@code invoke} took effect with result {@code value} (what a read returned). */
    public synchronized Operation ok(Operation invoke, Value value) {
        return complete(invoke, Operation.Type.OK, value, null);
    }

    /** Records that {@code invoke} took effect; the completion repeats the invocation's argument. */
    public synchronized Operation ok(Operation invoke) {
        return complete(invoke, Operation.Type.OK, invoke.value(), null);
    }

    /** Records that {@code invoke} definitely did not take effect. */
    public synchronized Operation fail(Operation invoke, String error) {
        return complete(invoke, Operation.Type.FAIL, invoke.value(), error);
    }

    /**
     * Records that the outcome of {@code invoke} is unknown (timeout, connection lost). Its process is
     * crashed from now on.
     */
    public synchronized Operation info(Operation invoke, String error) {
        return complete(invoke, Operation.Type.INFO, invoke.value(), error);
    }

    /** Nanoseconds since this recorder was created, on the clock used for event times. */
    public long now() {
        return System.nanoTime() - startNanos;
    }

    /** A validated snapshot of what was recorded so far; invocations still outstanding have no completion. */
    public synchronized History history() {
        return History.of(events);
    }

    /** Closes the writer, if any. The in-memory history stays available. */
    @Override
    public synchronized void close() {
        if (writer != null) {
            writer.close();
        }
    }

    private Operation complete(Operation invoke, Operation.Type type, Value value, String error) {
        if (!invoke.equals(outstanding.get(invoke.process()))) {
            throw new IllegalStateException("not an outstanding invocation of this recorder: " + invoke);
        }
        outstanding.remove(invoke.process());
        if (type == Operation.Type.INFO) {
            crashed.add(invoke.process());
        }
        return append(Operation.completion(invoke, nextIndex, type, value, now(), error));
    }

    private Operation append(Operation op) {
        nextIndex++;
        events.add(op);
        if (writer != null) {
            writer.write(op);
        }
        return op;
    }
}
