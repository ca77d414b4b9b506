package io.raftlite.jepsen.nemesis;

import io.raftlite.jepsen.cluster.ClusterNode;
import io.raftlite.jepsen.cluster.JepsenCluster;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * {@code kill -9} of random running nodes (by default one); heal starts them again with the same
 * ID and data directory. Tests crash recovery: the log, the snapshot and the rebuilt database.
 */
public final class KillRandomNode implements Nemesis {
    private final int count;
    private final List<ClusterNode> killed = new ArrayList<>();

    /** Kills one node. */
    public KillRandomNode() {
        this(1);
    }

    /** Kills {@code count} nodes at once (more than a minority stops the cluster until heal). */
    public KillRandomNode(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be >= 1");
        }
        this.count = count;
    }

    @Override
    public String name() {
        return count == 1 ? "kill-random" : "kill-random-" + count;
    }

    @Override
    public String inject(JepsenCluster cluster, Random random) {
        List<ClusterNode> victims = Targets.pick(cluster.running(), count, random);
        for (ClusterNode n : victims) {
            n.kill();
            killed.add(n);
        }
        return victims.isEmpty() ? "no running node to kill" : "kill -9 " + Targets.ids(victims);
    }

    @Override
    public String heal(JepsenCluster cluster) {
        List<ClusterNode> toStart = List.copyOf(killed);
        killed.clear();
        return Targets.restart(toStart);
    }
}
