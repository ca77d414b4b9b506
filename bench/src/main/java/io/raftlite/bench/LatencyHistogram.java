package io.raftlite.bench;

import java.util.Arrays;

/**
 * Log-linear histogram of non-negative values (nanoseconds here): exact below 128, above that 64
 * buckets per power of two, so a reported percentile is within 1/128 (0.8%) of a recorded value.
 * Fixed size (3,712 counters), no allocation when recording; one per client thread, merged at
 * the end. Not thread-safe.
 */
public final class LatencyHistogram {

    private static final int EXACT = 128;          // values 0..127 have their own bucket
    private static final int SUB_BITS = 6;         // 64 buckets per power of two above that
    private static final int SUB = 1 << SUB_BITS;
    private static final int FIRST_MSB = 7;        // most significant bit of 128
    private static final int BUCKETS = EXACT + (63 - FIRST_MSB) * SUB;

    private final long[] counts = new long[BUCKETS];
    private long count;
    private long sum;
    private long min = Long.MAX_VALUE;
    private long max = Long.MIN_VALUE;

    public void record(long value) {
        if (value < 0) {
            throw new IllegalArgumentException("negative value " + value);
        }
        counts[index(value)]++;
        count++;
        sum += value;
        if (value < min) {
            min = value;
        }
        if (value > max) {
            max = value;
        }
    }

    public void add(LatencyHistogram other) {
        for (int i = 0; i < BUCKETS; i++) {
            counts[i] += other.counts[i];
        }
        count += other.count;
        sum += other.sum;
        min = Math.min(min, other.min);
        max = Math.max(max, other.max);
    }

    public long count() {
        return count;
    }

    public long min() {
        return count == 0 ? 0 : min;
    }

    public long max() {
        return count == 0 ? 0 : max;
    }

    public double mean() {
        return count == 0 ? 0 : (double) sum / count;
    }

    /**
     * The value at the given percentile (0 &lt; p &lt;= 100) by nearest rank: the smallest recorded
     * value such that at least p% of the values are at or below it, reported as the middle of its
     * bucket (clamped to the recorded min and max). 0 when empty.
     */
    public long percentile(double p) {
        if (!(p > 0 && p <= 100)) {
            throw new IllegalArgumentException("percentile must be in (0, 100]: " + p);
        }
        if (count == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(p / 100.0 * count));
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += counts[i];
            if (seen >= rank) {
                long mid = lowerBound(i) + (width(i) - 1) / 2;
                return Math.max(min, Math.min(max, mid));
            }
        }
        return max;
    }

    static int index(long value) {
        if (value < EXACT) {
            return (int) value;
        }
        int msb = 63 - Long.numberOfLeadingZeros(value);
        int mantissa = (int) ((value >>> (msb - SUB_BITS)) & (SUB - 1));
        return EXACT + (msb - FIRST_MSB) * SUB + mantissa;
    }

    static long lowerBound(int index) {
        if (index < EXACT) {
            return index;
        }
        int msb = FIRST_MSB + (index - EXACT) / SUB;
        long mantissa = (index - EXACT) % SUB;
        return (1L << msb) + (mantissa << (msb - SUB_BITS));
    }

    static long width(int index) {
        if (index < EXACT) {
            return 1;
        }
        int msb = FIRST_MSB + (index - EXACT) / SUB;
        return 1L << (msb - SUB_BITS);
    }

    @Override
    public String toString() {
        return "LatencyHistogram[count=" + count + ", min=" + min() + ", p50=" + percentile(50)
                + ", max=" + max() + ", nonEmptyBuckets="
                + Arrays.stream(counts).filter(c -> c > 0).count() + "]";
    }
}
