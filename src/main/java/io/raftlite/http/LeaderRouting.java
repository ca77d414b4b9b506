package io.raftlite.http;

import com.google.protobuf.UnsafeByteOperations;
import io.raftlite.cluster.ClusterClient;
import io.raftlite.cluster.LeaderForwarder;
import io.raftlite.cluster.LocalHttp;
import io.raftlite.command.ForwardedHttpRequest;
import io.raftlite.command.ForwardedHttpResponse;
import io.raftlite.command.NodeMeta;
import io.raftlite.metrics.RequestMetrics;
import io.raftlite.store.NotLeaderException;
import io.raftlite.store.Store;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/**
 * What to answer when a request needs the leader and this node is not it (spec 2.8):
 * <ul>
 *   <li>{@code redirect}: 301 to the leader's HTTP URL, which is asked of the leader now;</li>
 *   <li>no leader known: 503 {@code leader not found};</li>
 *   <li>otherwise the request travels to the leader over the cluster service on the Raft port, with
 *       the client's credentials, and the leader's answer (status, body) is returned unchanged,
 *       with {@code X-RQLITE-SERVED-BY} naming the leader's Raft address; if the leader refused the
 *       credentials (its users file may differ from this node's) the answer is 401
 *       {@code remote <op> not authorized}, as in rqlite; a forwarding failure is 200 with a
 *       top-level {@code error}.</li>
 * </ul>
 * A request that was itself forwarded is never forwarded again: if leadership moved meanwhile the
 * follower gets {@code not leader} and says so.
 */
public class LeaderRouting {
    private static final String SERVED_BY = "X-RQLITE-SERVED-BY";

    private final LeaderForwarder forwarder;
    private final Store store;
    private final RequestMetrics meters;

    public LeaderRouting(LeaderForwarder forwarder, Store store, RequestMetrics meters) {
        this.forwarder = forwarder;
        this.store = store;
        this.meters = meters;
    }

    ResponseEntity<byte[]> notLeader(HttpServletRequest request, QueryParams q, NotLeaderException e) {
        return Answers.await(notLeader(request, q, e, Runnable::run));
    }

    /**
     * As {@link #notLeader(HttpServletRequest, QueryParams, NotLeaderException)}, without holding the
     * calling thread while the leader answers: the answer is made on {@code continuation}.
     */
    CompletableFuture<ResponseEntity<byte[]>> notLeader(HttpServletRequest request, QueryParams q, NotLeaderException e,
            Executor continuation) {
        ResultRenderer.Style style = ResultRenderer.Style.from(q);
        if (request.getHeader(LocalHttp.FORWARDED_HEADER) != null) {
            return Answers.done(Responses.json(ResultRenderer.error("not leader", style)));
        }
        Duration timeout = q.leaderTimeout();
        int retries = q.retries();
        if (q.has("redirect")) {
            return Answers.done(redirect(request, timeout, retries));
        }
        if (!e.leaderKnown()) {
            return Answers.done(PlainText.entity(503, "leader not found"));
        }
        ForwardedHttpRequest.Builder fwd = ForwardedHttpRequest.newBuilder()
                .setTimeoutMillis(timeout.toMillis())
                .setMethod(request.getMethod())
                .setPath(request.getServletPath())
                .setRawQuery(request.getQueryString() == null ? "" : request.getQueryString())
                .setBody(UnsafeByteOperations.unsafeWrap(Requests.bodyOrEmpty(request))); // never written again
        if (request.getContentType() != null) {
            fwd.setContentType(request.getContentType());
        }
        if (request.getHeader("Authorization") != null) {
            fwd.setAuthorization(request.getHeader("Authorization"));
        }
        String operation = operation(request.getServletPath());
        return forwarder.forwardAsync(fwd.build(), timeout, retries)
                .handleAsync((r, error) -> error == null ? forwarded(r, operation, e)
                        : forwardFailed(Answers.unwrap(error), operation, style), continuation);
    }

    /** The leader's answer as this node gives it. */
    private static ResponseEntity<byte[]> forwarded(ForwardedHttpResponse r, String operation, NotLeaderException e) {
        if (r.getStatus() == 401) {
            // The leader re-checked the client's credentials and refused them (its users file may differ).
            ResponseEntity<byte[]> refused = PlainText.entity(401, "remote " + operation + " not authorized");
            HttpHeaders headers = new HttpHeaders();
            headers.putAll(refused.getHeaders());
            headers.set(SERVED_BY, e.leaderRaftAddress());
            return new ResponseEntity<>(refused.getBody(), headers, 401);
        }
        HttpHeaders headers = new HttpHeaders();
        r.getHeadersMap().forEach(headers::set);
        headers.set(SERVED_BY, e.leaderRaftAddress());
        if (!r.getContentType().isEmpty()) {
            headers.setContentType(MediaType.parseMediaType(r.getContentType()));
        }
        byte[] body = r.getBody().toByteArray();
        return ResponseEntity.status(r.getStatus()).headers(headers).body(body.length == 0 ? null : body);
    }

    private ResponseEntity<byte[]> forwardFailed(Throwable failure, String operation, ResultRenderer.Style style) {
        if (failure instanceof NotLeaderException) {
            return PlainText.entity(503, "leader not found");
        }
        if (failure instanceof ClusterClient.ClusterCallException) {
            // rqlite answers 200 with the error, so the request counts as a success by status: count it here.
            meters.forwardFailure(operation);
            return Responses.json(ResultRenderer.error(failure.getMessage(), style));
        }
        throw failure instanceof RuntimeException r ? r : new IllegalStateException(failure);
    }

    /** rqlite's name for the operation in {@code remote <op> not authorized}. */
    static String operation(String path) {
        if (path.startsWith("/db/execute")) {
            return "Execute";
        }
        if (path.startsWith("/db/request")) {
            return "Request";
        }
        if (path.startsWith("/db/query")) {
            return "query";
        }
        if (path.startsWith("/db/backup")) {
            return "backup";
        }
        if (path.startsWith("/db/load")) {
            return "load";
        }
        return path.startsWith("/") ? path.substring(1) : path;
    }

    /** 301 to the leader's API URL with the same path and raw query. */
    ResponseEntity<byte[]> redirect(HttpServletRequest request, Duration timeout, int retries) {
        NodeMeta leader;
        try {
            leader = forwarder.leaderMeta(timeout, retries);
        } catch (RuntimeException failure) {
            return PlainText.entity(503, "leader not found");
        }
        String query = request.getQueryString();
        String location = leader.getApiUrl() + request.getServletPath() + (query == null ? "" : "?" + query);
        return ResponseEntity.status(301).header("Location", location).build();
    }

    /** The leader's Raft address, or empty. */
    String leader() {
        return store.leaderRaftAddress();
    }
}
