package io.raftlite.jepsen.cluster;

import java.time.Instant;

/**
 * Something the harness or a nemesis did to the cluster, or saw happen to it, with when it
 * happened: the "special entries" a runner puts into its history beside the clients' operations.
 *
 * @param sequence position in the run's {@link EventLog}, from 1
 * @param time wall-clock time
 * @param nanoTime {@link System#nanoTime()} at the same moment, to order events against operations
 *     recorded with the same clock in this JVM
 * @param source who did it: {@code cluster}, {@code links} or a nemesis name
 * @param kind what sort of event it is
 * @param message what was done, in words, naming nodes and links
 */
public record ClusterEvent(long sequence, Instant time, long nanoTime, String source, Kind kind, String message) {

    /** The sorts of events. */
    public enum Kind {
        /** A nemesis begins a fault. */
        FAULT_START,
        /** A nemesis heals its fault. */
        FAULT_STOP,
        /** A node was started, killed, paused, resumed or stopped. */
        NODE,
        /** Links were cut, delayed or healed. */
        NETWORK,
        /** Anything else worth knowing (leader changes seen, evidence gathered). */
        NOTE,
        /** Something went wrong that a run must not ignore (a node that does not come back). */
        PROBLEM
    }

    /** One line for a run log: {@code 2026-...Z #12 FAULT_START partition-majority: ...}. */
    public String line() {
        return time + " #" + sequence + " " + kind + " " + source + ": " + message;
    }
}
