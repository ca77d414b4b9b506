package io.raftlite.jepsen.nemesis;

import io.raftlite.jepsen.cluster.ClusterNode;
import io.raftlite.jepsen.cluster.JepsenCluster;
import java.util.List;
import java.util.Random;

/**
 * Two halves that cannot reach each other but both reach one bridge node: with 5 nodes
 * {@code [a b] <-> c <-> [d e]}; with 3 nodes {@code a <-> b <-> c}, where only the middle sees
 * both. Every side can form a majority with the bridge, so leadership may swing between halves:
 * a test of term handling and of leader leases, not only of quorums.
 */
public final class PartitionBridge extends LinkFault {

    @Override
    public String name() {
        return "partition-bridge";
    }

    @Override
    public String inject(JepsenCluster cluster, Random random) {
        List<ClusterNode> order = Targets.shuffled(cluster.nodes(), random);
        if (order.size() < 3) {
            return "a bridge needs 3 nodes; nothing done";
        }
        ClusterNode bridge = order.get(0);
        List<ClusterNode> rest = order.subList(1, order.size());
        int half = rest.size() / 2;
        List<String> left = Targets.ids(rest.subList(0, half)).stream().sorted().toList();
        List<String> right = Targets.ids(rest.subList(half, rest.size())).stream().sorted().toList();
        String text = "bridge " + left + " <-> " + bridge.id() + " <-> " + right + " (" + left + " and " + right
                + " cut from each other)";
        cutBetween(cluster, left, right, text);
        return text;
    }
}
