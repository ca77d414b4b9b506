package io.raftlite.jepsen.checker;

import io.raftlite.jepsen.history.Call;
import io.raftlite.jepsen.history.Functions;
import io.raftlite.jepsen.history.History;
import io.raftlite.jepsen.history.Operation;
import io.raftlite.jepsen.history.Operation.Type;
import io.raftlite.jepsen.history.Value;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Generates register histories that are linearizable by construction: every operation gets a random
 * interval and a linearization point inside it (an indeterminate one possibly long after its client gave
 * up, or never), the operations are applied to sequential registers in linearization-point order to
 * find what reads return and whether each cas matched, and the intervals are written out as a history.
 * Written values (including cas new values) are unique, which {@link #withStaleRead} relies on.
 *
 * @param seed        random seed, so a failing case can be replayed
 * @param processes   concurrent clients (each gets a fresh process id after an INFO)
 * @param keys        registers
 * @param operations  operations in total
 * @param infoRatio   fraction of operations whose outcome is unknown (half of those take effect)
 * @param maxDuration longest operation, in time units; larger means more overlap
 */
record RegisterSimulation(long seed, int processes, int keys, int operations, double infoRatio, int maxDuration) {

    private static final class Planned {
        int id;
        int process;
        String function;
        String key;
        long call;
        long ret;
        long linearizedAt;
        Type outcome;
        boolean pending;
        boolean takesEffect;
        long written;
        Value expected;
        Value readValue = Value.NIL;
    }

    History generate() {
        Random random = new Random(seed);
        long[] freeAt = new long[processes];
        int[] processIds = new int[processes];
        int[] lastOf = new int[processes];
        for (int s = 0; s < processes; s++) {
            processIds[s] = s;
            lastOf[s] = -1;
        }
        int nextProcessId = processes;
        long nextValue = 1;
        List<Planned> plan = new ArrayList<>();
        for (int i = 0; i < operations; i++) {
            int slot = random.nextInt(processes);
            Planned op = new Planned();
            op.id = i;
            op.process = processIds[slot];
            double kind = random.nextDouble();
            op.function = kind < 0.5 ? Functions.READ : kind < 0.8 ? Functions.WRITE : Functions.CAS;
            op.key = "k" + random.nextInt(keys);
            op.call = freeAt[slot] + random.nextInt(maxDuration / 2 + 1);
            op.ret = op.call + 2 + random.nextInt(maxDuration);
            op.linearizedAt = op.call + 1 + random.nextInt((int) (op.ret - op.call - 1));
            op.written = nextValue++;
            op.outcome = Type.OK;
            op.takesEffect = true;
            if (random.nextDouble() < infoRatio) {
                op.outcome = Type.INFO;
                op.takesEffect = random.nextBoolean();
                // It may take effect long after the client gave up.
                op.linearizedAt = op.call + 1 + random.nextInt(10 * maxDuration);
                processIds[slot] = nextProcessId++;
            } else if (!op.function.equals(Functions.READ) && random.nextDouble() < 0.03) {
                op.outcome = Type.FAIL;
                op.takesEffect = false;
            }
            freeAt[slot] = op.ret + 1;
            lastOf[slot] = i;
            plan.add(op);
        }
        // Some clients are still waiting when the run ends.
        for (int s = 0; s < processes; s++) {
            Planned last = lastOf[s] < 0 ? null : plan.get(lastOf[s]);
            if (last != null && last.outcome == Type.OK && random.nextInt(3) == 0) {
                last.pending = true;
                last.outcome = Type.INFO;
                last.takesEffect = random.nextBoolean();
            }
        }

        // Apply in linearization-point order to find the results.
        List<Planned> byPoint = new ArrayList<>(plan);
        byPoint.sort(Comparator.comparingLong((Planned p) -> p.linearizedAt).thenComparingInt(p -> p.id));
        Map<String, Value> registers = new HashMap<>();
        for (Planned op : byPoint) {
            Value state = registers.getOrDefault(op.key, Value.NIL);
            if (op.function.equals(Functions.CAS)) {
                boolean aimAtCurrent = !state.isNil() && random.nextDouble() < 0.7;
                op.expected = aimAtCurrent ? state : Value.of(1 + random.nextInt((int) nextValue));
            }
            if (!op.takesEffect) {
                continue;
            }
            switch (op.function) {
                case Functions.READ -> op.readValue = state;
                case Functions.WRITE -> registers.put(op.key, Value.of(op.written));
                case Functions.CAS -> {
                    if (state.equals(op.expected)) {
                        registers.put(op.key, Value.of(op.written));
                    } else if (op.outcome == Type.OK) {
                        op.outcome = Type.FAIL; // the UPDATE matched no row
                    }
                }
                default -> throw new IllegalStateException(op.function);
            }
        }

        record Event(long time, long seq, Operation op) {
        }
        List<Event> events = new ArrayList<>();
        long seq = 0;
        for (Planned op : plan) {
            Value argument = switch (op.function) {
                case Functions.WRITE -> Value.of(op.written);
                case Functions.CAS -> Value.list(op.expected, Value.of(op.written));
                default -> Value.NIL;
            };
            Operation invoke = Operation.invoke(0, op.process, op.function, op.key, argument, op.call,
                    "n" + (op.process % 3 + 1));
            events.add(new Event(op.call, seq++, invoke));
            if (!op.pending) {
                Value result = op.function.equals(Functions.READ) && op.outcome == Type.OK ? op.readValue : argument;
                events.add(new Event(op.ret, seq++, Operation.completion(invoke, 0, op.outcome, result, op.ret,
                        op.outcome == Type.OK ? null : "simulated")));
            }
        }
        events.sort(Comparator.comparingLong(Event::time).thenComparingLong(Event::seq));
        List<Operation> ops = new ArrayList<>(events.size());
        for (Event e : events) {
            ops.add(e.op().withIndex(ops.size()));
        }
        return History.of(ops);
    }

    /** A stale read planted in a generated history, and the key it is on. */
    record Mutation(History history, String key, Call read) {
    }

    /**
     * Makes one OK read return a value that was certainly overwritten before the read began: some OK
     * write W1 completed before another OK write W2 of the same key began, W2 completed before the read
     * began, and W1's value is unique, so no linearization lets the read see it.
     */
    static Mutation withStaleRead(History history, Random random) {
        List<Call> reads = new ArrayList<>(history.calls(c -> c.isOk() && c.function().equals(Functions.READ)));
        Collections.shuffle(reads, random);
        for (Call read : reads) {
            List<Call> writes = history.calls(c -> c.isOk() && c.function().equals(Functions.WRITE)
                    && c.key().equals(read.key()));
            for (Call w2 : writes) {
                if (w2.returnTime() >= read.callTime()) {
                    continue;
                }
                for (Call w1 : writes) {
                    if (w1.returnTime() < w2.callTime() && !w1.argument().equals(read.result())) {
                        List<Operation> ops = new ArrayList<>(history.operations());
                        int at = ops.indexOf(read.completion());
                        ops.set(at, read.completion().withValue(w1.argument()));
                        return new Mutation(History.of(ops), read.key(), read);
                    }
                }
            }
        }
        throw new IllegalStateException("no read can be made stale in this history");
    }
}
