package io.raftlite.jepsen.nemesis;

import io.raftlite.jepsen.cluster.ClusterNode;
import io.raftlite.jepsen.cluster.JepsenCluster;
import java.util.List;
import java.util.Random;

/**
 * SIGSTOP of a random running node; heal sends SIGCONT. A paused process keeps its connections
 * and its idea of time, as after a long GC pause or a frozen VM, and then carries on where it
 * stopped, possibly believing it is still the leader.
 */
public final class PauseRandomNode implements Nemesis {
    private ClusterNode paused;

    @Override
    public String name() {
        return "pause-random";
    }

    @Override
    public String inject(JepsenCluster cluster, Random random) {
        List<ClusterNode> victim = Targets.pick(cluster.running(), 1, random);
        if (victim.isEmpty()) {
            return "no running node to pause";
        }
        paused = victim.get(0);
        paused.pause();
        return "SIGSTOP " + paused.id();
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
