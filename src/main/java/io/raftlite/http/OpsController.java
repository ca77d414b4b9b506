package io.raftlite.http;

import io.raftlite.db.Statement;
import io.raftlite.db.sql.StatementRewriter;
import io.raftlite.metrics.RequestMetrics;
import io.raftlite.store.InvalidInputException;
import io.raftlite.store.NotLeaderException;
import io.raftlite.store.Store;
import io.raftlite.store.StoreException;
import io.raftlite.store.StoreResult;
import io.swagger.v3.oas.annotations.Hidden;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.enums.ParameterIn;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
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
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
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
    private final io.raftlite.cluster.LeaderForwarder forwarder;
    private final StatusReport status;
    private final StatementParser parser;
    private final StatementRewriter rewriter;
    private final LeaderRouting routing;
    private final HttpMetrics metrics;
    private final RequestMetrics requestMeters;
    private final String version;
    private final String httpAdvertised;

    public OpsController(io.raftlite.cluster.LeaderForwarder forwarder, Store store, StatusReport status, StatementParser parser, StatementRewriter rewriter,
            LeaderRouting routing, HttpMetrics metrics, RequestMetrics requestMeters,
            io.raftlite.config.NodeConfiguration.NodeVersion version, HttpConfiguration.AdvertisedHttpAddress httpAdvertised) {
        this.forwarder = forwarder;
        this.store = store;
        this.status = status;
        this.parser = parser;
        this.rewriter = rewriter;
        this.routing = routing;
        this.metrics = metrics;
        this.requestMeters = requestMeters;
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
        if (!store.isLeader()) {
            try {
                forwarder.leaderMeta(java.time.Duration.ofSeconds(5), 0);
            } catch (RuntimeException e) {
                return text(503, sb.append("\n[+]leader not contactable: ").append(e.getMessage()).toString());
            }
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

    @GetMapping("/db/backup")
    @Operation(summary = "Download the database",
            description = "A SQLite file (default), or SQL text with fmt=sql (optionally only tables=a,b). compress gzips "
                    + "the output; vacuum gives a compacted copy (binary only).")
    @Parameter(name = "fmt", in = ParameterIn.QUERY, description = "binary (default), sql or delete")
    @Parameter(name = "compress", in = ParameterIn.QUERY, allowEmptyValue = true)
    @Parameter(name = "vacuum", in = ParameterIn.QUERY, allowEmptyValue = true)
    @Parameter(name = "tables", in = ParameterIn.QUERY, description = "Comma-separated tables for fmt=sql")
    @Parameter(name = "noleader", in = ParameterIn.QUERY, allowEmptyValue = true)
    @Parameter(name = "redirect", in = ParameterIn.QUERY, allowEmptyValue = true)
    @Parameter(name = "timeout", in = ParameterIn.QUERY, description = "Deadline for fetching the backup from the leader")
    public ResponseEntity<?> backup(@Parameter(hidden = true) HttpServletRequest request) {
        return metrics.timeAny("backup", () -> {
            QueryParams q = Requests.params(request);
            String fmt = q.get("fmt") == null ? "binary" : q.get("fmt");
            boolean sql = fmt.equals("sql");
            if (q.has("vacuum") && (sql || fmt.equals("delete"))) {
                return PlainText.entity(400, "invalid backup format");
            }
            if (!q.has("noleader") && !store.isLeader()) {
                return routing.notLeader(request, q, new NotLeaderException(store.leaderRaftAddress()));
            }
            // The copy goes to a scratch file, not memory, so a database larger than the heap can be
            // backed up; it is streamed to the client and deleted afterwards.
            java.nio.file.Path file;
            try {
                file = java.nio.file.Files.createTempFile(store.dataDir(), "backup-", ".out");
            } catch (IOException e) {
                return PlainText.entity(500, "backup: " + e.getMessage());
            }
            try (java.io.OutputStream raw = java.nio.file.Files.newOutputStream(file);
                    java.io.OutputStream out = q.has("compress") ? new GZIPOutputStream(raw) : raw) {
                if (sql) {
                    List<String> tables = q.get("tables") == null ? List.of()
                            : Arrays.stream(q.get("tables").split(",")).map(String::trim).filter(t -> !t.isEmpty()).toList();
                    store.dumpSql(out, tables);
                } else {
                    store.backup(out, q.has("vacuum"), fmt.equals("delete"));
                }
            } catch (IOException | RuntimeException e) {
                deleteQuietly(file);
                return PlainText.entity(500, "backup: " + e.getMessage());
            }
            HttpHeaders h = new HttpHeaders();
            h.setContentType(sql ? MediaType.parseMediaType("application/sql") : MediaType.APPLICATION_OCTET_STREAM);
            h.set("X-RQLITE-SERVED-BY", httpAdvertised);
            try {
                h.setContentLength(java.nio.file.Files.size(file));
            } catch (IOException e) {
                // unknown length: chunked
            }
            java.io.InputStream stream;
            try {
                stream = new java.io.FilterInputStream(java.nio.file.Files.newInputStream(file)) {
                    @Override
                    public void close() throws IOException {
                        try {
                            super.close();
                        } finally {
                            deleteQuietly(file);
                        }
                    }
                };
            } catch (IOException e) {
                deleteQuietly(file);
                return PlainText.entity(500, "backup: " + e.getMessage());
            }
            return ResponseEntity.ok().headers(h).body(new org.springframework.core.io.InputStreamResource(stream));
        });
    }

    private static void deleteQuietly(java.nio.file.Path file) {
        try {
            java.nio.file.Files.deleteIfExists(file);
        } catch (IOException e) {
            // a leftover scratch file is harmless
        }
    }

    @PostMapping("/db/load")
    @Operation(summary = "Load a database",
            description = "The body is sniffed, whatever the Content-Type: a SQLite file replaces the whole database on every "
                    + "node and the reply is {\"results\":[]}; anything else is run as SQL text, one multi-statement string, and "
                    + "the reply describes its last statement.",
            requestBody = @RequestBody(required = true, content = {
                @Content(mediaType = "application/octet-stream", schema = @Schema(type = "string", format = "binary")),
                @Content(mediaType = "text/plain", examples = @ExampleObject(value = "CREATE TABLE foo (id INTEGER NOT NULL "
                        + "PRIMARY KEY, name TEXT);INSERT INTO foo(name) VALUES(\"fiona\");INSERT INTO foo(name) VALUES(\"justin\")"))}),
            responses = @ApiResponse(responseCode = "200", content = @Content(mediaType = "text/plain",
                    examples = @ExampleObject(value = "{\"results\":[{\"last_insert_id\":2,\"rows_affected\":1}]}"))))
    @Parameter(name = "pretty", in = ParameterIn.QUERY, allowEmptyValue = true)
    @Parameter(name = "timings", in = ParameterIn.QUERY, allowEmptyValue = true)
    @Parameter(name = "redirect", in = ParameterIn.QUERY, allowEmptyValue = true)
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
            } catch (InvalidInputException e) {
                return PlainText.entity(400, e.getMessage());
            } catch (StoreException e) {
                return PlainText.entity(500, e.getMessage());
            }
        });
    }

    /**
     * rqlite writes the load reply without a Content-Type and Go's sniffing labels the JSON
     * {@code text/plain; charset=utf-8}, so this reply is plain text (UTF-8) too.
     */
    private ResponseEntity<byte[]> loadReply(String json) {
        HttpHeaders h = new HttpHeaders();
        h.setContentType(new MediaType("text", "plain", StandardCharsets.UTF_8));
        h.set("X-RQLITE-SERVED-BY", httpAdvertised);
        return ResponseEntity.ok().headers(h).body(json.getBytes(StandardCharsets.UTF_8));
    }

    @PostMapping("/boot")
    @Operation(summary = "Restore a single-node cluster from a SQLite file",
            requestBody = @RequestBody(required = true, description = "A SQLite database file", content = @Content(
                    mediaType = "application/octet-stream", schema = @Schema(type = "string", format = "binary"))),
            responses = {@ApiResponse(responseCode = "200", description = "Loaded"),
                @ApiResponse(responseCode = "400", description = "invalid SQLite data"),
                @ApiResponse(responseCode = "503", description = "not leader, not single-node, or failed")})
    public ResponseEntity<byte[]> boot(@Parameter(hidden = true) HttpServletRequest request) {
        return metrics.time("boot", () -> bootFrom(request));
    }

    private ResponseEntity<byte[]> bootFrom(HttpServletRequest request) {
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
    @Parameter(name = "q", in = ParameterIn.QUERY, description = "The SQL statement", example = "SELECT RANDOM()")
    @Parameter(name = "norwrandom", in = ParameterIn.QUERY, allowEmptyValue = true)
    @Parameter(name = "norwtime", in = ParameterIn.QUERY, allowEmptyValue = true)
    @Parameter(name = "pretty", in = ParameterIn.QUERY, allowEmptyValue = true)
    public ResponseEntity<byte[]> sqlGet(@Parameter(hidden = true) HttpServletRequest request) {
        QueryParams q = Requests.params(request);
        if (!q.has("q")) {
            return PlainText.entity(400, "query not specified");
        }
        return sqlPreview(q, List.of(Statement.of(q.get("q"))));
    }

    @PostMapping("/db/sql")
    @Operation(summary = "Show how statements would be rewritten; touches no data",
            requestBody = @RequestBody(required = true, content = @Content(mediaType = "application/json",
                    examples = @ExampleObject(value = "[\"INSERT INTO foo(n, t) VALUES(RANDOM(), datetime('now'))\"]"))))
    @Parameter(name = "norwrandom", in = ParameterIn.QUERY, allowEmptyValue = true)
    @Parameter(name = "norwtime", in = ParameterIn.QUERY, allowEmptyValue = true)
    @Parameter(name = "pretty", in = ParameterIn.QUERY, allowEmptyValue = true)
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

    @GetMapping("/debug/vars")
    @Operation(summary = "Counters in the shape of Go's expvar",
            description = "cmdline, memstats and rqlite's maps (http, store, cluster, uploader). Any method is accepted.",
            responses = @ApiResponse(responseCode = "200", content = @Content(mediaType = "application/json",
                    examples = @ExampleObject(value = "{\"store\":{\"num_snapshots\":1},\"http\":{\"executions\":3}}"))))
    @Parameter(name = "key", in = ParameterIn.QUERY, description = "Only this top-level map, e.g. store")
    @Parameter(name = "pretty", in = ParameterIn.QUERY, allowEmptyValue = true)
    public ResponseEntity<byte[]> debugVars(@Parameter(hidden = true) HttpServletRequest request) {
        QueryParams q = Requests.params(request);
        Map<String, Object> vars = new LinkedHashMap<>();
        vars.put("cmdline", commandLine());
        vars.put("memstats", memoryStats());
        Map<String, Object> http = new LinkedHashMap<>();
        http.put("executions", requestMeters.requestCount("execute"));
        http.put("queries", requestMeters.requestCount("query"));
        http.put("requests", requestMeters.requestCount("request"));
        http.put("backups", requestMeters.requestCount("backup"));
        http.put("loads", requestMeters.requestCount("load"));
        http.put("boot", requestMeters.requestCount("boot"));
        vars.put("http", http);
        Map<String, Object> storeVars = new LinkedHashMap<>();
        storeVars.put("num_snapshots", store.snapshotCount());
        vars.put("store", storeVars);
        // This node has no join service and no automatic backups yet, so these counters stay at zero.
        vars.put("cluster", Map.of("num_join_req", 0L));
        Map<String, Object> uploader = new LinkedHashMap<>();
        for (String c : List.of("num_uploads_ok", "num_uploads_fail", "num_uploads_skipped", "num_uploads_skipped_id")) {
            uploader.put(c, 0L);
        }
        vars.put("uploader", uploader);
        Object out = q.has("key") ? (vars.containsKey(q.get("key")) ? Map.of(q.get("key"), vars.get(q.get("key"))) : Map.of()) : vars;
        return Responses.json(Json.write(out, q.has("pretty")));
    }

    /** expvar answers every method; only GET is described in the OpenAPI document. */
    @Hidden
    @RequestMapping(path = "/debug/vars", method = {RequestMethod.POST, RequestMethod.PUT, RequestMethod.DELETE,
        RequestMethod.PATCH})
    public ResponseEntity<byte[]> debugVarsAnyMethod(HttpServletRequest request) {
        return debugVars(request);
    }

    /** Go's {@code os.Args}: the executable, then each argument. */
    private static List<String> commandLine() {
        ProcessHandle.Info info = ProcessHandle.current().info();
        List<String> args = new ArrayList<>();
        info.command().ifPresent(args::add);
        info.arguments().ifPresent(a -> args.addAll(Arrays.asList(a)));
        return args;
    }

    /** The JVM's counterparts of the Go runtime's memstats fields. */
    private static Map<String, Object> memoryStats() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long gcCount = 0;
        long gcMillis = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            gcCount += Math.max(0, gc.getCollectionCount());
            gcMillis += Math.max(0, gc.getCollectionTime());
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("HeapAlloc", memory.getHeapMemoryUsage().getUsed());
        m.put("HeapSys", memory.getHeapMemoryUsage().getCommitted());
        m.put("Sys", memory.getHeapMemoryUsage().getCommitted() + memory.getNonHeapMemoryUsage().getCommitted());
        m.put("NumGC", gcCount);
        m.put("PauseTotalNs", gcMillis * 1_000_000L);
        return m;
    }

    private static ResponseEntity<byte[]> text(int status, String body) {
        HttpHeaders h = new HttpHeaders();
        h.setContentType(new MediaType("text", "plain", StandardCharsets.UTF_8));
        return ResponseEntity.status(status).headers(h).body(body.getBytes(StandardCharsets.UTF_8));
    }

    static boolean isSqlite(byte[] data) {
        return data.length > 13 && Arrays.equals(Arrays.copyOf(data, 13), Arrays.copyOf(SQLITE_HEADER, 13));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
