package io.raftlite.http;

import io.raftlite.db.Statement;
import io.raftlite.db.sql.StatementRewriter;
import io.raftlite.store.NotLeaderException;
import io.raftlite.store.Store;
import io.raftlite.store.StoreException;
import io.raftlite.store.StoreResult;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.enums.ParameterIn;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Operations endpoints: status, readiness, nodes, leader, backup, load, boot, snapshots, the rewrite
 * preview {@code /db/sql}. Thin, like {@link DataController}.
 */
@RestController
@Tag(name = "operations", description = "Status, readiness, backups, loads and snapshots")
public class OpsController {
    private static final byte[] SQLITE_HEADER = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);

    private final Store store;
    private final StatusReport status;
    private final StatementParser parser;
    private final StatementRewriter rewriter;
    private final LeaderRouting routing;
    private final HttpMetrics metrics;
    private final String version;
    private final String httpAdvertised;

    public OpsController(Store store, StatusReport status, StatementParser parser, StatementRewriter rewriter,
            LeaderRouting routing, HttpMetrics metrics, io.raftlite.config.NodeConfiguration.NodeVersion version,
            HttpConfiguration.AdvertisedHttpAddress httpAdvertised) {
        this.store = store;
        this.status = status;
        this.parser = parser;
        this.rewriter = rewriter;
        this.routing = routing;
        this.metrics = metrics;
        this.version = version.value();
        this.httpAdvertised = httpAdvertised.value();
    }

    @GetMapping("/status")
    @Operation(summary = "Node diagnostics", description = "rqlite's status document: build, http, node, runtime, os, store.",
            responses = @ApiResponse(responseCode = "200", content = @Content(mediaType = "application/json",
                    examples = @ExampleObject(value = "{\"store\":{\"ready\":true,\"leader\":{\"node_id\":\"localhost:4002\","
                            + "\"addr\":\"localhost:4002\"},\"raft\":{\"state\":\"Leader\"}}}"))))
    @Parameter(name = "key", in = ParameterIn.QUERY, description = "Only this dotted sub-path, e.g. store.raft.state")
    @Parameter(name = "pretty", in = ParameterIn.QUERY, allowEmptyValue = true)
    public ResponseEntity<byte[]> status(@Parameter(hidden = true) HttpServletRequest request) {
        QueryParams q = Requests.params(request);
        Map<String, Object> doc = status.build();
        Object out = q.has("key") ? StatusReport.select(doc, q.get("key")) : doc;
        return Responses.json(Json.write(out, q.has("pretty")));
    }

    @GetMapping("/readyz")
    @Operation(summary = "Readiness probe (plain text)",
            description = "200 when the node can serve: leader known and contactable, store ready, and with sync caught up "
                    + "with the leader's commit index. noleader only checks that the HTTP server is up.",
            responses = {@ApiResponse(responseCode = "200", content = @Content(mediaType = "text/plain",
                    examples = @ExampleObject(value = "[+]node ok\n[+]leader ok\n[+]store ok\n[+]db ok"))),
                @ApiResponse(responseCode = "503", description = "Not ready")})
    @Parameter(name = "noleader", in = ParameterIn.QUERY, allowEmptyValue = true)
    @Parameter(name = "sync", in = ParameterIn.QUERY, allowEmptyValue = true)
    @Parameter(name = "timeout", in = ParameterIn.QUERY, description = "How long sync may wait (default 30s)")
    public ResponseEntity<byte[]> readyz(@Parameter(hidden = true) HttpServletRequest request) {
        QueryParams q = Requests.params(request);
        StringBuilder sb = new StringBuilder("[+]node ok");
        if (q.has("noleader")) {
            return text(200, sb.toString());
        }
        if (store.leaderRaftAddress().isEmpty()) {
            return text(503, sb.append("\n[+]leader does not exist").toString());
        }
        sb.append("\n[+]leader ok");
        if (!store.isReady()) {
            return text(503, sb.append("\n[+]store not ready").toString());
        }
        sb.append("\n[+]store ok");
        if (q.has("sync")) {
            long deadline = System.nanoTime() + q.duration("timeout", java.time.Duration.ofSeconds(30)).toNanos();
            long target = Math.max(1, store.commitIndex());
            while (store.raftAppliedIndex() < target) {
                if (System.nanoTime() > deadline) {
                    return text(503, sb.append("\n[+]sync timeout waiting for applied index ").append(target).toString());
                }
                sleep(10);
            }
            sb.append("\n[+]sync ok");
        }
        List<io.raftlite.db.StatementResult> r = store.database()
                .query(List.of(Statement.of("SELECT 1")), io.raftlite.db.ExecutionOptions.DEFAULT);
        if (r.size() == 1 && r.get(0) instanceof io.raftlite.db.StatementResult.Rows rows && !rows.rows().isEmpty()
                && Long.valueOf(1).equals(rows.rows().get(0).get(0))) {
            return text(200, sb.append("\n[+]db ok").toString());
        }
        return text(503, sb.append("\n[+]db not ok: (").append(r).append(")").toString());
    }

    @GetMapping("/nodes")
    @Operation(summary = "Cluster members and whether each is reachable",
            description = "Legacy form: an object keyed by node ID. ver=2: {\"nodes\":[...]} sorted by ID.")
    @Parameter(name = "nonvoters", in = ParameterIn.QUERY, allowEmptyValue = true)
    @Parameter(name = "ver", in = ParameterIn.QUERY, description = "2 for the list form")
    public ResponseEntity<byte[]> nodes(@Parameter(hidden = true) HttpServletRequest request) {
        QueryParams q = Requests.params(request);
        if (!store.isOpen()) {
            return PlainText.entity(503, "store not open");
        }
        List<Map<String, Object>> nodes = new ArrayList<>();
        for (var peer : store.peers()) {
            nodes.add(describe(peer.getEndpoint().toString()));
        }
        nodes.sort((a, b) -> String.valueOf(a.get("id")).compareTo(String.valueOf(b.get("id"))));
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

    private Map<String, Object> describe(String raftAddr) {
        Map<String, Object> n = new LinkedHashMap<>();
        boolean self = raftAddr.equals(store.raftAddress());
        n.put("id", self ? store.nodeId() : raftAddr);
        if (self) {
            n.put("api_addr", "http://" + httpAdvertised);
        }
        n.put("addr", raftAddr);
        n.put("version", self ? version : "");
        n.put("voter", true);
        n.put("reachable", self);
        n.put("leader", raftAddr.equals(store.leaderRaftAddress()));
        n.put("time", 0.0);
        n.put("time_s", "0s");
        if (!self) {
            n.put("error", "not reachable");
        }
        return n;
    }

    @GetMapping("/leader")
    @Operation(summary = "Describe the leader", responses = @ApiResponse(responseCode = "503", description = "leader not found"))
    public ResponseEntity<byte[]> leader(@Parameter(hidden = true) HttpServletRequest request) {
        QueryParams q = Requests.params(request);
        String leader = store.leaderRaftAddress();
        if (leader.isEmpty()) {
            return PlainText.entity(503, "leader not found");
        }
        return Responses.json(Json.write(describe(leader), q.has("pretty")));
    }

    @PostMapping("/leader")
    @Operation(summary = "Leader stepdown", description = "Transfers leadership, optionally to {\"id\": \"node\"}. "
            + "A single node has nobody to hand over to.")
    public ResponseEntity<byte[]> stepdown(@Parameter(hidden = true) HttpServletRequest request) {
        byte[] body = Requests.bodyOrEmpty(request);
        if (!store.isOpen()) {
            return PlainText.entity(503, "store not open");
        }
        if (body != null && body.length > 0 && "application/json".equals(request.getContentType())) {
            try {
                parser.parseObject(body);
            } catch (BadRequestException e) {
                return PlainText.entity(400, "invalid JSON: " + e.getMessage());
            }
        }
        if (store.peers().size() <= 1) {
            return PlainText.entity(500, "stepdown: no other voter to transfer leadership to");
        }
        return PlainText.entity(500, "stepdown: not supported yet");
    }

    @DeleteMapping("/remove")
    @Operation(summary = "Remove a node from the cluster", description = "Body {\"id\": \"node id\"}.")
    public ResponseEntity<byte[]> remove(@Parameter(hidden = true) HttpServletRequest request) {
        byte[] body = Requests.bodyOrEmpty(request);
        Map<String, Object> m;
        try {
            m = parser.parseObject(body == null ? new byte[0] : body);
        } catch (BadRequestException e) {
            return Responses.empty(400);
        }
        if (m.size() != 1 || !(m.get("id") instanceof String)) {
            return Responses.empty(400);
        }
        if (store.leaderRaftAddress().isEmpty()) {
            return PlainText.entity(503, "leader not found");
        }
        return PlainText.entity(500, "remove: node " + m.get("id") + " is not a member of this cluster");
    }

    @GetMapping("/db/backup")
    @Operation(summary = "Download the database",
            description = "A SQLite file (default), or SQL text with fmt=sql (optionally only tables=a,b). compress gzips "
                    + "the output; vacuum gives a compacted copy (binary only).")
    @Parameter(name = "fmt", in = ParameterIn.QUERY, description = "binary (default), sql or delete")
    @Parameter(name = "compress", in = ParameterIn.QUERY, allowEmptyValue = true)
    @Parameter(name = "vacuum", in = ParameterIn.QUERY, allowEmptyValue = true)
    @Parameter(name = "tables", in = ParameterIn.QUERY, description = "Comma-separated tables for fmt=sql")
    @Parameter(name = "noleader", in = ParameterIn.QUERY, allowEmptyValue = true)
    public ResponseEntity<byte[]> backup(@Parameter(hidden = true) HttpServletRequest request) {
        return metrics.time("backup", () -> {
            QueryParams q = Requests.params(request);
            String fmt = q.get("fmt") == null ? "binary" : q.get("fmt");
            boolean sql = fmt.equals("sql");
            if (q.has("vacuum") && (sql || fmt.equals("delete"))) {
                return PlainText.entity(500, "invalid backup format");
            }
            if (!q.has("noleader") && !store.isLeader()) {
                return routing.notLeader(request, q, new NotLeaderException(store.leaderRaftAddress()));
            }
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            try {
                if (sql) {
                    List<String> tables = q.get("tables") == null ? List.of()
                            : Arrays.stream(q.get("tables").split(",")).map(String::trim).filter(t -> !t.isEmpty()).toList();
                    store.dumpSql(buf, tables);
                } else {
                    store.backup(buf, q.has("vacuum"), fmt.equals("delete"));
                }
            } catch (IOException | RuntimeException e) {
                return PlainText.entity(500, "backup: " + e.getMessage());
            }
            byte[] bytes = buf.toByteArray();
            if (q.has("compress")) {
                bytes = gzip(bytes);
            }
            HttpHeaders h = new HttpHeaders();
            h.setContentType(sql ? MediaType.parseMediaType("application/sql") : MediaType.APPLICATION_OCTET_STREAM);
            h.set("X-RQLITE-SERVED-BY", httpAdvertised);
            return ResponseEntity.ok().headers(h).body(bytes);
        });
    }

    @PostMapping("/db/load")
    @Operation(summary = "Load a database",
            description = "The body is sniffed: a SQLite file replaces the whole database on every node; anything else is "
                    + "run as SQL text, one multi-statement string.")
    public ResponseEntity<byte[]> load(@Parameter(hidden = true) HttpServletRequest request) {
        return metrics.time("load", () -> {
            QueryParams q = Requests.params(request);
            byte[] data;
            try {
                data = Requests.body(request);
            } catch (BadRequestException e) {
                return PlainText.entity(e.status(), e.getMessage());
            }
            long start = System.nanoTime();
            ResultRenderer.Style style = ResultRenderer.Style.from(q);
            try {
                StoreResult result;
                if (isSqlite(data)) {
                    result = store.load(data);
                    return loadReply(ResultRenderer.render(List.of(), null, (System.nanoTime() - start) / 1e9, null, 0, style));
                }
                String text = new String(data, StandardCharsets.UTF_8);
                if (text.isBlank()) {
                    return PlainText.entity(400, "no statements");
                }
                result = store.execute(List.of(Statement.of(text)), io.raftlite.db.ExecutionOptions.DEFAULT);
                if (result.results().stream().anyMatch(r -> r instanceof io.raftlite.db.StatementResult.Error)) {
                    try {
                        store.execute(List.of(Statement.of("ROLLBACK")), io.raftlite.db.ExecutionOptions.DEFAULT);
                    } catch (RuntimeException ignored) {
                        // nothing was open
                    }
                }
                return loadReply(ResultRenderer.render(result.results(), null, (System.nanoTime() - start) / 1e9, null, 0, style));
            } catch (NotLeaderException e) {
                return routing.notLeader(request, q, e);
            } catch (StoreException e) {
                return PlainText.entity(500, e.getMessage());
            }
        });
    }

    private static ResponseEntity<byte[]> loadReply(String json) {
        return ResponseEntity.ok().body(json.getBytes(StandardCharsets.UTF_8));
    }

    @PostMapping("/boot")
    @Operation(summary = "Restore a single-node cluster from a SQLite file",
            responses = {@ApiResponse(responseCode = "200", description = "Loaded"),
                @ApiResponse(responseCode = "400", description = "invalid SQLite data"),
                @ApiResponse(responseCode = "503", description = "not leader, not single-node, or failed")})
    public ResponseEntity<byte[]> boot(@Parameter(hidden = true) HttpServletRequest request) {
        byte[] data;
        try {
            data = Requests.body(request);
        } catch (BadRequestException e) {
            return PlainText.entity(e.status(), e.getMessage());
        }
        if (data.length < 32) {
            return PlainText.entity(503, "boot: body too short to be a SQLite file");
        }
        if (!isSqlite(data)) {
            return PlainText.entity(400, "invalid SQLite data");
        }
        if (!store.isLeader()) {
            return PlainText.entity(503, "not leader");
        }
        if (store.peers().size() > 1) {
            return PlainText.entity(503, "not single-node");
        }
        try {
            store.load(data);
            store.snapshot();
            return Responses.empty(200);
        } catch (RuntimeException e) {
            return PlainText.entity(503, e.getMessage());
        }
    }

    @PostMapping("/snapshot")
    @Operation(summary = "Take a Raft snapshot now and compact the log",
            responses = {@ApiResponse(responseCode = "200", description = "Snapshot taken"),
                @ApiResponse(responseCode = "204", description = "Nothing new to snapshot")})
    @Parameter(name = "trailing_logs", in = ParameterIn.QUERY, description = "Accepted for compatibility")
    public ResponseEntity<byte[]> snapshot() {
        try {
            return Responses.empty(store.snapshot() ? 200 : 204);
        } catch (StoreException e) {
            return PlainText.entity(500, e.getMessage());
        }
    }

    @PostMapping("/reap")
    @Operation(summary = "Reap old snapshots (SOFAJRaft keeps only the newest, so there is nothing to reap)")
    public ResponseEntity<byte[]> reap() {
        return Responses.json("{\"snapshots_reaped\":0,\"wals_checkpointed\":0}");
    }

    @GetMapping("/db/sql")
    @Operation(summary = "Show how statements would be rewritten; touches no data")
    @Parameter(name = "q", in = ParameterIn.QUERY, description = "The SQL statement")
    public ResponseEntity<byte[]> sqlGet(@Parameter(hidden = true) HttpServletRequest request) {
        QueryParams q = Requests.params(request);
        if (!q.has("q")) {
            return PlainText.entity(400, "query not specified");
        }
        return sqlPreview(q, List.of(Statement.of(q.get("q"))));
    }

    @PostMapping("/db/sql")
    @Operation(summary = "Show how statements would be rewritten; touches no data")
    public ResponseEntity<byte[]> sqlPost(@Parameter(hidden = true) HttpServletRequest request) {
        try {
            return sqlPreview(Requests.params(request), parser.parseJson(Requests.body(request)));
        } catch (BadRequestException e) {
            return PlainText.entity(400, e.getMessage());
        }
    }

    private ResponseEntity<byte[]> sqlPreview(QueryParams q, List<Statement> statements) {
        StatementRewriter.Options options = new StatementRewriter.Options(!q.has("norwrandom"), !q.has("norwtime"));
        List<Object> results = new ArrayList<>();
        for (Statement s : statements) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("original", s.sql());
            m.put("rewritten", rewriter.rewrite(s.sql(), options));
            results.add(m);
        }
        return Responses.json(Json.write(Map.of("results", results), q.has("pretty")));
    }

    @GetMapping("/licenses")
    @Operation(summary = "Third-party licenses")
    public ResponseEntity<byte[]> licenses() {
        return text(200, "raftlite is MIT licensed. It bundles Spring Boot (Apache-2.0), SOFAJRaft (Apache-2.0), "
                + "sqlite-jdbc (Apache-2.0; SQLite is public domain), Micrometer (Apache-2.0), springdoc-openapi "
                + "(Apache-2.0), Netty (Apache-2.0), RocksDB (Apache-2.0) and protobuf (BSD-3-Clause).");
    }

    @org.springframework.web.bind.annotation.RequestMapping("/debug/vars")
    @Operation(summary = "Counters in the shape of Go's expvar")
    public ResponseEntity<byte[]> debugVars(@Parameter(hidden = true) HttpServletRequest request) {
        QueryParams q = Requests.params(request);
        Map<String, Object> vars = new LinkedHashMap<>();
        Map<String, Object> storeVars = new LinkedHashMap<>();
        storeVars.put("num_snapshots", store.snapshotCount());
        vars.put("store", storeVars);
        vars.put("cmdline", List.of(ProcessHandle.current().info().commandLine().orElse("")));
        Object out = q.has("key") ? (vars.containsKey(q.get("key")) ? Map.of(q.get("key"), vars.get(q.get("key"))) : Map.of()) : vars;
        return Responses.json(Json.write(out, q.has("pretty")));
    }

    private static ResponseEntity<byte[]> text(int status, String body) {
        HttpHeaders h = new HttpHeaders();
        h.setContentType(new MediaType("text", "plain", StandardCharsets.UTF_8));
        return ResponseEntity.status(status).headers(h).body(body.getBytes(StandardCharsets.UTF_8));
    }

    static boolean isSqlite(byte[] data) {
        return data.length > 13 && Arrays.equals(Arrays.copyOf(data, 13), Arrays.copyOf(SQLITE_HEADER, 13));
    }

    private static byte[] gzip(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
