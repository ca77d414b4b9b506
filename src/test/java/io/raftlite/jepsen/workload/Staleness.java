package io.raftlite.jepsen.workload;

import io.raftlite.jepsen.history.Call;
import io.raftlite.jepsen.history.Functions;
import io.raftlite.jepsen.history.History;
import io.raftlite.jepsen.history.Value;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * How stale the OK reads of a register history were, at least: a measurement for reads at levels
 * that may be stale ({@code none}, {@code weak}), where a linearizability verdict alone says only
 * "stale or not".
 *
 * <p>A read that returned {@code v} is stale by at least {@code d} if some acknowledged write or cas
 * {@code u} on the same key was invoked after the write of {@code v} had been acknowledged (so
 * {@code u} took effect after it, values being unique per key) and was itself acknowledged
 * {@code d} before the read was invoked. A read of a missing row is stale by the time since the
 * first acknowledged write of the key. Writes that were in flight or indeterminate are ignored, so
 * the figure is a lower bound; 0 means no such proof.
 *
 * @param reads      OK reads measured
 * @param stale      reads with a staleness above zero
 * @param p50Millis  median staleness of the stale reads
 * @param p99Millis  99th percentile of the stale reads
 * @param maxMillis  the largest
 */
public record Staleness(int reads, int stale, long p50Millis, long p99Millis, long maxMillis) {

    public static Staleness of(History history) {
        Map<String, List<Call>> byKey = new TreeMap<>();
        for (Call c : history.calls()) {
            byKey.computeIfAbsent(c.key(), k -> new ArrayList<>()).add(c);
        }
        int reads = 0;
        List<Long> staleNanos = new ArrayList<>();
        for (List<Call> calls : byKey.values()) {
            Map<Value, Call> writerOf = new HashMap<>();
            List<Call> acked = new ArrayList<>();
            for (Call c : calls) {
                if (c.function().equals(Functions.WRITE) || c.function().equals(Functions.CAS)) {
                    Value written = c.function().equals(Functions.WRITE) ? c.argument() : c.argument().asList().get(1);
                    writerOf.put(written, c);
                    if (c.isOk()) {
                        acked.add(c);
                    }
                }
            }
            for (Call read : calls) {
                if (!read.function().equals(Functions.READ) || !read.isOk()) {
                    continue;
                }
                reads++;
                long since;
                if (read.result().isNil()) {
                    since = Long.MIN_VALUE; // every acknowledged write follows the initial missing row
                } else {
                    Call writer = writerOf.get(read.result());
                    if (writer == null || !writer.isOk()) {
                        continue; // unknown origin or indeterminate: nothing provable
                    }
                    since = writer.returnTime();
                }
                long earliest = Long.MAX_VALUE;
                for (Call u : acked) {
                    if (u.callTime() > since && u.returnTime() < read.callTime()) {
                        earliest = Math.min(earliest, u.returnTime());
                    }
                }
                if (earliest != Long.MAX_VALUE) {
                    staleNanos.add(read.callTime() - earliest);
                }
            }
        }
        Collections.sort(staleNanos);
        return new Staleness(reads, staleNanos.size(), percentile(staleNanos, 50), percentile(staleNanos, 99),
                staleNanos.isEmpty() ? 0 : staleNanos.get(staleNanos.size() - 1) / 1_000_000);
    }

    private static long percentile(List<Long> sorted, int p) {
        if (sorted.isEmpty()) {
            return 0;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i))) / 1_000_000;
    }

    /** E.g. {@code 1200 ok reads, 35 provably stale: median 180 ms, p99 4100 ms, max 7900 ms}. */
    public String render() {
        if (stale == 0) {
            return String.format(Locale.ROOT, "%d ok reads, none provably stale", reads);
        }
        return String.format(Locale.ROOT, "%d ok reads, %d provably stale: median %d ms, p99 %d ms, max %d ms", reads,
                stale, p50Millis, p99Millis, maxMillis);
    }
}
