package io.raftlite.system;

import java.time.Duration;
import java.util.function.Supplier;

/** Polling with a deadline: the only way the system tests wait for anything. */
final class Waits {
    private Waits() {
    }

    /**
     * Polls {@code probe} until it returns a non-null value, failing with {@code what} and the last
     * observation after {@code timeout}. Exceptions from the probe count as "not yet".
     */
    static <T> T until(String what, Duration timeout, Supplier<T> probe, Supplier<String> lastSeen) {
        long deadline = System.nanoTime() + timeout.toNanos();
        RuntimeException lastError = null;
        while (true) {
            try {
                T value = probe.get();
                if (value != null) {
                    return value;
                }
            } catch (RuntimeException e) {
                lastError = e;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + " not reached within " + timeout + "; last seen: " + describe(lastSeen)
                        + (lastError == null ? "" : "; last error: " + lastError), lastError);
            }
            pause(200);
        }
    }

    private static String describe(Supplier<String> lastSeen) {
        try {
            return lastSeen.get();
        } catch (RuntimeException e) {
            return "(cannot tell: " + e + ")";
        }
    }

    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
