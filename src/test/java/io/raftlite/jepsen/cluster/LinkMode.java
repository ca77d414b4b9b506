package io.raftlite.jepsen.cluster;

import java.time.Duration;
import java.util.Objects;

/**
 * What a {@link LinkProxy} does with the bytes of its link.
 *
 * @param kind pass, drop or delay
 * @param delay for {@link Kind#DELAY}: the least time every chunk is held
 * @param jitter for {@link Kind#DELAY}: up to this much more, chosen per chunk
 */
public record LinkMode(Kind kind, Duration delay, Duration jitter) {

    /** The three behaviours of a link. */
    public enum Kind {
        /** Forward everything at once. */
        PASS,
        /**
         * A blackhole: forward nothing in either direction and leave new connections unconnected.
         * Nothing is discarded: bytes already read wait, in order, until the link passes again, as
         * TCP would retransmit them after a partition heals.
         */
        DROP,
        /** Forward every chunk after {@code delay} plus up to {@code jitter}, keeping the order. */
        DELAY
    }

    public static final LinkMode PASS = new LinkMode(Kind.PASS, Duration.ZERO, Duration.ZERO);
    public static final LinkMode DROP = new LinkMode(Kind.DROP, Duration.ZERO, Duration.ZERO);

    public LinkMode {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(delay, "delay");
        Objects.requireNonNull(jitter, "jitter");
        if (delay.isNegative() || jitter.isNegative()) {
            throw new IllegalArgumentException("negative delay or jitter: " + delay + ", " + jitter);
        }
    }

    /** Delay every chunk by {@code delay} plus a random share of {@code jitter}. */
    public static LinkMode delay(Duration delay, Duration jitter) {
        return new LinkMode(Kind.DELAY, delay, jitter);
    }

    @Override
    public String toString() {
        return kind == Kind.DELAY ? "DELAY(" + delay.toMillis() + "ms+0.." + jitter.toMillis() + "ms)" : kind.name();
    }
}
