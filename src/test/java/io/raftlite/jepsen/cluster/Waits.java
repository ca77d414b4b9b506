package io.raftlite.jepsen.cluster;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * Polling with a deadline: the only way the harness waits for the cluster to reach a state, since
 * how long anything takes on a busy machine is unknown. Fixed sleeps are for pacing faults, never
 * for correctness.
 */
public final class Waits {
    private Waits() {
    }

    /** Thrown when a state was not reached in time; the message says what was awaited and what was seen. */
    public static final class WaitTimeoutException extends RuntimeException {
        public WaitTimeoutException(String message) {
            super(message);
        }
    }

    /**
     * Calls {@code probe} every {@code interval} until it returns non-null and returns that.
     *
     * @param what what is awaited, for the failure message
     * @param lastSeen what was seen at the last probe, for the failure message (may be null)
     * @throws WaitTimeoutException after {@code timeout}
     */
    public static <T> T until(String what, Duration timeout, Duration interval, Supplier<T> probe,
            Supplier<String> lastSeen) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            T value = probe.get();
            if (value != null) {
                return value;
            }
            if (System.nanoTime() - deadline > 0) {
                String seen = lastSeen == null ? null : lastSeen.get();
                throw new WaitTimeoutException("timed out after " + timeout.toSeconds() + "s waiting for " + what
                        + (seen == null ? "" : "; last seen: " + seen));
            }
            sleep(interval);
            if (Thread.currentThread().isInterrupted()) {
                throw new IllegalStateException("interrupted while waiting for " + what);
            }
        }
    }

    /** {@link #until(String, Duration, Duration, Supplier, Supplier)} every 200 ms. */
    public static <T> T until(String what, Duration timeout, Supplier<T> probe) {
        return until(what, timeout, Duration.ofMillis(200), probe, null);
    }

    /** Sleeps; an interrupt is kept on the thread and ends the sleep early. */
    public static void sleep(Duration d) {
        try {
            Thread.sleep(Math.max(0, d.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
