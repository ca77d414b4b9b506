package io.raftlite.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LatencyHistogramTest {

    @Test
    void uniformDistributionPercentilesWithinOnePercent() {
        LatencyHistogram h = new LatencyHistogram();
        for (long v = 1; v <= 100_000; v++) {
            h.record(v * 1_000); // 1 us .. 100 ms in ns
        }
        assertThat(h.count()).isEqualTo(100_000);
        assertThat((double) h.percentile(50)).isCloseTo(50_000_000, within(50_000_000 * 0.01));
        assertThat((double) h.percentile(99)).isCloseTo(99_000_000, within(99_000_000 * 0.01));
        assertThat((double) h.percentile(99.9)).isCloseTo(99_900_000, within(99_900_000 * 0.01));
        assertThat(h.percentile(100)).isEqualTo(100_000_000);
        assertThat(h.min()).isEqualTo(1_000);
        assertThat(h.max()).isEqualTo(100_000_000);
        assertThat(h.mean()).isCloseTo(50_000_500.0, within(1.0));
    }

    @Test
    void exponentialDistributionMatchesExactPercentiles() {
        Random random = new Random(42);
        LatencyHistogram h = new LatencyHistogram();
        long[] values = new long[200_000];
        for (int i = 0; i < values.length; i++) {
            values[i] = (long) (-Math.log(1 - random.nextDouble()) * 2_000_000); // mean 2 ms
            h.record(values[i]);
        }
        Arrays.sort(values);
        for (double p : new double[] {50, 90, 99, 99.9}) {
            long exact = values[(int) Math.ceil(p / 100 * values.length) - 1];
            assertThat((double) h.percentile(p)).as("p%s", p).isCloseTo(exact, within(exact * 0.01 + 1));
        }
        // the analytic median of an exponential distribution is mean * ln 2
        assertThat((double) h.percentile(50)).isCloseTo(2_000_000 * Math.log(2), within(2_000_000 * 0.02));
    }

    @Test
    void smallValuesAreExactAndConstantDistributionIsExact() {
        LatencyHistogram small = new LatencyHistogram();
        for (long v = 0; v < 100; v++) {
            small.record(v);
        }
        assertThat(small.percentile(50)).isEqualTo(49);
        assertThat(small.percentile(99)).isEqualTo(98);

        LatencyHistogram constant = new LatencyHistogram();
        for (int i = 0; i < 1000; i++) {
            constant.record(1_234_567);
        }
        assertThat(constant.percentile(50)).isEqualTo(1_234_567);
        assertThat(constant.percentile(99.9)).isEqualTo(1_234_567);
    }

    @Test
    void bimodalDistributionSeparatesTheTail() {
        LatencyHistogram h = new LatencyHistogram();
        for (int i = 0; i < 990; i++) {
            h.record(1_000_000); // 1 ms
        }
        for (int i = 0; i < 10; i++) {
            h.record(200_000_000); // 200 ms
        }
        assertThat((double) h.percentile(50)).isCloseTo(1_000_000, within(10_000.0));
        assertThat((double) h.percentile(99)).isCloseTo(1_000_000, within(10_000.0));
        assertThat(h.percentile(99.1)).isEqualTo(200_000_000); // the max bucket is clamped to the max
    }

    @Test
    void mergeEqualsRecordingEverythingInOne() {
        LatencyHistogram a = new LatencyHistogram();
        LatencyHistogram b = new LatencyHistogram();
        LatencyHistogram both = new LatencyHistogram();
        Random random = new Random(7);
        for (int i = 0; i < 10_000; i++) {
            long v = random.nextInt(50_000_000);
            (i % 2 == 0 ? a : b).record(v);
            both.record(v);
        }
        a.add(b);
        assertThat(a.count()).isEqualTo(both.count());
        for (double p : new double[] {1, 50, 99, 99.9, 100}) {
            assertThat(a.percentile(p)).isEqualTo(both.percentile(p));
        }
        assertThat(a.min()).isEqualTo(both.min());
        assertThat(a.max()).isEqualTo(both.max());
    }

    @Test
    void bucketsCoverEveryValueWithBoundedWidth() {
        for (long v : new long[] {0, 1, 127, 128, 129, 255, 256, 1_000, 65_535, 1L << 40, Long.MAX_VALUE}) {
            int i = LatencyHistogram.index(v);
            long lo = LatencyHistogram.lowerBound(i);
            long width = LatencyHistogram.width(i);
            assertThat(v).as("value %d in bucket %d", v, i).isBetween(lo, lo + width - 1);
            assertThat((double) width).isLessThanOrEqualTo(Math.max(1, lo / 64.0));
        }
    }

    @Test
    void emptyHistogramAndBadArguments() {
        LatencyHistogram h = new LatencyHistogram();
        assertThat(h.percentile(50)).isZero();
        assertThat(h.min()).isZero();
        assertThat(h.max()).isZero();
        assertThat(h.mean()).isZero();
        assertThatThrownBy(() -> h.record(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> h.percentile(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> h.percentile(101)).isInstanceOf(IllegalArgumentException.class);
    }
}
