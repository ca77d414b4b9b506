package io.raftlite.http;

import com.alipay.sofa.jraft.entity.PeerId;
import io.raftlite.cluster.ClusterClient;
import io.raftlite.cluster.LeaderForwarder;
import io.raftlite.cluster.NodeInfo;
import io.raftlite.cluster.PeerDirectory;
import io.raftlite.command.NodeMeta;
import io.raftlite.config.GoDuration;
import io.raftlite.store.NotLeaderException;
import io.raftlite.store.Store;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.enums.ParameterIn;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Membership endpoints: {@code /nodes}, {@code /leader} (describe, stepdown) and {@code /remove}.
 * Every node is probed live over the cluster service; nothing about other nodes is cached.
 */
@RestController
@Tag(name = "cluster", description = "Membership, leadership and node reachability")
public class ClusterController {

    private final Store store;
    private final LeaderForwarder forwarder;
    private final PeerDirectory directory;
    private final NodeInfo self;
    private final StatementParser parser;
    private final LeaderRouting routing;

    public ClusterController(Store store, LeaderForwarder forwarder, PeerDirectory directory, NodeInfo self,
            StatementParser parser, LeaderRouting routing) {
        this.store = store;
        this.forwarder = forwarder;
        this.directory = directory;
        this.self = self;
        this.parser = parser;
        this.routing = routing;
    }

    @GetMapping("/nodes")
    @Operation(summary = "Cluster members and whether each is reachable",
            description = "Every member is contacted now. Legacy form: an object keyed by node ID; ver=2: {\"nodes\":[...]} "
                    + "sorted by ID. Read replicas only with nonvoters.",
            responses = @io.swagger.v3.oas.annotations.responses.ApiResponse(responseCode = "200", content = @Content(
                    mediaType = "application/json", examples = @ExampleObject(value = "{\"n1\":{\"id\":\"n1\",\"api_addr\":"
                            + "\"http://h1:4001\",\"addr\":\"h1:4002\",\"version\":\"v0.1.0\",\"voter\":true,\"reachable\":true,"
                            + "\"leader\":true,\"time\":0.0002,\"time_s\":\"212µs\"}}"))))
    @Parameter(name = "nonvoters", in = ParameterIn.QUERY, allowEmptyValue = true)
    @Parameter(name = "ver", in = ParameterIn.QUERY, description = "2 for the list form")
    @Parameter(name = "timeout", in = ParameterIn.QUERY, description = "Per-node probe deadline (default 30s)")
    @Parameter(name = "retries", in = ParameterIn.QUERY, description = "Probe retries")
    @Parameter(name = "pretty", in = ParameterIn.QUERY, allowEmptyValue = true)
    public ResponseEntity<byte[]> nodes(@Parameter(hidden = true) HttpServletRequest request) {
        QueryParams q = Requests.params(request);
        if (!store.isOpen()) {
            return PlainText.entity(503, "store not open");
        }
        Duration timeout = timeout(q);
        int retries = retries(q);
        List<CompletableFuture<Map<String, Object>>> probes = new ArrayList<>();
        for (PeerId p : store.voters()) {
            probes.add(CompletableFuture.supplyAsync(() -> describe(p.getEndpoint().toString(), true, timeout, retries)));
        }
        if (q.has("nonvoters")) {
            for (PeerId p : store.learners()) {
                probes.add(CompletableFuture.supplyAsync(() -> describe(p.getEndpoint().toString(), false, timeout, retries)));
            }
        }
        List<Map<String, Object>> nodes = new ArrayList<>();
        probes.forEach(f -> nodes.add(f.join()));
        nodes.sort(Comparator.comparing(n -> String.valueOf(n.get("id"))));
        Object out;
        if ("2".equals(q.get("ver"))) {
            out = Map.of("nodes", nodes);
        } else {
            Map<String, Object> legacy = new LinkedHashMap<>();
            nodes.forEach(n -> legacy.put(String.valueOf(n.get("id")), n));
            out = legacy;
        }
        return Responses.json(Json.write(out, q.has("pretty")));
    }

