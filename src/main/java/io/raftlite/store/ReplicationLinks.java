package io.raftlite.store;

import com.alipay.sofa.jraft.Node;
import com.alipay.sofa.jraft.core.NodeImpl;
import com.alipay.sofa.jraft.entity.PeerId;
import com.alipay.sofa.jraft.rpc.RaftClientService;
import com.alipay.sofa.jraft.util.Endpoint;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the leader's connections to its followers alive, working around a fault in SOFAJRaft's
 * transport (bolt): when a follower is down, the leader's attempts to reach it can leave bolt's
 * connection pool for that address in a state where it never connects again, even once the
 * follower is back ("Connection is null when do check!" every half second, for ever). The leader
 * then never replicates to that follower, which stays behind and keeps asking for votes; the
 * Jepsen-style suite found this after a kill -9 and restart of a follower.
 *
 * <p>Checked every second on the leader: a peer with no connection for {@code graceChecks}
 * checks in a row has its pool dropped and a connection made synchronously (a ping), which is the
 * path that does create one. A peer that is really down costs one failed connection attempt per
 * check, on this class's own thread. Nothing here changes Raft state; SOFAJRaft's own check then
 * finds the connection and starts replicating.
 */
final class ReplicationLinks {
    private static final Logger log = LoggerFactory.getLogger(ReplicationLinks.class);

    private final Supplier<Node> node;
    private final Supplier<List<PeerId>> peers;
    private final PeerId self;
    private final int graceChecks;
    private final Map<PeerId, Integer> misses = new HashMap<>();

    ReplicationLinks(Supplier<Node> node, Supplier<List<PeerId>> peers, PeerId self, int graceChecks) {
        this.node = node;
        this.peers = peers;
        this.self = self;
        this.graceChecks = Math.max(1, graceChecks);
    }

    /** One round of checks; call it periodically from a single thread. */
    void check() {
        Node n = node.get();
        if (n == null || !n.isLeader() || !(n instanceof NodeImpl impl)) {
            misses.clear();
            return;
        }
        RaftClientService rpc = impl.getRpcService();
        if (rpc == null) {
            return;
        }
        List<PeerId> current = peers.get();
        misses.keySet().retainAll(current);
        for (PeerId peer : current) {
            if (peer.equals(self)) {
                continue;
            }
            Endpoint ep = peer.getEndpoint();
            if (rpc.isConnected(ep)) {
                misses.remove(peer);
                continue;
            }
            int missed = misses.merge(peer, 1, Integer::sum);
            if (missed >= graceChecks) {
                rpc.disconnect(ep);
                if (rpc.connect(ep)) {
                    log.info("re-established the Raft connection to {} after {} checks without one", peer, missed);
                    misses.remove(peer);
                }
            }
        }
    }
}
