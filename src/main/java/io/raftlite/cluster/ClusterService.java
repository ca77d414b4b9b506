package io.raftlite.cluster;

import com.alipay.sofa.jraft.entity.PeerId;
import com.alipay.sofa.jraft.rpc.RpcContext;
import com.alipay.sofa.jraft.rpc.RpcProcessor;
import io.raftlite.auth.CredentialStore;
import io.raftlite.auth.Permission;
import io.raftlite.command.ClusterRequest;
import io.raftlite.command.LogEntries;
import io.raftlite.command.ClusterResponse;
import io.raftlite.command.NodeMeta;
import io.raftlite.store.NotLeaderException;
import io.raftlite.store.Store;
import io.raftlite.store.StoreException;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster service on the Raft port: node metadata, join, bootstrap notifications, removal,
 * leader stepdown and the forwarding of HTTP requests to the leader. Permissions are checked here,
 * with the credentials of the client the request came from.
 */
public final class ClusterService implements RpcProcessor<ClusterRequest>, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ClusterService.class);
    private static final Duration MEMBERSHIP_TIMEOUT = Duration.ofSeconds(30);
    /** The end of the error a removal of a non-member gets. */
    static final String NOT_A_MEMBER = " is not a member of the cluster";

    private final Store store;
    private final PeerDirectory directory;
    private final CredentialStore credentials;
    private final NodeInfo info;
    private final LocalHttp localHttp;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "raftlite-cluster-service");
        t.setDaemon(true);
        return t;
    });
    private volatile BiConsumer<String, String> notifyListener = (id, addr) -> { };

    public ClusterService(Store store, PeerDirectory directory, CredentialStore credentials, NodeInfo info,
            LocalHttp localHttp) {
        this.store = store;
        this.directory = directory;
        this.credentials = credentials;
        this.info = info;
        this.localHttp = localHttp;
        ClusterWire.register();
        store.registerProcessor(this);
    }

    /** Who to tell about bootstrap notifications (node ID, Raft address). */
    void onNotify(BiConsumer<String, String> listener) {
        this.notifyListener = listener;
    }

    @Override
    public String interest() {
        return ClusterRequest.class.getName();
    }

    @Override
    public Executor executor() {
        return executor;
    }

    @Override
    public void handleRequest(RpcContext ctx, ClusterRequest request) {
        ClusterResponse response;
        try {
            response = handle(request);
        } catch (NotLeaderException e) {
            response = notLeader();
        } catch (RuntimeException e) {
            log.debug("cluster request failed", e);
            response = ClusterResponse.newBuilder().setError(e.getMessage() == null ? e.toString() : e.getMessage()).build();
        }
        ctx.sendResponse(response);
    }

    private ClusterResponse handle(ClusterRequest request) {
        switch (request.getBodyCase()) {
            case META -> {
                return ClusterResponse.newBuilder().setMeta(meta()).build();
            }
            case NOTIFY -> {
                if (!allowed(request, Permission.JOIN)) {
                    return unauthorized();
                }
                directory.learn(request.getNotify().getNodeId(), request.getNotify().getRaftAddr());
                notifyListener.accept(request.getNotify().getNodeId(), request.getNotify().getRaftAddr());
                return ClusterResponse.getDefaultInstance();
            }
            case JOIN -> {
                boolean voter = request.getJoin().getVoter();
                if (!(voter ? allowed(request, Permission.JOIN)
                        : allowed(request, Permission.JOIN) || allowed(request, Permission.JOIN_READ_ONLY)
                                || allowed(request, Permission.JOIN_READ_REPLICA))) {
                    return unauthorized();
                }
                return join(request.getJoin().getNodeId(), request.getJoin().getRaftAddr(), voter);
            }
            case REMOVE -> {
                if (!allowed(request, Permission.REMOVE)) {
                    return unauthorized();
                }
                return remove(request.getRemove().getNodeId());
            }
            case STEPDOWN -> {
                if (!allowed(request, Permission.LEADER_OPS)) {
                    return unauthorized();
                }
                return stepdown(request.getStepdown().getTargetNodeId());
            }
            case FORWARD -> {
                try {
                    return ClusterResponse.newBuilder()
                            .setForward(localHttp.execute(request.getForward(), forwardTimeout(request.getForward()))).build();
                } catch (java.io.IOException e) {
                    return ClusterResponse.newBuilder().setError("forwarding on leader failed: " + (e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName())).build();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return ClusterResponse.newBuilder().setError("interrupted").build();
                }
            }
            case EXECUTE -> {
                if (!allowed(request, Permission.EXECUTE) && request.getHasCredentials()) {
                    return unauthorized();
                }
                store.execute(LogEntries.statements(request.getExecute()), LogEntries.options(request.getExecute()));
                return ClusterResponse.getDefaultInstance();
            }
            default -> {
                return ClusterResponse.newBuilder().setError("unknown cluster request").build();
            }
        }
    }

    /** The client's timeout if the follower passed one on, else 60 seconds. */
    private static Duration forwardTimeout(io.raftlite.command.ForwardedHttpRequest forward) {
        return forward.getTimeoutMillis() > 0 ? Duration.ofMillis(forward.getTimeoutMillis()) : Duration.ofSeconds(60);
    }

    NodeMeta meta() {
        return NodeMeta.newBuilder()
                .setNodeId(store.nodeId())
                .setRaftAddr(store.raftAddress())
                .setApiUrl(info.apiUrl())
                .setVersion(info.version())
                .setCommitIndex(store.commitIndex())
                .setAppliedIndex(store.raftAppliedIndex())
                .setVoter(store.isVoter())
                .setLeaderRaftAddr(store.leaderRaftAddress())
                .build();
    }

    private ClusterResponse join(String nodeId, String raftAddr, boolean voter) {
        if (!store.isLeader()) {
            return notLeader();
        }
        PeerId peer = PeerId.parsePeer(raftAddr);
        if (peer == null || peer.isEmpty()) {
            return ClusterResponse.newBuilder().setError("invalid Raft address " + raftAddr).build();
        }
        boolean member = voter ? store.voters().contains(peer) : store.learners().contains(peer);
        // The same ID at another address: the node came back elsewhere; the old record goes first.
        directory.addressOf(nodeId).filter(old -> !old.equals(raftAddr)).map(PeerId::parsePeer)
                .filter(old -> store.voters().contains(old) || store.learners().contains(old))
                .ifPresent(old -> store.removeMember(old, MEMBERSHIP_TIMEOUT));
        // The same address in the other role (voter vs replica): remove, then add as asked.
        if (!member && (store.voters().contains(peer) || store.learners().contains(peer))) {
            store.removeMember(peer, MEMBERSHIP_TIMEOUT);
        }
        directory.learn(nodeId, raftAddr);
        if (!member) {
            store.addMember(peer, voter, MEMBERSHIP_TIMEOUT);
            log.info("node {} at {} joined as {}", nodeId, raftAddr, voter ? "voter" : "read replica");
        }
        return ClusterResponse.getDefaultInstance();
    }

    private ClusterResponse remove(String nodeId) {
        if (!store.isLeader()) {
            return notLeader();
        }
        PeerId peer = resolve(nodeId);
        if (peer == null) {
            return rejected(404, "node " + nodeId + NOT_A_MEMBER);
        }
        store.removeMember(peer, MEMBERSHIP_TIMEOUT);
        log.info("removed node {} ({})", nodeId, peer);
        return ClusterResponse.getDefaultInstance();
    }

    private ClusterResponse stepdown(String targetId) {
        if (!store.isLeader()) {
            return notLeader();
        }
        PeerId target = null;
        if (!targetId.isEmpty()) {
            target = resolve(targetId);
            if (target == null || !store.voters().contains(target)) {
                return rejected(400, "node " + targetId + " is not a voter");
            }
            if (target.equals(store.self())) {
                return rejected(409, "node " + targetId + " is already the leader");
            }
        } else if (store.voters().size() < 2) {
            return rejected(409, "no other voter to hand leadership to");
        }
        try {
            store.transferLeadership(target, Duration.ofSeconds(10));
        } catch (StoreException e) {
            return ClusterResponse.newBuilder().setError(e.getMessage()).build();
        }
        return ClusterResponse.getDefaultInstance();
    }

    /** The member with this ID (or address); null if none. */
    PeerId resolve(String nodeId) {
        String addr = directory.addressOf(nodeId).orElse(nodeId);
        PeerId peer;
        try {
            peer = PeerId.parsePeer(addr);
        } catch (IllegalArgumentException e) {
            return null; // not an address (jraft rejects "[...]" that is no IPv6 literal): an unknown ID
        }
        if (peer == null || peer.isEmpty()) {
            return null;
        }
        return store.voters().contains(peer) || store.learners().contains(peer) ? peer : null;
    }

    private boolean allowed(ClusterRequest request, Permission permission) {
        return credentials.allows(request.getHasCredentials() ? request.getUsername() : null,
                request.getHasCredentials() ? request.getPassword() : null, permission);
    }

    private ClusterResponse notLeader() {
        String leader = store.leaderRaftAddress();
        return ClusterResponse.newBuilder().setError(leader.isEmpty() ? "leader not found" : "not leader")
                .setLeaderRaftAddr(leader).build();
    }

    /** A request refused for its own content: {@code status} is the 4xx the HTTP layer answers. */
    private static ClusterResponse rejected(int status, String error) {
        return ClusterResponse.newBuilder().setError(error).setRejectedStatus(status).build();
    }

    private static ClusterResponse unauthorized() {
        return ClusterResponse.newBuilder().setError("unauthorized").setUnauthorized(true).build();
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
