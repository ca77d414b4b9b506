package io.raftlite.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

/**
 * Spec section 6 on a single node: {@code /status} (and the fields rqlite's e2e helpers read, 10.3),
 * {@code /nodes}, {@code GET /leader}, {@code /readyz}, {@code /debug/vars}, {@code /licenses}.
 */
@ExtendWith(SharedNode.class)
class StatusIT {
    private final Api api = SharedNode.api();
    private final NodeProcess node = SharedNode.node();

    private String raftAddr() {
        return "127.0.0.1:" + node.raftPort();
    }

    private JsonNode status() {
        Api.Response r = api.get("/status");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Content-Type")).startsWith("application/json");
        return r.json();
    }

    @Test
    void statusHasTheSectionsClientsRequire() {
        JsonNode s = status();
        // rqlite-js: build, http, node, runtime, store.
        assertThat(s.has("build") && s.has("http") && s.has("node") && s.has("runtime") && s.has("store"))
                .as("top-level keys of %s", s).isTrue();
        assertThat(s.get("build").get("version").asString()).isEqualTo(api.get("/status").header("X-RQLITE-VERSION"));
        assertThat(s.get("http").get("bind_addr").asString()).isEqualTo("127.0.0.1:" + node.httpPort());
        assertThat(s.get("http").get("auth").asString()).isEqualTo("disabled");
        assertThat(s.get("http").get("tls").get("enabled").asString()).isEqualTo("false");
        JsonNode q = s.get("http").get("queue").get("_default");
        assertThat(q.get("max_size").asLong()).isEqualTo(1024);
        assertThat(q.get("batch_size").asLong()).isEqualTo(128);
        assertThat(q.get("timeout").asString()).isEqualTo("50ms");
        assertThat(q.get("sequence_number").isIntegralNumber()).isTrue();
        assertThat(s.get("node").get("start_time").asString()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
        assertThat(s.get("node").get("current_time").asString()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
        assertThat(s.get("node").get("uptime").asString()).matches("[0-9hms.µn]+");
        assertThat(s.get("runtime").get("num_cpu").asInt()).isPositive();
        assertThat(s.get("runtime").get("GOMAXPROCS").asInt()).isPositive();
    }

    @Test
    void staysReadyUnderAWriteLoad() throws Exception {
        api.execute("[\"CREATE TABLE IF NOT EXISTS status_ready_load (v INTEGER)\"]");
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger writes = new AtomicInteger();
        ExecutorService writers = Executors.newFixedThreadPool(32);
        try {
            for (int t = 0; t < 32; t++) {
                writers.submit(() -> {
                    while (!stop.get()) {
                        api.post("/db/execute", "[[\"INSERT INTO status_ready_load(v) VALUES(?)\", 1]]");
                        writes.incrementAndGet();
                    }
                    return null;
                });
            }
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (writes.get() < 200 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            Map<Integer, Integer> readyz = new LinkedHashMap<>();
            Map<Integer, Integer> probe = new LinkedHashMap<>();
            for (int i = 0; i < 200; i++) {
                readyz.merge(api.get("/readyz").status(), 1, Integer::sum);
                probe.merge(api.get("/actuator/health/readiness").status(), 1, Integer::sum);
            }
            // A steady write load keeps the state machine an entry or a few behind the commit index;
            // that is not a reason to take the node out of a Service.
            assertThat(readyz).as("/readyz statuses during %d writes", writes.get()).containsOnlyKeys(200);
            assertThat(probe).as("readiness group statuses").containsOnlyKeys(200);
        } finally {
            stop.set(true);
            writers.shutdown();
            assertThat(writers.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void storeSectionHasEveryFieldTheE2eHelpersRead() {
        JsonNode store = status().get("store");
        assertThat(store.get("ready").asBoolean()).isTrue();
        assertThat(store.get("node_id").asString()).isEqualTo(raftAddr()); // -node-id defaults to the Raft address
        assertThat(store.get("addr").asString()).isEqualTo(raftAddr());
        assertThat(store.get("leader").get("addr").asString()).isEqualTo(raftAddr());
        assertThat(store.get("leader").get("node_id").asString()).isEqualTo(raftAddr());
        assertThat(store.get("nodes")).hasSize(1);
        assertThat(store.get("nodes").get(0).get("suffrage").asString()).isEqualTo("voter");

        JsonNode raft = store.get("raft");
        assertThat(raft.get("state").asString()).isEqualTo("Leader");
        assertThat(raft.get("voter").isBoolean()).isTrue();
        assertThat(raft.get("voter").asBoolean()).isTrue();
        assertThat(raft.get("term").asLong()).isPositive();
        for (String f : List.of("commit_index", "applied_index", "fsm_pending", "last_log_index", "last_snapshot_index")) {
            assertThat(raft.get(f)).as("store.raft.%s", f).isNotNull();
            assertThat(raft.get(f).isIntegralNumber()).as("store.raft.%s is a number", f).isTrue();
        }
        assertThat(raft.get("commit_index").asLong()).isPositive();
        assertThat(raft.get("applied_index").asLong()).isLessThanOrEqualTo(raft.get("last_log_index").asLong());
        assertThat(raft.get("fsm_pending").asLong()).isGreaterThanOrEqualTo(0);
        assertThat(store.get("fsm_index").isIntegralNumber()).isTrue();
        assertThat(store.get("db_applied_index").isIntegralNumber()).isTrue();

        JsonNode sqlite = store.get("sqlite3");
        Path path = Path.of(sqlite.get("path").asString());
        assertThat(path).isAbsolute().startsWith(node.dataDir().toAbsolutePath());
        assertThat(Files.isRegularFile(path)).as("%s exists", path).isTrue();

        assertThat(store.get("snapshot_store").get("snapshots").isArray()).isTrue();
        assertThat(status().get("extensions").get("names").isArray()).isTrue();
    }

    @Test
    void sqlitePragmasAreExactlyRqlites() {
        JsonNode pragmas = status().get("store").get("sqlite3").get("pragmas");
        Map<String, String> rw = Map.of("busy_timeout", "5000", "foreign_keys", "0", "journal_mode", "wal",
                "synchronous", "0", "wal_autocheckpoint", "0");
        Map<String, String> ro = new LinkedHashMap<>(rw);
        ro.put("wal_autocheckpoint", "1000");
        assertThat(strings(pragmas.get("rw"))).as("rw pragmas").isEqualTo(rw);
        assertThat(strings(pragmas.get("ro"))).as("ro pragmas").isEqualTo(ro);
    }

    private static Map<String, String> strings(JsonNode object) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : object.properties()) {
            assertThat(e.getValue().isString()).as("%s is a string", e.getKey()).isTrue();
            out.put(e.getKey(), e.getValue().asString());
        }
        return out;
    }

    @Test
    void keySelectsASubPathAndMissingKeysGiveAnEmptyObject() {
        Api.Response r = api.get("/status?key=store.raft.state");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("\"Leader\"");
        assertThat(api.get("/status?key=store.leader").json().get("addr").asString()).isEqualTo(raftAddr());
        assertThat(api.get("/status?key=missing").body()).isEqualTo("{}");
        assertThat(api.get("/status?key=store.nope.deeper").body()).isEqualTo("{}");
        // A non-object part ends the walk and returns that value.
        assertThat(api.get("/status?key=store.raft.state.beyond").body()).isEqualTo("\"Leader\"");
        // Junk parameters (rqlite-js sends these) are ignored.
        Api.Response junk = api.get("/status?q%5BuseLeader%5D=true&q%5BactiveHostIndex%5D=0");
        assertThat(junk.status()).isEqualTo(200);
        assertThat(junk.json().get("store").get("ready").asBoolean()).isTrue();
    }

    @Test
    void prettyIndentsWithFourSpaces() {
        Api.Response r = api.get("/status?pretty");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).startsWith("{\n    \"build\": {\n        \"");
        assertThat(r.json().get("store").get("raft").get("state").asString()).isEqualTo("Leader");
        assertThat(api.get("/status?key=store.leader&pretty").body())
                .isEqualTo("{\n    \"node_id\": \"" + raftAddr() + "\",\n    \"addr\": \"" + raftAddr() + "\"\n}");
    }

    @Test
    void indexesIncreaseAfterWrites() {
        api.execute("[\"CREATE TABLE IF NOT EXISTS status_idx (id INTEGER PRIMARY KEY, v TEXT)\"]");
        JsonNode before = status().get("store");
        api.execute("[[\"INSERT INTO status_idx(v) VALUES(?)\", \"a\"]]");
        JsonNode after = status().get("store");
        for (String f : List.of("commit_index", "applied_index", "last_log_index")) {
            assertThat(after.get("raft").get(f).asLong()).as("store.raft.%s", f)
                    .isGreaterThan(before.get("raft").get(f).asLong());
        }
        assertThat(after.get("fsm_index").asLong()).isGreaterThan(before.get("fsm_index").asLong());
        assertThat(after.get("db_applied_index").asLong()).isGreaterThan(before.get("db_applied_index").asLong());
    }

    @Test
    void queueSequenceNumberReportsTheLastWrittenBatch() {
        api.execute("[\"CREATE TABLE IF NOT EXISTS status_queue (id INTEGER PRIMARY KEY)\"]");
        Api.Response r = api.post("/db/execute?queue&wait", "[\"INSERT INTO status_queue DEFAULT VALUES\"]");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        long seq = r.json().get("sequence_number").asLong();
        assertThat(seq).isPositive();
        long reported = Long.parseLong(api.get("/status?key=http.queue._default.sequence_number").body());
        assertThat(reported).isGreaterThanOrEqualTo(seq);
    }

    @Test
    void nodesLegacyAndVersion2Shapes() {
        String version = api.get("/status").header("X-RQLITE-VERSION");
        Api.Response legacy = api.get("/nodes");
        assertThat(legacy.status()).isEqualTo(200);
        assertThat(legacy.header("Content-Type")).startsWith("application/json");
        JsonNode map = legacy.json();
        assertThat(names(map)).containsExactly(raftAddr());
        assertSelf(map.get(raftAddr()), version);

        JsonNode v2 = api.get("/nodes?ver=2").json();
        assertThat(names(v2)).containsExactly("nodes");
        assertThat(v2.get("nodes")).hasSize(1);
        assertSelf(v2.get("nodes").get(0), version);

        assertThat(names(api.get("/nodes?nonvoters").json())).containsExactly(raftAddr());
    }

    private void assertSelf(JsonNode n, String version) {
        assertThat(n.get("id").asString()).isEqualTo(raftAddr());
        assertThat(n.get("api_addr").asString()).isEqualTo("http://127.0.0.1:" + node.httpPort());
        assertThat(n.get("addr").asString()).isEqualTo(raftAddr());
        assertThat(n.get("version").asString()).isEqualTo(version);
        assertThat(n.get("voter").asBoolean()).isTrue();
        assertThat(n.get("reachable").asBoolean()).isTrue();
        assertThat(n.get("leader").asBoolean()).isTrue();
        assertThat(n.get("time").isNumber()).isTrue();
        assertThat(n.get("time_s").isString()).isTrue();
        assertThat(n.has("error")).isFalse();
    }

    private static List<String> names(JsonNode object) {
        List<String> out = new ArrayList<>();
        object.properties().forEach(e -> out.add(e.getKey()));
        return out;
    }

    @Test
    void getLeaderDescribesThisNode() {
        Api.Response r = api.get("/leader");
        assertThat(r.status()).isEqualTo(200);
        assertSelf(r.json(), r.header("X-RQLITE-VERSION"));
    }

    @Test
    void stepdownOfASingleNodeIsAClientError() {
        // A single node has no one to hand leadership to: the request conflicts with the cluster's
        // state (409), and the node stays leader. rqlite answers 500.
        Api.Response r = api.post("/leader?wait", "");
        assertThat(r.status()).as(r.body()).isEqualTo(409);
        assertThat(r.body()).isEqualTo("stepdown: no other voter to hand leadership to\n");
        assertThat(api.get("/readyz").status()).isEqualTo(200);
        Api.Response unknown = api.post("/leader?wait", "{\"id\":\"nobody\"}");
        assertThat(unknown.status()).as(unknown.body()).isEqualTo(400);
    }

    @Test
    void readyzIsPlainText() {
        Api.Response ready = api.get("/readyz");
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.header("Content-Type")).startsWith("text/plain");
        assertThat(ready.body().lines().toList()).containsExactly("[+]node ok", "[+]leader ok", "[+]store ok", "[+]db ok");

        Api.Response noleader = api.get("/readyz?noleader");
        assertThat(noleader.status()).isEqualTo(200);
        assertThat(noleader.body().lines().toList()).containsExactly("[+]node ok");

        Api.Response sync = api.get("/readyz?sync&timeout=5s");
        assertThat(sync.status()).isEqualTo(200);
        assertThat(sync.body().lines().toList())
                .containsExactly("[+]node ok", "[+]leader ok", "[+]store ok", "[+]sync ok", "[+]db ok");

        assertThat(api.get("/readyz?timeout=forever").status()).isEqualTo(400);
    }

    @Test
    void debugVarsHasTheCountersE2eHelpersRead() {
        Api.Response r = api.get("/debug/vars");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Content-Type")).startsWith("application/json");
        JsonNode vars = r.json();
        assertThat(vars.get("cmdline").isArray()).isTrue();
        assertThat(vars.get("cmdline").size()).isGreaterThan(1);
        assertThat(vars.get("memstats").isObject()).isTrue();
        assertThat(vars.get("store").get("num_snapshots").isIntegralNumber()).isTrue();
        assertThat(vars.get("cluster").get("num_join_req").isIntegralNumber()).isTrue();
        for (String c : List.of("num_uploads_ok", "num_uploads_fail", "num_uploads_skipped", "num_uploads_skipped_id")) {
            assertThat(vars.get("uploader").get(c).isIntegralNumber()).as("uploader.%s", c).isTrue();
        }

        long executions = vars.get("http").get("executions").asLong();
        api.execute("[\"CREATE TABLE IF NOT EXISTS status_vars (id INTEGER PRIMARY KEY)\"]");
        assertThat(api.get("/debug/vars").json().get("http").get("executions").asLong()).isGreaterThan(executions);

        JsonNode only = api.get("/debug/vars?key=store").json();
        assertThat(names(only)).containsExactly("store");
        assertThat(api.get("/debug/vars?key=nothing").body()).isEqualTo("{}");
        // expvar answers any method.
        assertThat(api.method("POST", "/debug/vars?key=store", null, null).json().has("store")).isTrue();
    }

    @Test
    void licensesIsText() {
        Api.Response r = api.get("/licenses");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Content-Type")).startsWith("text/plain");
        assertThat(r.body()).contains("SQLite");
        assertThat(api.method("POST", "/licenses", null, new byte[0]).status()).isEqualTo(405);
    }
}
