package io.raftlite.jepsen.checker;

import io.raftlite.jepsen.history.Call;
import io.raftlite.jepsen.history.Functions;
import io.raftlite.jepsen.history.History;
import io.raftlite.jepsen.history.Value;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks an append-only set workload: clients {@code add} unique elements, then one or more
 * {@code read-all}s return the whole set. A database that loses acknowledged writes or invents data
 * fails it, whatever the order of operations, which makes it a robust complement to the register
 * check for faults such as leader changes and partitions.
 *
 * <p>Each OK {@code read-all} is judged against the adds in its real-time past:
 * <ul>
 *   <li><b>lost</b>: an add acknowledged (OK) before the read was invoked is missing from it;</li>
 *   <li><b>unexpected</b>: an element no add could have inserted: never attempted, or first attempted
 *       only after the read had returned;</li>
 *   <li><b>failed but present</b>: every add of the element failed (FAIL = definitely not applied),
 *       yet it is there;</li>
 *   <li><b>duplicated</b>: an element appears more than once in one read (an insert applied twice);</li>
 *   <li><b>recovered</b> (not an error): an indeterminate add (INFO or no completion) whose element
 *       appears; indeterminate adds that never appear are fine too.</li>
 * </ul>
 * Adds acknowledged while a read ran may or may not be in it, so reads taken before all adds
 * finished are judged only on what they must contain. The history is valid iff all error sets are
 * empty, and unknown if it has no OK read.
 */
public final class SetChecker {

    /** What the adds of one element say: when it was first attempted, first acknowledged, and how attempts ended. */
    private static final class Element {
        long firstInvoke = Long.MAX_VALUE;
        long firstAck = Long.MAX_VALUE;
        boolean acknowledged;
        boolean indeterminate;
        boolean failed;

        boolean definitelyAbsent() {
            return failed && !acknowledged && !indeterminate;
        }
    }

    public SetReport check(History history) {
        Map<Value, Element> elements = new HashMap<>();
        List<Call> reads = new ArrayList<>();
        for (Call c : history.calls()) {
            switch (c.function()) {
                case Functions.ADD -> {
                    Element e = elements.computeIfAbsent(c.argument(), v -> new Element());
                    e.firstInvoke = Math.min(e.firstInvoke, c.callTime());
                    if (c.isOk()) {
                        e.acknowledged = true;
                        e.firstAck = Math.min(e.firstAck, c.completion().time());
                    } else if (c.isFail()) {
                        e.failed = true;
                    } else {
                        e.indeterminate = true;
                    }
                }
                case Functions.READ_ALL -> {
                    if (c.isOk()) {
                        reads.add(c);
                    }
                }
                default -> throw new IllegalArgumentException("not a set operation: " + c);
            }
        }

        Comparator<Value> order = SetReport.ORDER;
        Set<Value> lost = new TreeSet<>(order);
        Set<Value> unexpected = new TreeSet<>(order);
        Set<Value> failedButPresent = new TreeSet<>(order);
        Set<Value> duplicated = new TreeSet<>(order);
        Set<Value> recovered = new TreeSet<>(order);
        List<SetReport.BadRead> badReads = new ArrayList<>();
        for (Call read : reads) {
            if (!(read.result() instanceof Value.Seq seq)) {
                throw new IllegalArgumentException("read-all did not return a list: " + read);
            }
            Set<Value> seen = new HashSet<>();
            Set<Value> readLost = new TreeSet<>(order);
            Set<Value> readUnexpected = new TreeSet<>(order);
            Set<Value> readFailed = new TreeSet<>(order);
            Set<Value> readDuplicated = new TreeSet<>(order);
            for (Value v : seq.items()) {
                if (!seen.add(v)) {
                    readDuplicated.add(v);
                }
                Element e = elements.get(v);
                if (e == null || e.firstInvoke > read.returnTime()) {
                    readUnexpected.add(v);
                } else if (e.definitelyAbsent()) {
                    readFailed.add(v);
                } else if (!e.acknowledged) {
                    recovered.add(v);
                }
            }
            elements.forEach((v, e) -> {
                if (e.acknowledged && e.firstAck < read.callTime() && !seen.contains(v)) {
                    readLost.add(v);
                }
            });
            if (!readLost.isEmpty() || !readUnexpected.isEmpty() || !readFailed.isEmpty() || !readDuplicated.isEmpty()) {
                badReads.add(new SetReport.BadRead(read, readLost, readUnexpected, readFailed, readDuplicated));
            }
            lost.addAll(readLost);
            unexpected.addAll(readUnexpected);
            failedButPresent.addAll(readFailed);
            duplicated.addAll(readDuplicated);
        }

        int attempted = elements.size();
        int acknowledged = (int) elements.values().stream().filter(e -> e.acknowledged).count();
        int indeterminate = (int) elements.values().stream().filter(e -> !e.acknowledged && e.indeterminate).count();
        return new SetReport(OpCounts.of(history), attempted, acknowledged, indeterminate, reads.size(), lost,
                unexpected, failedButPresent, duplicated, recovered, badReads);
    }
}
