package io.raftlite.db;

import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * Tells, approximately, whether a SQL text ran before, so that a statement is kept prepared from its
 * second run on. A text that runs once only (a write with its values written into it, say) is then
 * never kept: it neither takes memory nor pushes out statements that are reused. Thread-safe.
 *
 * <p>Remembers one text per slot, by hash: a text whose slot another text took meanwhile counts as
 * new once more (at worst, a statement is prepared one extra time).
 */
final class SecondRuns {
    private static final int SLOTS = 4096;
    private final AtomicIntegerArray hashes = new AtomicIntegerArray(SLOTS);

    /** True if {@code sql} ran before, as far as this remembers; notes that it ran now. */
    boolean ranBefore(String sql) {
        int hash = sql.hashCode();
        int slot = slotOf(sql);
        if (hashes.get(slot) == hash) {
            return true;
        }
        hashes.set(slot, hash);
        return false;
    }

    /** Where {@code sql} is remembered; texts with the same slot push each other out. */
    static int slotOf(String sql) {
        int hash = sql.hashCode();
        return (hash ^ (hash >>> 16)) & (SLOTS - 1);
    }
}
