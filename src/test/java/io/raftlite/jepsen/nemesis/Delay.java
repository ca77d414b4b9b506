package io.raftlite.jepsen.nemesis;

import io.raftlite.jepsen.cluster.JepsenCluster;
import io.raftlite.jepsen.cluster.LinkMode;
import io.raftlite.jepsen.cluster.RaftLinks;
import java.time.Duration;
import java.util.Random;

/**
 * Slows every Raft link, both directions, by a base delay plus per-chunk jitter (default 50 to
 * 200 ms, order kept). Round trips then approach the election timeout, which provokes spurious
 * elections and stretches every window in which stale leaders and reads can misbehave.
 */
public final class Delay extends LinkFault {
    private final Duration base;
    private final Duration jitter;

    /** 50 ms plus up to 150 ms. */
    public Delay() {
        this(Duration.ofMillis(50), Duration.ofMillis(150));
    }

    public Delay(Duration base, Duration jitter) {
        this.base = base;
        this.jitter = jitter;
    }

    @Override
    public String name() {
        return "delay";
    }

    @Override
    public String inject(JepsenCluster cluster, Random random) {
        LinkMode mode = LinkMode.delay(base, jitter);
        String text = "delay all links " + base.toMillis() + ".." + (base.plus(jitter)).toMillis() + " ms";
        // Links another fault has cut stay cut: delaying them would heal a partition combined with this.
        java.util.Set<RaftLinks.Link> links = new java.util.TreeSet<>(java.util.Comparator
                .comparing(RaftLinks.Link::from).thenComparing(RaftLinks.Link::to));
        for (RaftLinks.Link l : RaftLinks.between(cluster.links().nodeIds(), cluster.links().nodeIds())) {
            if (cluster.links().link(l.from(), l.to()).mode().kind() != io.raftlite.jepsen.cluster.LinkMode.Kind.DROP) {
                links.add(l);
            }
        }
        change(cluster, links, mode, text);
        return text;
    }
}
