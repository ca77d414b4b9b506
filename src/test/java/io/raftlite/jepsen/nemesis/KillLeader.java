package io.raftlite.jepsen.nemesis;

import io.raftlite.jepsen.cluster.ClusterNode;
import io.raftlite.jepsen.cluster.JepsenCluster;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * {@code kill -9} of the current leader; heal starts it again. Exercises elections, the loss of
 * entries the old leader had not replicated, and the old leader rejoining as a follower.
 */
public final class KillLeader implements Nemesis {
    private ClusterNode killed;

    @Override
    public String name() {
        return "kill-leader";
    }

    @Override
    public String inject(JepsenCluster cluster, Random random) {
        Optional<ClusterNode> leader = Targets.leader(cluster);
        if (leader.isEmpty()) {
            return "no leader within " + Targets.LEADER_WAIT.toSeconds() + "s; nothing killed";
        }
        killed = leader.get();
        killed.kill();
        return "kill -9 leader " + killed.id();
    }

    @Override
    public String heal(JepsenCluster cluster) {
        if (killed == null) {
            return "nothing to restart";
        }
        ClusterNode n = killed;
        killed = null;
        return Targets.restart(List.of(n));
    }
}
