package io.raftlite.jepsen.nemesis;

import io.raftlite.jepsen.cluster.ClusterNode;
import io.raftlite.jepsen.cluster.JepsenCluster;
import java.util.List;
import java.util.Random;

/**
 * A random split into a majority and a minority (1 of 3; 1 or 2 of 5), every link between the two
 * dropped both ways. The majority can elect and commit; the minority, which may hold the old
 * leader, must not acknowledge anything.
 */
public final class PartitionMajorityMinority extends LinkFault {

    @Override
    public String name() {
        return "partition-majority-minority";
    }

    @Override
    public String inject(JepsenCluster cluster, Random random) {
        List<ClusterNode> order = Targets.shuffled(cluster.nodes(), random);
        int maxMinority = Math.max(1, (order.size() - 1) / 2);
        int minoritySize = 1 + random.nextInt(maxMinority);
        List<String> minority = Targets.ids(order.subList(0, minoritySize)).stream().sorted().toList();
        List<String> majority = Targets.ids(order.subList(minoritySize, order.size())).stream().sorted().toList();
        String text = "partition minority " + minority + " | majority " + majority;
        cutBetween(cluster, minority, majority, text);
        return text;
    }
}
