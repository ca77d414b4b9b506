package io.raftlite.jepsen.nemesis;

import io.raftlite.jepsen.cluster.ClusterNode;
import io.raftlite.jepsen.cluster.JepsenCluster;
import io.raftlite.jepsen.cluster.Waits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * How nemeses choose their victims: reproducibly from a seeded {@link Random} (candidates are put
 * in ID order before shuffling), and the leader as the cluster currently agrees on it.
 */
final class Targets {
    /** How long a nemesis looks for a leader before it gives up on a leader-targeted fault. */
    static final Duration LEADER_WAIT = Duration.ofSeconds(30);
    /** How long a restarted node may take to answer HTTP (a JVM start on a busy machine). */
    static final Duration RESTART_WAIT = Duration.ofSeconds(120);

    private Targets() {
    }

    /** {@code nodes} in a random order drawn from {@code random}. */
    static List<ClusterNode> shuffled(Collection<ClusterNode> nodes, Random random) {
        List<ClusterNode> list = new ArrayList<>(nodes);
        list.sort(Comparator.comparing(ClusterNode::index));
        Collections.shuffle(list, random);
        return list;
    }

    /** {@code count} distinct random nodes of {@code from} (fewer if there are fewer). */
    static List<ClusterNode> pick(Collection<ClusterNode> from, int count, Random random) {
        List<ClusterNode> s = shuffled(from, random);
        return List.copyOf(s.subList(0, Math.min(count, s.size())));
    }

    /** The leader, waiting up to {@link #LEADER_WAIT}; empty if none emerged. */
    static Optional<ClusterNode> leader(JepsenCluster cluster) {
        try {
            return Optional.of(cluster.awaitLeader(LEADER_WAIT));
        } catch (Waits.WaitTimeoutException e) {
            return Optional.empty();
        }
    }

    static List<String> ids(Collection<ClusterNode> nodes) {
        return nodes.stream().map(ClusterNode::id).toList();
    }

    /** Starts every one of {@code nodes} that is not running and waits for their HTTP APIs. */
    static String restart(Collection<ClusterNode> nodes) {
        List<String> done = new ArrayList<>();
        for (ClusterNode n : nodes) {
            if (!n.isAlive()) {
                n.start();
                done.add(n.id());
            }
        }
        for (ClusterNode n : nodes) {
            n.awaitHttp(RESTART_WAIT);
        }
        return done.isEmpty() ? "nothing to restart (" + ids(nodes) + " already running)"
                : "restarted " + done + "; all answer HTTP";
    }
}
