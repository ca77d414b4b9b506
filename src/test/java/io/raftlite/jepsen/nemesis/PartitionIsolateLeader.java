package io.raftlite.jepsen.nemesis;

import io.raftlite.jepsen.cluster.ClusterNode;
import io.raftlite.jepsen.cluster.JepsenCluster;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * Cuts the current leader off from every other node, both ways, while clients can still reach it
 * over HTTP: it must stop acknowledging writes (and linearizable reads) once it cannot reach a
 * quorum, while the others elect a new leader.
 */
public final class PartitionIsolateLeader extends LinkFault {

    @Override
    public String name() {
        return "partition-isolate-leader";
    }

    @Override
    public String inject(JepsenCluster cluster, Random random) {
        Optional<ClusterNode> leader = Targets.leader(cluster);
        if (leader.isEmpty()) {
            return "no leader within " + Targets.LEADER_WAIT.toSeconds() + "s; nothing isolated";
        }
        String id = leader.get().id();
        List<String> rest = cluster.nodes().stream().map(ClusterNode::id).filter(n -> !n.equals(id)).toList();
        String text = "isolate leader " + id + " from " + rest;
        cutBetween(cluster, List.of(id), rest, text);
        return text;
    }
}