    /** One node as {@code /nodes} shows it, probed now. */
    Map<String, Object> describe(String raftAddr, boolean voter, Duration timeout, int retries) {
        long start = System.nanoTime();
        Map<String, Object> n = new LinkedHashMap<>();
        NodeMeta meta = null;
        String error = null;
        if (raftAddr.equals(store.raftAddress())) {
            meta = NodeMeta.newBuilder().setNodeId(store.nodeId()).setApiUrl(self.apiUrl()).setVersion(self.version()).build();
        } else {
            try {
                meta = forwarder.meta(raftAddr, timeout, retries);
                directory.learn(meta.getNodeId(), raftAddr);
            } catch (RuntimeException e) {
                error = e.getMessage() == null ? "unreachable" : e.getMessage();
            }
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        n.put("id", meta != null ? meta.getNodeId() : directory.idOf(raftAddr));
        if (meta != null) {
            n.put("api_addr", meta.getApiUrl());
        }
        n.put("addr", raftAddr);
        n.put("version", meta != null ? meta.getVersion() : "");
        n.put("voter", voter);
        n.put("reachable", meta != null);
        n.put("leader", raftAddr.equals(store.leaderRaftAddress()));
        n.put("time", took.toNanos() / 1e9);
        n.put("time_s", GoDuration.format(took));
        if (error != null) {
            n.put("error", error);
        }
        return n;
    }

    @GetMapping("/leader")
    @Operation(summary = "Describe the leader", responses = @io.swagger.v3.oas.annotations.responses.ApiResponse(
            responseCode = "503", description = "leader not found"))
    @Parameter(name = "pretty", in = ParameterIn.QUERY, allowEmptyValue = true)
    public ResponseEntity<byte[]> leader(@Parameter(hidden = true) HttpServletRequest request) {
        QueryParams q = Requests.params(request);
        String leader = store.leaderRaftAddress();
        if (leader.isEmpty()) {
            return PlainText.entity(503, "leader not found");
        }
        return Responses.json(Json.write(describe(leader, true, timeout(q), retries(q)), q.has("pretty")));
    }

    @PostMapping("/leader")
    @Operation(summary = "Leader stepdown",
            description = "Hands leadership to another voter, optionally the one named in {\"id\": \"node\"} (read only with "
                    + "Content-Type application/json). As in rqlite, without wait a stepdown sent to a follower is a no-op. "
                    + "Errors: 400 naming a node that is not a voter, 409 naming the current leader or with no other voter, "
                    + "503 no leader, 500 a failed hand-over.",
            requestBody = @RequestBody(required = false,
                    content = @Content(mediaType = "application/json", examples = @ExampleObject(value = "{\"id\":\"node2\"}"))))
    @Parameter(name = "wait", in = ParameterIn.QUERY, allowEmptyValue = true, description = "Forward to the leader and wait")
    @Parameter(name = "redirect", in = ParameterIn.QUERY, allowEmptyValue = true)
    public ResponseEntity<byte[]> stepdown(@Parameter(hidden = true) HttpServletRequest request) {
        QueryParams q = Requests.params(request);
        byte[] body = Requests.bodyOrEmpty(request);
        if (!store.isOpen()) {
            return PlainText.entity(503, "store not open");
        }
        String target = "";
        if (body.length > 0 && "application/json".equals(request.getContentType())) {
            try {
                Object id = parser.parseObject(body).get("id");
                if (id != null && !(id instanceof String)) {
                    return PlainText.entity(400, "invalid JSON: id must be a string");
                }
                target = id == null ? "" : (String) id;
            } catch (BadRequestException e) {
                return PlainText.entity(400, "invalid JSON: " + e.getMessage());
            }
        }
        if (!store.isLeader()) {
            if (q.has("redirect")) {
                return routing.redirect(request, timeout(q), retries(q));
            }
            if (!q.has("wait")) {
                return Responses.empty(200);
            }
        }
        try {
            forwarder.stepdown(target, credentials(request), timeout(q));
            return Responses.empty(200);
        } catch (NotLeaderException e) {
            return PlainText.entity(503, "leader not found");
        } catch (LeaderForwarder.UnauthorizedException e) {
            return PlainText.entity(401, "remote stepdown not authorized");
        } catch (LeaderForwarder.RejectedException e) {
            return PlainText.entity(e.status(), "stepdown: " + e.getMessage());
        } catch (ClusterClient.ClusterCallException e) {
            return PlainText.entity(500, "stepdown: " + e.getMessage());
        }
    }

    @DeleteMapping("/remove")
    @Operation(summary = "Remove a node from the cluster", description = "Body {\"id\": \"node id\"}; anything else is 400. "
            + "404 if the node is not a member, 503 with no leader, 500 if the removal itself failed.",
            requestBody = @RequestBody(required = true,
                    content = @Content(mediaType = "application/json", examples = @ExampleObject(value = "{\"id\":\"node2\"}"))))
    @Parameter(name = "redirect", in = ParameterIn.QUERY, allowEmptyValue = true)
    @Parameter(name = "timeout", in = ParameterIn.QUERY, description = "Deadline for the leader (default 30s)")
    public ResponseEntity<byte[]> remove(@Parameter(hidden = true) HttpServletRequest request) {
        QueryParams q = Requests.params(request);
        Map<String, Object> m;
        try {
            m = parser.parseObject(Requests.bodyOrEmpty(request));
        } catch (BadRequestException e) {
            return Responses.empty(400);
        }
        if (m.size() != 1 || !(m.get("id") instanceof String id)) {
            return Responses.empty(400);
        }
        if (!store.isLeader() && q.has("redirect")) {
            return routing.redirect(request, timeout(q), retries(q));
        }
        try {
            forwarder.remove(id, credentials(request), timeout(q), retries(q));
            return ResponseEntity.ok().header("X-RQLITE-SERVED-BY", store.leaderRaftAddress()).build();
        } catch (NotLeaderException e) {
            return PlainText.entity(503, "leader not found");
        } catch (LeaderForwarder.UnauthorizedException e) {
            return PlainText.entity(401, "remote remove not authorized");
        } catch (LeaderForwarder.RejectedException e) {
            return PlainText.entity(e.status(), "remove: " + e.getMessage());
        } catch (ClusterClient.ClusterCallException e) {
            return PlainText.entity(500, "remove: " + e.getMessage());
        }
    }

    private static LeaderForwarder.Credentials credentials(HttpServletRequest request) {
        return new LeaderForwarder.Credentials(Requests.username(request), Requests.password(request));
    }

    private static Duration timeout(QueryParams q) {
        return q.leaderTimeout();
    }

    private static int retries(QueryParams q) {
        return q.retries();
    }
}
