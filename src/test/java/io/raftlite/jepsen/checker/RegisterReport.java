package io.raftlite.jepsen.checker;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The verdict on a register workload: one {@link LinearizabilityResult} per key, combined with
 * {@link Validity#and}, so one non-linearizable key makes the whole history invalid.
 *
 * @param counts  events of the whole history
 * @param keys    per key, in key order
 * @param elapsed time the check took
 * @param budget  the budget it ran with
 */
public record RegisterReport(OpCounts counts, Map<String, KeyResult> keys, Duration elapsed, SearchBudget budget)
        implements Report {

    /** How many prefix operations a summary shows before the blocked ones. */
    private static final int PREFIX_SHOWN = 8;

    /**
     * @param key    the register
     * @param calls  calls on it in the history (the search may have used fewer, see {@link RegisterChecker})
     * @param result the search's verdict
     */
    public record KeyResult(String key, int calls, LinearizabilityResult result) {
        public Validity validity() {
            return result.validity();
        }
    }

    public RegisterReport {
        keys = Collections.unmodifiableMap(new LinkedHashMap<>(keys));
    }

    @Override
    public String workload() {
        return "registers";
    }

    /** VALID iff every key is linearizable; INVALID if any key is not; UNKNOWN otherwise (also with no keys). */
    @Override
    public Validity validity() {
        if (keys.isEmpty()) {
            return Validity.UNKNOWN;
        }
        Validity v = Validity.VALID;
        for (KeyResult k : keys.values()) {
            v = v.and(k.validity());
        }
        return v;
    }

    /** The key's result, or {@code null} if the history has no such key. */
    public KeyResult key(String key) {
        return keys.get(key);
    }

    public long count(Validity validity) {
        return keys.values().stream().filter(k -> k.validity() == validity).count();
    }

    @Override
    public String summary() {
        StringBuilder sb = new StringBuilder();
        sb.append(workload()).append(": ").append(validity()).append(" - ").append(keys.size()).append(" keys: ")
                .append(count(Validity.VALID)).append(" linearizable, ").append(count(Validity.INVALID))
                .append(" not linearizable, ").append(count(Validity.UNKNOWN)).append(" unknown; checked in ")
                .append(elapsed.toMillis()).append(" ms\n");
        sb.append("  ").append(counts.render()).append('\n');
        if (keys.isEmpty()) {
            sb.append("  no register operations to check\n");
        }
        for (Validity shown : new Validity[] {Validity.INVALID, Validity.UNKNOWN}) {
            for (KeyResult k : keys.values()) {
                if (k.validity() == shown) {
                    sb.append("  key ").append(k.key()).append(" (").append(k.calls()).append(" calls):\n");
                    sb.append(k.result().explain("    ", PREFIX_SHOWN));
                }
            }
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return summary();
    }
}
