package io.raftlite.jepsen.nemesis;

import io.raftlite.jepsen.cluster.JepsenCluster;
import io.raftlite.jepsen.cluster.LinkMode;
import io.raftlite.jepsen.cluster.RaftLinks;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A fault on the Raft links: changes some links' modes and, on heal, gives those links back the
 * modes it found, so that network faults stack (heal them in reverse order, as {@link Combined}
 * does).
 */
abstract class LinkFault implements Nemesis {
    private Map<RaftLinks.Link, LinkMode> previous = Map.of();

    /** Sets {@code links} to {@code mode}, remembering what they were. */
    protected final void change(JepsenCluster cluster, Set<RaftLinks.Link> links, LinkMode mode, String why) {
        Map<RaftLinks.Link, LinkMode> changes = new LinkedHashMap<>();
        links.forEach(l -> changes.put(l, mode));
        Map<RaftLinks.Link, LinkMode> before = cluster.links().apply(changes, name() + " " + why);
        Map<RaftLinks.Link, LinkMode> merged = new LinkedHashMap<>(before);
        merged.putAll(previous); // a second change keeps the earliest mode of each link
        previous = merged;
    }

    /** Drops every link between {@code a} and {@code b}, both ways. */
    protected final void cutBetween(JepsenCluster cluster, Collection<String> a, Collection<String> b, String why) {
        change(cluster, RaftLinks.between(a, b), LinkMode.DROP, why);
    }

    @Override
    public final String heal(JepsenCluster cluster) {
        if (previous.isEmpty()) {
            return "no links to restore";
        }
        Map<RaftLinks.Link, LinkMode> restore = previous;
        previous = Map.of();
        cluster.links().apply(restore, name() + " heal");
        return "restored " + restore.size() + " link(s) to their previous modes";
    }
}
