package io.raftlite.cluster;

import io.raftlite.store.PeersRecovery;
import io.raftlite.store.Store;
import org.springframework.stereotype.Component;

/**
 * Copies the node IDs an operator's {@code raft/peers.json} names into the {@link PeerDirectory}, so
 * that after a quorum-loss recovery {@code /nodes} and {@code /remove} know every member by its ID
 * at once, even one that is not running yet. The Raft configuration itself holds only addresses;
 * {@link Store} applies those.
 */
@Component
public class RecoveredPeerIds {

    public RecoveredPeerIds(Store store, PeerDirectory directory) {
        for (PeersRecovery.Peer p : store.recoveryPeers()) {
            directory.learn(p.id(), p.raftAddress());
        }
    }
}
