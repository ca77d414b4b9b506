package io.raftlite.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The HTTP API through a 3-node cluster of separate JVMs on loopback (spec 2.8, 3, 6.1, 6.2, 8.4,
 * 8.7): one cluster forms whichever node starts first; every node takes writes and reads at every
 * level (followers forward transparently, or answer 301 with {@code redirect}); without a quorum
 * a node says {@code leader not found} but still serves {@code level=none}. Tests run in order on
 * one cluster; the destructive ones (kill, loss of quorum) come last and restore the cluster.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {
    private static final String SERVED_BY = "X-RQLITE-SERVED-BY";
    private static final String ROWS = "SELECT id, node FROM clusterit_w ORDER BY id";

    @TempDir
    static Path dir;
    private static LoopbackCluster cluster;

    /**
     * Node n2 starts first and runs alone for 5 s (it must not form a cluster by itself), then n0
     * and n1 follow.
     */
    @BeforeAll
    static void form() {
        cluster = new LoopbackCluster(dir, 3, i -> List.of());
        try {
            NodeProcess first = cluster.launch(2);
            LoopbackCluster.poll("n2 to answer HTTP", LoopbackCluster.START, () -> {
                assertThat(first.isAlive()).as("n2 running:\n%s", first.tailLog()).isTrue();
                return answers(first) ? Boolean.TRUE : null;
            });
            long aloneUntil = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (System.nanoTime() < aloneUntil) {
                Api.Response ready = new Api(first).get("/readyz");
                assertThat(ready.status()).as("a lone node expecting 3 must not be ready: %s", ready.body()).isEqualTo(503);
                JsonNode store = cluster.store(2);
                assertThat(store).as("n2 /status").isNotNull();
                assertThat(store.path("leader").path("addr").asString("")).as("lone node's leader").isEmpty();
                NodeProcess.sleep(250);
            }
            cluster.launch(0);
            cluster.launch(1);
            cluster.awaitAllReady();
        } catch (RuntimeException | AssertionError e) {
            cluster.close();
            throw e;
        }
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static boolean answers(NodeProcess p) {
        try {
            new Api(p).get("/status?key=store");
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    // ---------------------------------------------------------------- formation

    @Test
    @Order(1)
    void exactlyOneLeaderThatEveryNodeNames() {
        int leader = cluster.awaitLeader();
        int leaders = 0;
        for (int i = 0; i < 3; i++) {
            JsonNode s = cluster.store(i);
            assertThat(s.path("leader").path("addr").asString()).as("n%d store.leader.addr", i)
                    .isEqualTo(cluster.raftAddress(leader));
            assertThat(s.path("node_id").asString()).isEqualTo("n" + i);
            assertThat(s.path("addr").asString()).isEqualTo(cluster.raftAddress(i));
            assertThat(s.path("raft").path("voter").asBoolean(false)).as("n%d store.raft.voter", i).isTrue();
            if ("Leader".equals(s.path("raft").path("state").asString())) {
                leaders++;
            } else {
                assertThat(s.path("raft").path("state").asString()).isEqualTo("Follower");
            }
        }
        assertThat(leaders).isEqualTo(1);
        // store.nodes: the 3 members with their IDs (learned from the peers) and suffrage.
        for (int i = 0; i < 3; i++) {
            int node = i;
            LoopbackCluster.poll("n" + i + " store.nodes with IDs n0..n2", LoopbackCluster.SETTLE, () -> {
                JsonNode nodes = cluster.store(node).path("nodes");
                if (nodes.size() != 3) {
                    return null;
                }
                Set<String> seen = new TreeSet<>();
                for (JsonNode n : nodes) {
                    int idx = cluster.indexOfRaft(n.path("addr").asString());
                    if (idx < 0 || !n.path("id").asString().equals("n" + idx) || !"voter".equals(n.path("suffrage").asString())) {
                        return null;
                    }
                    seen.add(n.path("id").asString());
                }
                return seen.equals(Set.of("n0", "n1", "n2")) ? Boolean.TRUE : null;
            });
            assertThat(cluster.store(i).path("leader").path("node_id").asString()).isEqualTo("n" + leader);
        }
    }

    // ---------------------------------------------------------------- writes and reads through every node

    @Test
    @Order(2)
    void writesThroughEveryNodeAnswerAsTheLeaderWould() {
        int leader = cluster.awaitLeader();
        Api.Response created = cluster.api(cluster.follower(leader, 0)).post("/db/execute",
                "[\"CREATE TABLE clusterit_w (id INTEGER NOT NULL PRIMARY KEY, node TEXT)\"]");
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        assertThat(created.body()).isEqualTo("{\"results\":[{}]}");

        for (int i = 0; i < 3; i++) {
            Api.Response r = cluster.api(i).post("/db/execute", "[[\"INSERT INTO clusterit_w(node) VALUES(?)\", \"n" + i + "\"]]");
            assertThat(r.status()).as("write through n%d: %s", i, r.body()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("{\"results\":[{\"last_insert_id\":" + (i + 1) + ",\"rows_affected\":1}]}");
            assertThat(r.header("Content-Type")).startsWith("application/json");
            assertThat(r.header("X-RQLITE-VERSION")).as("the receiving node's version header").isNotBlank();
            assertThat(r.header(SERVED_BY)).as("served-by of a write through n%d", i)
                    .isEqualTo(i == leader ? cluster.httpAddress(i) : cluster.raftAddress(leader));
        }

        // SQL errors and formatting flags come back exactly as the leader renders them.
        String bad = "[\"INSERT INTO clusterit_nosuch VALUES(1)\", [\"INSERT INTO clusterit_w(node) VALUES(?)\"]]";
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Api.Response r = cluster.api(i).post("/db/execute?pretty&transaction", bad);
            assertThat(r.status()).isEqualTo(200);
            bodies.add(r.body());
        }
        assertThat(bodies.get(0)).contains("no such table: clusterit_nosuch").contains("\n    ");
        assertThat(bodies).as("the same failing batch through n0, n1, n2").containsOnly(bodies.get(leader));
    }

    @Test
    @Order(3)
    void readsAtEveryLevelThroughEveryNode() {
        int leader = cluster.awaitLeader();
        String expected = "[[1,\"n0\"],[2,\"n1\"],[3,\"n2\"]]";
        for (int i = 0; i < 3; i++) {
            // level=none may be stale: poll, then check it was served locally.
            cluster.awaitLocalValues(i, ROWS, expected);
            Api.Response none = cluster.query(i, ROWS, "level=none");
            assertThat(none.header(SERVED_BY)).isEqualTo(cluster.httpAddress(i));

            // freshness bounds a follower's local read by the time since it last heard from the
            // leader (heartbeats come every few hundred ms at most); the leader ignores it.
            Api.Response fresh = cluster.query(i, ROWS, "level=none&freshness=1m");
            assertThat(fresh.status()).as("n%d freshness=1m: %s", i, fresh.body()).isEqualTo(200);
            assertThat(fresh.json().path("results").path(0).path("values")).as("n%d freshness=1m", i)
                    .isEqualTo(Api.parse(expected));
            assertThat(fresh.header(SERVED_BY)).isEqualTo(cluster.httpAddress(i));
            if (i == leader) {
                Api.Response any = cluster.query(i, ROWS, "level=none&freshness=1ns");
                assertThat(any.json().path("results").path(0).path("values")).isEqualTo(Api.parse(expected));
            } else {
                // Stale unless a heartbeat arrived within the same millisecond: poll for the answer.
                int node = i;
                LoopbackCluster.poll("n" + node + " to answer stale read at freshness=1ns", LoopbackCluster.SETTLE, () -> {
                    Api.Response r = cluster.query(node, ROWS, "level=none&freshness=1ns");
                    assertThat(r.status()).isEqualTo(200);
                    return "stale read".equals(r.json().path("error").asString()) ? Boolean.TRUE : null;
                });
            }

            for (String level : List.of("weak", "linearizable", "strong", "auto", "")) {
                Api.Response r = cluster.query(i, ROWS, level.isEmpty() ? "" : "level=" + level);
                assertThat(r.status()).as("n%d level=%s: %s", i, level, r.body()).isEqualTo(200);
                assertThat(r.json().path("results").path(0).path("values"))
                        .as("n%d level=%s", i, level).isEqualTo(Api.parse(expected));
                assertThat(r.json().path("results").path(0).path("columns")).isEqualTo(Api.parse("[\"id\",\"node\"]"));
                if (!level.equals("linearizable")) { // a follower may serve that itself after the read-index round
                    assertThat(r.header(SERVED_BY)).as("served-by n%d level=%s", i, level)
                            .isEqualTo(i == leader ? cluster.httpAddress(i) : cluster.raftAddress(leader));
                }
            }

            // POST form, several statements, associative rendering, through every node.
            Api.Response post = cluster.api(i).post("/db/query?associative&level=weak",
                    "[\"SELECT COUNT(*) AS n FROM clusterit_w\", [\"SELECT node FROM clusterit_w WHERE id = ?\", 2]]");
            assertThat(post.status()).isEqualTo(200);
            assertThat(post.json().path("results").path(0).path("rows")).isEqualTo(Api.parse("[{\"n\":3}]"));
            assertThat(post.json().path("results").path(1).path("rows")).isEqualTo(Api.parse("[{\"node\":\"n1\"}]"));
        }
    }

    @Test
    @Order(4)
    void mixedRequestBatchThroughAFollower() {
        int leader = cluster.awaitLeader();
        int f = cluster.follower(leader, 1);
        Api.Response r = cluster.api(f).post("/db/request",
                "[[\"INSERT INTO clusterit_w(node) VALUES(?)\", \"request\"], \"SELECT COUNT(*) FROM clusterit_w\"]");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json()).isEqualTo(Api.parse("{\"results\":[{\"last_insert_id\":4,\"rows_affected\":1},"
                + "{\"columns\":[\"COUNT(*)\"],\"types\":[\"integer\"],\"values\":[[4]]}]}"));
        assertThat(r.header(SERVED_BY)).isEqualTo(cluster.raftAddress(leader));

        // An all-read batch at level none is served by the follower itself.
        LoopbackCluster.poll("n" + f + " to see 4 rows through /db/request?level=none", LoopbackCluster.SETTLE, () -> {
            Api.Response local = cluster.api(f).post("/db/request?level=none", "[\"SELECT COUNT(*) FROM clusterit_w\"]");
            return local.status() == 200 && local.json().path("results").path(0).path("values").equals(Api.parse("[[4]]"))
                    && cluster.httpAddress(f).equals(local.header(SERVED_BY)) ? Boolean.TRUE : null;
        });
    }

    @Test
    @Order(5)
    void queuedWriteThroughAFollowerLands() {
        int leader = cluster.awaitLeader();
        int f = cluster.follower(leader, 0);
        assertThat(cluster.api(f).post("/db/execute", "[\"CREATE TABLE clusterit_q (id INTEGER PRIMARY KEY, v TEXT)\"]").status())
                .isEqualTo(200);
        Api.Response r = cluster.api(f).post("/db/execute?queue&wait&timeout=30s",
                "[[\"INSERT INTO clusterit_q(v) VALUES(?)\", \"queued-1\"], [\"INSERT INTO clusterit_q(v) VALUES(?)\", \"queued-2\"]]");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().path("results")).isEqualTo(Api.parse("[]"));
        assertThat(r.json().path("sequence_number").asLong()).isPositive();
        // Written by the time wait returns: a weak read (on the leader) sees both rows.
        Api.Response read = cluster.query(f, "SELECT v FROM clusterit_q ORDER BY id", "level=weak");
        assertThat(read.json().path("results").path(0).path("values")).isEqualTo(Api.parse("[[\"queued-1\"],[\"queued-2\"]]"));
        for (int i = 0; i < 3; i++) {
            cluster.awaitLocalValues(i, "SELECT v FROM clusterit_q ORDER BY id", "[[\"queued-1\"],[\"queued-2\"]]");
        }
    }

    @Test
    @Order(6)
    void backupFromAFollowerIsTheLeadersAndLoadThroughAFollowerReachesEveryNode() {
        int leader = cluster.awaitLeader();
        int f = cluster.follower(leader, 1);
        Api.Response sql = cluster.api(f).get("/db/backup?fmt=sql");
        assertThat(sql.status()).isEqualTo(200);
        assertThat(sql.header(SERVED_BY)).isEqualTo(cluster.raftAddress(leader));
        assertThat(sql.header("Content-Type")).startsWith("application/sql");
        assertThat(sql.body()).contains("CREATE TABLE clusterit_w", "INSERT INTO \"clusterit_w\" VALUES(1,'n0');",
                "INSERT INTO \"clusterit_w\" VALUES(4,'request');", "INSERT INTO \"clusterit_q\" VALUES(2,'queued-2');");
        // With noleader the follower answers from its own copy.
        assertThat(cluster.api(f).get("/db/backup?fmt=sql&noleader").header(SERVED_BY)).isEqualTo(cluster.httpAddress(f));

        Api.Response binary = cluster.api(f).get("/db/backup");
        assertThat(binary.status()).isEqualTo(200);
        assertThat(binary.header(SERVED_BY)).isEqualTo(cluster.raftAddress(leader));
        assertThat(binary.header("Content-Type")).startsWith("application/octet-stream");
        assertThat(new String(binary.bytes(), 0, 16, StandardCharsets.ISO_8859_1)).isEqualTo("SQLite format 3\0");

        // A row written after the backup disappears on every node once the backup is loaded through a follower.
        assertThat(cluster.api(leader).post("/db/execute", "[\"INSERT INTO clusterit_w(node) VALUES('after-backup')\"]").status())
                .isEqualTo(200);
        Api.Response load = cluster.api(f).post("/db/load", "application/octet-stream", binary.bytes());
        assertThat(load.status()).as(load.body()).isEqualTo(200);
        assertThat(load.body()).isEqualTo("{\"results\":[]}");
        assertThat(load.header(SERVED_BY)).isEqualTo(cluster.raftAddress(leader));
        for (int i = 0; i < 3; i++) {
            cluster.awaitLocalValues(i, "SELECT COUNT(*) FROM clusterit_w", "[[4]]");
        }

        // SQL text through a follower: one multi-statement write, the reply describes its last statement.
        Api.Response text = cluster.api(f).post("/db/load", "text/plain",
                "CREATE TABLE clusterit_load (x);INSERT INTO clusterit_load VALUES(1);INSERT INTO clusterit_load VALUES(2)"
                        .getBytes(StandardCharsets.UTF_8));
        assertThat(text.status()).as(text.body()).isEqualTo(200);
        assertThat(text.body()).isEqualTo("{\"results\":[{\"last_insert_id\":2,\"rows_affected\":1}]}");
        assertThat(text.header(SERVED_BY)).isEqualTo(cluster.raftAddress(leader));
        for (int i = 0; i < 3; i++) {
            cluster.awaitLocalValues(i, "SELECT x FROM clusterit_load ORDER BY x", "[[1],[2]]");
        }
    }

    // ---------------------------------------------------------------- redirect

    @Test
    @Order(7)
    void redirectAnswers301ToTheLeaderWithPathAndRawQuery() {
        int leader = cluster.awaitLeader();
        int f = cluster.follower(leader, 0);
        String insert = "[\"INSERT INTO clusterit_w(node) VALUES('redirected')\"]";
        String query = "/db/execute?redirect&pretty&tag=a%20b%2Fc+d";

        Api.Response r = cluster.api(f).post(query, insert);
        assertThat(r.status()).isEqualTo(301);
        assertThat(r.header("Location")).isEqualTo(cluster.apiUrl(leader) + query);
        assertThat(countThroughLeader(leader)).as("a 301 writes nothing").isEqualTo(4);

        for (String path : List.of("/db/query?q=SELECT%201&redirect", "/db/query?q=SELECT+1&level=strong&redirect",
                "/db/backup?redirect&fmt=sql")) {
            Api.Response g = cluster.api(f).get(path);
            assertThat(g.status()).as(path).isEqualTo(301);
            assertThat(g.header("Location")).as(path).isEqualTo(cluster.apiUrl(leader) + path);
        }
        Api.Response req = cluster.api(f).post("/db/request?redirect", "[\"SELECT 1\"]");
        assertThat(req.status()).isEqualTo(301);
        assertThat(req.header("Location")).isEqualTo(cluster.apiUrl(leader) + "/db/request?redirect");
        Api.Response load = cluster.api(f).post("/db/load?redirect", "text/plain", "SELECT 1".getBytes(StandardCharsets.UTF_8));
        assertThat(load.status()).isEqualTo(301);
        assertThat(load.header("Location")).isEqualTo(cluster.apiUrl(leader) + "/db/load?redirect");

        // level=none needs no leader: served locally even with redirect.
        Api.Response none = cluster.query(f, "SELECT 1", "level=none&redirect");
        assertThat(none.status()).isEqualTo(200);
        assertThat(none.header(SERVED_BY)).isEqualTo(cluster.httpAddress(f));

        // Following the redirect, as clients do (same method and body), writes once.
        Api.Response followed = new Api(cluster.node(leader)).send(HttpRequest.newBuilder(URI.create(r.header("Location")))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(insert)));
        assertThat(followed.status()).isEqualTo(200);
        assertThat(followed.json().path("results").path(0).path("rows_affected").asInt()).isEqualTo(1);
        assertThat(followed.body()).contains("\n    "); // pretty travelled in the query string
        assertThat(countThroughLeader(leader)).isEqualTo(5);

        // The leader itself answers normally.
        Api.Response direct = cluster.api(leader).post("/db/execute?redirect", "[\"DELETE FROM clusterit_w WHERE node = 'redirected'\"]");
        assertThat(direct.status()).isEqualTo(200);
        assertThat(direct.json().path("results").path(0).path("rows_affected").asInt()).isEqualTo(1);
        assertThat(direct.header(SERVED_BY)).isEqualTo(cluster.httpAddress(leader));
        assertThat(cluster.query(leader, "SELECT 1", "redirect").status()).isEqualTo(200);
        assertThat(countThroughLeader(leader)).isEqualTo(4);
    }

    private static long countThroughLeader(int leader) {
        Api.Response r = cluster.query(leader, "SELECT COUNT(*) FROM clusterit_w", "level=strong");
        assertThat(r.status()).isEqualTo(200);
        return r.json().path("results").path(0).path("values").path(0).path(0).asLong();
    }

    // ---------------------------------------------------------------- rewriting

    @Test
    @Order(8)
    void nonDeterministicValuesAreIdenticalOnEveryNode() {
        int leader = cluster.awaitLeader();
        int f0 = cluster.follower(leader, 0);
        int f1 = cluster.follower(leader, 1);
        assertThat(cluster.api(f0).post("/db/execute",
                "[\"CREATE TABLE clusterit_rw (id INTEGER PRIMARY KEY, r INTEGER, t TEXT, b BLOB)\"]").status()).isEqualTo(200);
        String insert = "INSERT INTO clusterit_rw(r, t, b) VALUES(random(), datetime('now'), randomblob(8))";
        Api.Response viaExecute = cluster.api(f0).post("/db/execute", "[\"" + insert + "\"]");
        assertThat(viaExecute.status()).as(viaExecute.body()).isEqualTo(200);
        assertThat(viaExecute.json().path("results").path(0).path("rows_affected").asInt()).isEqualTo(1);
        Api.Response viaRequest = cluster.api(f1).post("/db/request", "[\"" + insert + "\"]");
        assertThat(viaRequest.json().path("results").path(0).path("rows_affected").asInt()).isEqualTo(1);
        Api.Response viaQueue = cluster.api(f1).post("/db/execute?queue&wait", "[\"" + insert + "\"]");
        assertThat(viaQueue.status()).as(viaQueue.body()).isEqualTo(200);

        String select = "SELECT id, r, t, hex(b) FROM clusterit_rw ORDER BY id";
        JsonNode reference = LoopbackCluster.poll("3 rows on the leader", LoopbackCluster.SETTLE, () -> {
            JsonNode v = cluster.localValues(leader, select);
            return v != null && v.size() == 3 ? v : null;
        });
        for (JsonNode row : reference) {
            assertThat(row.path(1).isIntegralNumber()).as("random() gave an integer: %s", row).isTrue();
            assertThat(row.path(2).asString()).matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d");
            assertThat(row.path(3).asString()).matches("[0-9A-F]{16}");
        }
        assertThat(new HashSet<>(List.of(reference.path(0).path(1), reference.path(1).path(1),
                reference.path(2).path(1)))).as("three independent random() values").hasSize(3);
        for (int i = 0; i < 3; i++) {
            cluster.awaitLocalValues(i, select, reference.toString());
        }
    }

    // ---------------------------------------------------------------- membership views

    @Test
    @Order(9)
    void nodesListsEveryMemberOnEveryNode() {
        int leader = cluster.awaitLeader();
        for (int i = 0; i < 3; i++) {
            Api.Response legacy = cluster.api(i).get("/nodes");
            assertThat(legacy.status()).isEqualTo(200);
            JsonNode byId = legacy.json();
            assertThat(names(byId)).containsExactly("n0", "n1", "n2");
            for (int n = 0; n < 3; n++) {
                assertMember(byId.path("n" + n), n, leader);
            }

            Api.Response v2 = cluster.api(i).get("/nodes?ver=2");
            assertThat(v2.status()).isEqualTo(200);
            JsonNode list = v2.json().path("nodes");
            assertThat(list.size()).isEqualTo(3);
            for (int n = 0; n < 3; n++) {
                assertThat(list.path(n).path("id").asString()).as("ver=2 sorted by id").isEqualTo("n" + n);
                assertMember(list.path(n), n, leader);
            }
        }
    }

    private static List<String> names(JsonNode object) {
        List<String> out = new ArrayList<>();
        object.propertyNames().forEach(out::add);
        return out;
    }

    private static void assertMember(JsonNode n, int index, int leader) {
        assertThat(n.path("id").asString()).isEqualTo("n" + index);
        assertThat(n.path("addr").asString()).isEqualTo(cluster.raftAddress(index));
        assertThat(n.path("api_addr").asString()).isEqualTo(cluster.apiUrl(index));
        assertThat(n.path("reachable").asBoolean(false)).as("%s reachable", n).isTrue();
        assertThat(n.path("voter").asBoolean(false)).isTrue();
        assertThat(n.path("leader").asBoolean(true)).as("%s leader", n).isEqualTo(index == leader);
        assertThat(n.path("version").asString()).isNotEmpty();
        assertThat(n.path("time").isNumber()).isTrue();
        assertThat(n.has("error")).as("%s has no error", n).isFalse();
    }

    // ---------------------------------------------------------------- failures (last: they disturb the cluster)

    @Test
    @Order(10)
    void aKilledNodeIsUnreachableInNodesAndCatchesUpWhenBack() {
        int leader = cluster.awaitLeader();
        int victim = cluster.follower(leader, 0);
        int other = cluster.follower(leader, 1);
        cluster.node(victim).kill();

        JsonNode down = LoopbackCluster.poll("/nodes on the leader to show n" + victim + " unreachable", LoopbackCluster.SETTLE, () -> {
            JsonNode nodes = cluster.api(leader).get("/nodes?timeout=3s").json();
            return nodes.path("n" + victim).path("reachable").asBoolean(true) ? null : nodes;
        });
        JsonNode dead = down.path("n" + victim);
        assertThat(dead.path("error").asString()).as("%s", dead).isNotBlank();
        assertThat(dead.has("api_addr")).isFalse();
        assertThat(dead.path("version").asString()).isEmpty();
        assertThat(dead.path("addr").asString()).isEqualTo(cluster.raftAddress(victim));
        assertThat(dead.path("leader").asBoolean(true)).isFalse();
        assertThat(down.path("n" + leader).path("reachable").asBoolean(false)).isTrue();
        assertThat(down.path("n" + other).path("reachable").asBoolean(false)).isTrue();
        JsonNode v2 = cluster.api(other).get("/nodes?ver=2&timeout=3s").json().path("nodes");
        assertThat(v2.path(victim).path("reachable").asBoolean(true)).isFalse();

        // Two of three still make a quorum: a write through the other follower works meanwhile.
        Api.Response w = cluster.api(other).post("/db/execute", "[\"INSERT INTO clusterit_w(node) VALUES('while-down')\"]");
        assertThat(w.status()).as(w.body()).isEqualTo(200);
        assertThat(w.json().path("results").path(0).path("rows_affected").asInt()).isEqualTo(1);

        cluster.node(victim).relaunch();
        cluster.node(victim).awaitReady(LoopbackCluster.START);
        cluster.awaitLocalValues(victim, "SELECT node FROM clusterit_w WHERE node = 'while-down'", "[[\"while-down\"]]");
        LoopbackCluster.poll("every node reachable again", LoopbackCluster.SETTLE, () -> {
            JsonNode nodes = cluster.api(leader).get("/nodes?timeout=3s").json();
            for (int n = 0; n < 3; n++) {
                if (!nodes.path("n" + n).path("reachable").asBoolean(false)) {
                    return null;
                }
            }
            return Boolean.TRUE;
        });
    }

    @Test
    @Order(11)
    void withoutAQuorumTheSurvivorSaysLeaderNotFoundButServesLevelNone() {
        int leader = cluster.awaitLeader();
        int survivor = leader; // the hardest case: the leader itself must notice it lost its quorum
        int f0 = cluster.follower(leader, 0);
        int f1 = cluster.follower(leader, 1);
        cluster.awaitLocalValues(survivor, "SELECT COUNT(*) FROM clusterit_w", "[[5]]");
        cluster.node(f0).stop();
        cluster.node(f1).stop();

        LoopbackCluster.poll("n" + survivor + " to lose its leader", LoopbackCluster.SETTLE, () -> {
            JsonNode s = cluster.store(survivor);
            return s != null && s.path("leader").path("addr").asString("x").isEmpty() ? Boolean.TRUE : null;
        });
        Api api = cluster.api(survivor);
        Api.Response write = api.post("/db/execute", "[\"INSERT INTO clusterit_w(node) VALUES('no-quorum')\"]");
        assertThat(write.status()).isEqualTo(503);
        assertThat(write.body()).isEqualTo("leader not found\n");
        assertThat(write.header("Content-Type")).startsWith("text/plain");
        Api.Response weak = cluster.query(survivor, "SELECT COUNT(*) FROM clusterit_w", "level=weak");
        assertThat(weak.status()).isEqualTo(503);
        assertThat(weak.body()).isEqualTo("leader not found\n");
        // redirect needs the leader's URL, which nobody can give now: 503 like every other
        // leaderless answer (rqlite: 500, spec 2.8).
        Api.Response redirect = api.post("/db/execute?redirect", "[\"INSERT INTO clusterit_w(node) VALUES('no-quorum')\"]");
        assertThat(redirect.status()).isEqualTo(503);
        assertThat(redirect.body()).isEqualTo("leader not found\n");
        Api.Response queued = api.post("/db/execute?queue", "[\"INSERT INTO clusterit_w(node) VALUES('no-quorum')\"]");
        assertThat(queued.status()).isEqualTo(503);
        Api.Response none = cluster.query(survivor, "SELECT COUNT(*) FROM clusterit_w", "level=none");
        assertThat(none.status()).isEqualTo(200);
        assertThat(none.json().path("results").path(0).path("values")).isEqualTo(Api.parse("[[5]]"));

        Api.Response readyz = api.get("/readyz");
        assertThat(readyz.status()).isEqualTo(503);
        assertThat(readyz.body()).contains("leader does not exist");
        Api.Response readiness = api.get("/actuator/health/readiness");
        assertThat(readiness.status()).as(readiness.body()).isEqualTo(503);
        assertThat(readiness.json().path("status").asString()).isNotEqualTo("UP");
        Api.Response liveness = api.get("/actuator/health/liveness");
        assertThat(liveness.status()).isEqualTo(200);
        assertThat(liveness.json().path("status").asString()).isEqualTo("UP");

        cluster.node(f0).relaunch();
        cluster.node(f1).relaunch();
        cluster.awaitAllReady();
        int newLeader = cluster.awaitLeader();
        Api.Response again = api.post("/db/execute", "[\"INSERT INTO clusterit_w(node) VALUES('recovered')\"]");
        assertThat(again.status()).as(again.body()).isEqualTo(200);
        assertThat(again.json().path("results").path(0).path("rows_affected").asInt()).isEqualTo(1);
        assertThat(again.header(SERVED_BY))
                .isEqualTo(newLeader == survivor ? cluster.httpAddress(survivor) : cluster.raftAddress(newLeader));
        assertThat(api.get("/readyz").status()).isEqualTo(200);
        assertThat(api.get("/actuator/health/readiness").json().path("status").asString()).isEqualTo("UP");
        for (int i = 0; i < 3; i++) {
            cluster.awaitLocalValues(i, "SELECT COUNT(*) FROM clusterit_w", "[[6]]");
        }
    }
}
