package io.raftlite.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
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
 * A 3-node cluster where every node has a users file (spec 8.3, 8.7, 9): nodes notify and join
 * with the {@code -join-as} user's credentials, and a client's credentials travel with a
 * forwarded request, checked on the receiving node and again on the leader. The users file is per
 * node: n0's gives the user {@code partial} only {@code query}, the others give it
 * {@code execute} too, so a write by {@code partial} through a follower is refused by n0 when n0
 * leads.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterAuthIT {
    private static final String SERVED_BY = "X-RQLITE-SERVED-BY";
    private static final String ADMIN = "admin:adminpw";
    private static final String READER = "reader:readpw";
    private static final String PARTIAL = "partial:partialpw";

    @TempDir
    static Path dir;
    private static LoopbackCluster cluster;
    private static final List<NodeProcess> extra = new ArrayList<>();

    private static String users(boolean partialMayExecute) {
        return """
                [
                  {"username": "admin",   "password": "adminpw",   "perms": ["all"]},
                  {"username": "reader",  "password": "readpw",    "perms": ["query"]},
                  {"username": "partial", "password": "partialpw", "perms": [%s]},
                  {"username": "joiner",  "password": "joinpw",    "perms": ["join"]},
                  {"username": "*",                                "perms": ["ready", "status"]}
                ]""".formatted(partialMayExecute ? "\"query\", \"execute\"" : "\"query\"");
    }

    @BeforeAll
    static void form() throws IOException {
        Path strict = Files.writeString(dir.resolve("users-strict.json"), users(false));
        Path lenient = Files.writeString(dir.resolve("users-lenient.json"), users(true));
        cluster = new LoopbackCluster(dir, 3,
                i -> List.of("-auth", (i == 0 ? strict : lenient).toString(), "-join-as", "joiner"));
        try {
            cluster.launchAll();
            cluster.awaitAllReady();
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    @AfterAll
    static void stop() {
        extra.forEach(NodeProcess::close);
        if (cluster != null) {
            cluster.close();
        }
    }

    /** A request to {@code node} with Basic credentials {@code user:password}, or none if null. */
    private static Api.Response send(NodeProcess node, String method, String path, String credentials, String json) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(node.url(path)))
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
        if (json != null) {
            b.header("Content-Type", "application/json");
        }
        if (credentials != null) {
            b.header("Authorization", "Basic "
                    + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
        }
        return new Api(node).send(b);
    }

    private static Api.Response send(int i, String method, String path, String credentials, String json) {
        return send(cluster.node(i), method, path, credentials, json);
    }

    private static String q(String sql) {
        return URLEncoder.encode(sql, StandardCharsets.UTF_8);
    }

    @Test
    @Order(1)
    void clusterFormsWithTheJoinAsUsersCredentials() {
        // Bootstrapping needs every node's notify to pass the others' `join` check: only joiner has it.
        int leader = cluster.awaitLeader();
        JsonNode nodes = send(leader, "GET", "/nodes?ver=2", null, null).json().path("nodes");
        assertThat(nodes.size()).isEqualTo(3);
        for (int n = 0; n < 3; n++) {
            assertThat(nodes.path(n).path("id").asString()).isEqualTo("n" + n);
            assertThat(nodes.path(n).path("reachable").asBoolean(false)).isTrue();
        }
        Api.Response created = send(leader, "POST", "/db/execute", ADMIN,
                "[\"CREATE TABLE clusterauthit (id INTEGER PRIMARY KEY, who TEXT)\"]");
        assertThat(created.status()).as(created.body()).isEqualTo(200);
    }

    @Test
    @Order(2)
    void aFollowerForwardsTheClientsCredentials() {
        int leader = cluster.awaitLeader();
        int f = cluster.follower(leader, 0);
        // The leader grants `*` no execute or query: these succeed only because admin's credentials travelled.
        Api.Response write = send(f, "POST", "/db/execute", ADMIN, "[\"INSERT INTO clusterauthit(who) VALUES('admin')\"]");
        assertThat(write.status()).as(write.body()).isEqualTo(200);
        assertThat(write.body()).isEqualTo("{\"results\":[{\"last_insert_id\":1,\"rows_affected\":1}]}");
        assertThat(write.header(SERVED_BY)).isEqualTo(cluster.raftAddress(leader));

        Api.Response read = send(f, "GET", "/db/query?q=" + q("SELECT who FROM clusterauthit") + "&level=strong", READER, null);
        assertThat(read.status()).as(read.body()).isEqualTo(200);
        assertThat(read.json().path("results").path(0).path("values")).isEqualTo(Api.parse("[[\"admin\"]]"));
        assertThat(read.header(SERVED_BY)).isEqualTo(cluster.raftAddress(leader));

        Api.Response request = send(f, "POST", "/db/request", ADMIN,
                "[\"INSERT INTO clusterauthit(who) VALUES('request')\", \"SELECT COUNT(*) FROM clusterauthit\"]");
        assertThat(request.status()).as(request.body()).isEqualTo(200);
        assertThat(request.json().path("results").path(1).path("values")).isEqualTo(Api.parse("[[2]]"));

        Api.Response queued = send(f, "POST", "/db/execute?queue&wait", ADMIN, "[\"INSERT INTO clusterauthit(who) VALUES('queued')\"]");
        assertThat(queued.status()).as(queued.body()).isEqualTo(200);
        Api.Response backup = send(f, "GET", "/db/backup?fmt=sql", ADMIN, null);
        assertThat(backup.status()).isEqualTo(200);
        assertThat(backup.body()).contains("INSERT INTO \"clusterauthit\" VALUES(3,'queued');");

        // Refused on the follower itself: 401 with an empty body, nothing forwarded or written.
        for (String who : new String[] {READER, null, "admin:wrong"}) {
            Api.Response refused = send(f, "POST", "/db/execute", who, "[\"INSERT INTO clusterauthit(who) VALUES('refused')\"]");
            assertThat(refused.status()).as("write as %s", who).isEqualTo(401);
            assertThat(refused.bytes()).isEmpty();
        }
        assertThat(send(f, "GET", "/db/backup", READER, null).status()).isEqualTo(401);
        assertThat(send(f, "POST", "/db/request", READER, "[\"SELECT 1\"]").status()).isEqualTo(401);
        assertThat(send(f, "GET", "/db/query?q=" + q("SELECT 1"), null, null).status()).isEqualTo(401);

        Api.Response count = send(leader, "GET", "/db/query?q=" + q("SELECT COUNT(*) FROM clusterauthit")
                + "&level=strong", ADMIN, null);
        assertThat(count.json().path("results").path(0).path("values")).isEqualTo(Api.parse("[[3]]"));
    }

    @Test
    @Order(3)
    void aNodeJoinsOnlyWithAJoinAsUserHoldingJoin() throws IOException {
        Path lenient = dir.resolve("users-lenient.json");
        String targets = String.join(",", cluster.raftAddress(0), cluster.raftAddress(1), cluster.raftAddress(2));

        NodeProcess refused = track(NodeProcess.launch(dir.resolve("n3-refused"), NodeProcess.freePort(),
                NodeProcess.freePort(), "-node-id", "n3", "-join", targets, "-auth", lenient.toString(), "-join-as", "reader"));
        LoopbackCluster.poll("the join as reader to be refused", LoopbackCluster.START,
                () -> refused.tailLog().contains("not authorized") ? Boolean.TRUE : null);
        // It keeps running, outside the cluster: never ready.
        Api.Response ready = LoopbackCluster.poll("n3 (refused) to answer HTTP", LoopbackCluster.START, () -> {
            assertThat(refused.isAlive()).as("refused node still running:\n%s", refused.tailLog()).isTrue();
            try {
                return send(refused, "GET", "/readyz", null, null);
            } catch (RuntimeException notListeningYet) {
                return null;
            }
        });
        assertThat(ready.status()).isEqualTo(503);
        assertThat(refused.tailLog()).contains("not authorized");
        assertThat(memberIds(cluster.awaitLeader())).containsExactly("n0", "n1", "n2");
        refused.close();

        NodeProcess joined = track(NodeProcess.launch(dir.resolve("n3"), NodeProcess.freePort(), NodeProcess.freePort(),
                "-node-id", "n3", "-join", targets, "-auth", lenient.toString(), "-join-as", "joiner"));
        joined.awaitReady(LoopbackCluster.START);
        int leader = cluster.awaitLeader();
        LoopbackCluster.poll("n3 listed by the leader", LoopbackCluster.SETTLE,
                () -> memberIds(leader).contains("n3") ? Boolean.TRUE : null);
        assertThat(memberIds(leader)).containsExactly("n0", "n1", "n2", "n3");
        // The new member has the data and takes writes with credentials like any other.
        LoopbackCluster.poll("n3 to hold the rows", LoopbackCluster.SETTLE, () -> {
            Api.Response r = send(joined, "GET", "/db/query?level=none&q=" + q("SELECT COUNT(*) FROM clusterauthit"), READER, null);
            return r.status() == 200 && r.json().path("results").path(0).path("values").equals(Api.parse("[[3]]")) ? Boolean.TRUE : null;
        });
        Api.Response write = send(joined, "POST", "/db/execute", ADMIN, "[\"INSERT INTO clusterauthit(who) VALUES('via-n3')\"]");
        assertThat(write.status()).as(write.body()).isEqualTo(200);
        assertThat(write.json().path("results").path(0).path("rows_affected").asInt()).isEqualTo(1);
    }

    @Test
    @Order(4)
    void theLeaderRechecksForwardedCredentialsAgainstItsOwnUsersFile() {
        int leader = cluster.awaitLeader();
        if (leader != 0) {
            Api.Response stepdown = send(leader, "POST", "/leader?wait", ADMIN, "{\"id\":\"n0\"}");
            assertThat(stepdown.status()).as("stepdown to n0: %s", stepdown.body()).isEqualTo(200);
            assertThat(cluster.awaitLeader()).isEqualTo(0);
        }
        int f = 1; // its users file lets partial execute; n0's does not

        Api.Response write = send(f, "POST", "/db/execute", PARTIAL, "[\"INSERT INTO clusterauthit(who) VALUES('partial')\"]");
        assertThat(write.status()).as(write.body()).isEqualTo(401);
        assertThat(write.body()).isEqualTo("remote Execute not authorized\n");
        assertThat(write.header("Content-Type")).startsWith("text/plain");
        Api.Response request = send(f, "POST", "/db/request", PARTIAL, "[\"INSERT INTO clusterauthit(who) VALUES('partial')\"]");
        assertThat(request.status()).as(request.body()).isEqualTo(401);
        assertThat(request.body()).isEqualTo("remote Request not authorized\n");
        // On the leader itself partial is refused locally (empty body).
        Api.Response direct = send(0, "POST", "/db/execute", PARTIAL, "[\"INSERT INTO clusterauthit(who) VALUES('partial')\"]");
        assertThat(direct.status()).isEqualTo(401);
        assertThat(direct.bytes()).isEmpty();

        // What both files grant goes through.
        Api.Response read = send(f, "GET", "/db/query?q=" + q("SELECT COUNT(*) FROM clusterauthit WHERE who = 'partial'"),
                PARTIAL, null);
        assertThat(read.status()).as(read.body()).isEqualTo(200);
        assertThat(read.header(SERVED_BY)).isEqualTo(cluster.raftAddress(0));
        assertThat(read.json().path("results").path(0).path("values")).as("nothing written by partial")
                .isEqualTo(Api.parse("[[0]]"));
    }

    private static NodeProcess track(NodeProcess p) {
        extra.add(p);
        return p;
    }

    private static TreeSet<String> memberIds(int node) {
        TreeSet<String> ids = new TreeSet<>();
        send(node, "GET", "/nodes?ver=2&timeout=5s", null, null).json().path("nodes")
                .forEach(n -> ids.add(n.path("id").asString()));
        return ids;
    }
}
