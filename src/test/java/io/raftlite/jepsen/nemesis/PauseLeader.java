package io.raftlite.jepsen.nemesis;

import io.raftlite.jepsen.cluster.ClusterNode;
import io.raftlite.jepsen.cluster.JepsenCluster;
import java.util.Optional;
import java.util.Random;

/**
 * SIGSTOP of the current leader; heal sends SIGCONT. The classic way to get two nodes that both
 * believe they lead: the paused one wakes up with a stale term and in-flight requests.
 */
public final class PauseLeader implements Nemesis {
    private ClusterNode paused;

    @Override
    public String name() {
        return "pause-leader";
    }

    @Override
    public String inject(JepsenCluster cluster, Random random) {
        Optional<ClusterNode> leader = Targets.leader(cluster);
        if (leader.isEmpty()) {
            return "no leader within " + Targets.LEADER_WAIT.toSeconds() + "s; nothing paused";
        }
        paused = leader.get();
        paused.pause();
        return "SIGSTOP leader " + paused.id();
    }

    @Override
    public String heal(JepsenCluster cluster) {
        if (paused == null) {
            return "nothing to resume";
        }
        ClusterNode n = paused;
        paused = null;
        n.resume();
        return "SIGCONT " + n.id();
    }
}
