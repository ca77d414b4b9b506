package io.raftlite.jepsen.checker;

import java.time.Duration;
import java.util.Objects;

/**
 * How much work the linearizability search may do before it gives up with {@link Validity#UNKNOWN}.
 * Checking linearizability is NP-complete, and histories with many concurrent indeterminate
 * operations can explode; a bounded search keeps a test run bounded and honest.
 *
 * @param maxSteps search steps per key (one step tries to linearize one operation, typically well under
 *                 a microsecond). Each new (set, state) pair reached is remembered, so this also bounds
 *                 memory: about 100 bytes per pair plus 4 per operation in the concurrency window
 *                 (measured: ~350 MB peak heap for 10M steps on one hot key with 10k operations)
 * @param timeout  wall-clock time for a whole check (all keys together)
 */
public record SearchBudget(long maxSteps, Duration timeout) {
    /**
     * Generous for ~10k operations over ~10 keys with 5-10 clients, which need a few thousand steps
     * per key; what exceeds it is a pathological history (one hot key with many indeterminate writes
     * that were read), better split over more keys than searched longer.
     */
    public static final SearchBudget DEFAULT = new SearchBudget(10_000_000, Duration.ofSeconds(60));

    public SearchBudget {
        Objects.requireNonNull(timeout, "timeout");
        if (maxSteps <= 0) {
            throw new IllegalArgumentException("maxSteps must be > 0: " + maxSteps);
        }
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must not be negative: " + timeout);
        }
    }

    public static SearchBudget ofSteps(long maxSteps) {
        return new SearchBudget(maxSteps, DEFAULT.timeout());
    }

    /** Whether the time budget of a check that started at {@code startNanos} ({@code System.nanoTime()}) is spent. */
    boolean timeIsUp(long startNanos) {
        return System.nanoTime() - startNanos > timeout.toNanos();
    }
}
