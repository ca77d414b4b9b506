package io.raftlite.bench;

import java.util.Arrays;

/**
 * The knobs shared by every request of a run: statements per batch, value size, the number of
 * prefilled keys reads pick from, the share of writes in the mixed workload, and a tag that makes
 * the keys of this process's writes unique, so INSERTs never collide with earlier runs.
 */
public record WorkloadParams(int batch, int valueSize, int keyspace, int writePercent, String runTag) {

    public WorkloadParams {
        if (batch < 1 || valueSize < 0 || keyspace < 1 || writePercent < 0 || writePercent > 100) {
            throw new IllegalArgumentException("bad workload parameters: batch=" + batch + " valueSize=" + valueSize
                    + " keyspace=" + keyspace + " writePercent=" + writePercent);
        }
    }

    public String value() {
        char[] v = new char[valueSize];
        Arrays.fill(v, 'v');
        return new String(v);
    }

    /** Key of the {@code n}th statement of write request {@code seq}. */
    public String writeKey(long seq, int n) {
        return "w" + runTag + "_" + seq + "_" + n;
    }

    /** A prefilled key: k0 .. k(keyspace-1), spread over the key space by seq. */
    public String readKey(long seq) {
        return "k" + Math.floorMod(seq, (long) keyspace);
    }

    public String prefillKey(long j) {
        return "k" + j;
    }

    /** In the mixed workload: is request {@code seq} a write? Deterministic, spread by a hash. */
    public boolean isMixedWrite(long seq) {
        long h = seq * 0x9E3779B97F4A7C15L;
        return Math.floorMod(h ^ (h >>> 29), 100L) < writePercent;
    }
}
