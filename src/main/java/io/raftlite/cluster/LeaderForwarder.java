package io.raftlite.cluster;

import io.raftlite.command.ClusterRequest;
import io.raftlite.command.ClusterResponse;
import io.raftlite.command.ForwardedHttpRequest;
import io.raftlite.command.ForwardedHttpResponse;
import io.raftlite.command.NodeMeta;
import io.raftlite.command.NodeMetaRequest;
import io.raftlite.command.RemoveRequest;
import io.raftlite.command.StepdownRequest;
import io.raftlite.store.NotLeaderException;
import io.raftlite.store.Store;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Asks the leader, at request time, for what only it can give: its answer to a forwarded request,
 * its HTTP address (for redirects), a removal or a stepdown. Nothing about the leader is cached: a
 * node asks each time (rqlite's 6.0 design). Thread-safe.
 */
public final class LeaderForwarder {
    private final Store store;
    private final ClusterClient client;

    public LeaderForwarder(Store store, ClusterClient client) {
        this.store = store;
        this.client = client;
    }

    /** Credentials of the client a request is made for; null fields for none. */
    public record Credentials(String username, String password) {
        public static final Credentials NONE = new Credentials(null, null);
    }

    /**
     * The leader's answer to an HTTP request, exactly as it would have answered the client, without
     * holding the calling thread. The future completes on one of Bolt's threads; it fails with
     * {@link NotLeaderException} when no leader is known, {@link ClusterClient.ClusterCallException}
     * when the leader could not be reached or answered with an error.
     */
    public CompletableFuture<ForwardedHttpResponse> forwardAsync(ForwardedHttpRequest request, Duration timeout,
            int retries) {
        String leader = store.leaderRaftAddress();
        if (leader.isEmpty()) {
            return CompletableFuture.failedFuture(new NotLeaderException(""));
        }
        return client.callAsync(leader, ClusterRequest.newBuilder().setForward(request).build(), timeout, retries)
                .thenApply(r -> check(r).getForward());
    }

    /** Has the leader write a batch of statements (the write queue of a follower). */
    public void execute(java.util.List<io.raftlite.db.Statement> statements, io.raftlite.db.ExecutionOptions options,
            Duration timeout) {
        callLeader(ClusterRequest.newBuilder().setExecute(io.raftlite.command.LogEntries.toProto(statements, options)),
                Credentials.NONE, timeout, 0);
    }

    /** The leader's own description (HTTP URL, version, indexes). */
    public NodeMeta leaderMeta(Duration timeout, int retries) {
        return callLeader(ClusterRequest.newBuilder().setMeta(NodeMetaRequest.getDefaultInstance()), Credentials.NONE,
                timeout, retries).getMeta();
    }

    /** Any node's description. */
    public NodeMeta meta(String raftAddr, Duration timeout, int retries) {
        ClusterResponse r = client.call(raftAddr,
                ClusterRequest.newBuilder().setMeta(NodeMetaRequest.getDefaultInstance()).build(), timeout, retries);
        if (!r.getError().isEmpty()) {
            throw new ClusterClient.ClusterCallException(r.getError(), null);
        }
        return r.getMeta();
    }

    /** Asks the leader to remove a node. */
    public void remove(String nodeId, Credentials credentials, Duration timeout, int retries) {
        callLeader(ClusterRequest.newBuilder().setRemove(RemoveRequest.newBuilder().setNodeId(nodeId)), credentials,
                timeout, retries);
    }

    /** Asks the leader to hand leadership over (to {@code targetNodeId}, or anyone if empty). */
    public void stepdown(String targetNodeId, Credentials credentials, Duration timeout) {
        callLeader(ClusterRequest.newBuilder().setStepdown(StepdownRequest.newBuilder().setTargetNodeId(targetNodeId)),
                credentials, timeout, 0);
    }

    /** A request the leader refused for its own content (an unknown node, a bad target). */
    public static final class RejectedException extends RuntimeException {
        private final int status;

        RejectedException(int status, String message) {
            super(message);
            this.status = status;
        }

        /** The HTTP status (4xx) to answer with. */
        public int status() {
            return status;
        }
    }

    /** A request the leader refused for the credentials it carried. */
    public static final class UnauthorizedException extends RuntimeException {
        UnauthorizedException() {
            super("unauthorized");
        }
    }

    private ClusterResponse callLeader(ClusterRequest.Builder request, Credentials credentials, Duration timeout,
            int retries) {
        String leader = store.leaderRaftAddress();
        if (leader.isEmpty()) {
            throw new NotLeaderException("");
        }
        if (credentials.username() != null) {
            request.setUsername(credentials.username()).setPassword(
                    credentials.password() == null ? "" : credentials.password()).setHasCredentials(true);
        }
        return check(client.call(leader, request.build(), timeout, retries));
    }

    /** The leader's answer, or the exception its refusal or error stands for. */
    private static ClusterResponse check(ClusterResponse r) {
        if (r.getUnauthorized()) {
            throw new UnauthorizedException();
        }
        if (r.getRejectedStatus() != 0) {
            throw new RejectedException(r.getRejectedStatus(), r.getError());
        }
        if (!r.getError().isEmpty()) {
            throw new ClusterClient.ClusterCallException(r.getError(), null);
        }
        return r;
    }
}
