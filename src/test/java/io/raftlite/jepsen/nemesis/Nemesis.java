package io.raftlite.jepsen.nemesis;

import io.raftlite.jepsen.cluster.ClusterEvent;
import io.raftlite.jepsen.cluster.JepsenCluster;
import java.util.Random;

/**
 * A fault that can be started and healed, with words for what it did. Implementations put the
 * fault in {@link #inject} and undo it in {@link #heal}; callers use {@link #start} and
 * {@link #stop}, which also record the fault in the cluster's event log. A nemesis is stateful
 * (it remembers what to heal): one start, then one stop, and so on; not thread-safe.
 */
public interface Nemesis {

    /** A short stable name, e.g. {@code partition-majority-minority}; used as the event source. */
    String name();

    /**
     * Applies the fault. Must leave the cluster healable by {@link #heal} even if it throws.
     *
     * @return what was done, naming nodes and links
     */
    String inject(JepsenCluster cluster, Random random);

    /**
     * Undoes what the last {@link #inject} did, and only that. Idempotent.
     *
     * @return what was done
     * @throws RuntimeException if the cluster could not be put back (a node that does not come back)
     */
    String heal(JepsenCluster cluster);

    /** {@link #inject}, recorded as {@link ClusterEvent.Kind#FAULT_START} once the fault is in effect. */
    default String start(JepsenCluster cluster, Random random) {
        String description = inject(cluster, random);
        cluster.events().record(name(), ClusterEvent.Kind.FAULT_START, description);
        return description;
    }

    /** {@link #heal}, recorded as {@link ClusterEvent.Kind#FAULT_STOP}, or as a problem if it failed. */
    default String stop(JepsenCluster cluster) {
        try {
            String description = heal(cluster);
            cluster.events().record(name(), ClusterEvent.Kind.FAULT_STOP, description);
            return description;
        } catch (RuntimeException e) {
            cluster.events().record(name(), ClusterEvent.Kind.PROBLEM, "heal failed: " + e.getMessage());
            throw e;
        }
    }
}
