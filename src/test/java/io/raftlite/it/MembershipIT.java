package io.raftlite.it;

import static io.raftlite.it.ClusterNodes.api;
import static io.raftlite.it.ClusterNodes.id;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Growing and shrinking a cluster: join, remove, leader stepdown, read replicas, removal on
 * shutdown, leadership hand-over on shutdown, and a node coming back at a new Raft address.
 *
 * <p>One 3-node cluster (n1, n2, n3) is shared by the tests; each test starts the extra nodes it
 * needs and leaves n1..n3 as the only members, all running. The graceful shutdown of the leader
 * runs last.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MembershipIT {
    private static final Set<String> BASE = Set.of("n1", "n2", "n3");

    @TempDir
    static Path dir;

    private static ClusterNodes cluster;
    private static List<NodeProcess> base;

    @BeforeAll
    static void form() {
        cluster = ClusterNodes.form(dir, 3);
        base = List.copyOf(cluster.nodes);
        api(cluster.awaitLeader()).execute("[\"CREATE TABLE member_t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)\"]");
    }

    @AfterAll
    static void stopAll() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** Extra nodes of one test are killed afterwards; the base nodes must be running. */
    @AfterEach
    void baseStillRunning() {
        for (NodeProcess p : cluster.nodes) {
            if (!base.contains(p)) {
                p.close();
            }
        }
        assertThat(base).allMatch(NodeProcess::isAlive);
    }

    @Test
    @Order(1)
    void stepdownToNamedNodeToAnyNodeAndErrors() {
        NodeProcess leader = ClusterNodes.awaitLeader(base, ClusterNodes.SETTLE);
        List<NodeProcess> followers = base.stream().filter(p -> p != leader).toList();

        // Without an ID: another voter becomes leader. Sent to a follower, with wait: forwarded.
        Api.Response r = api(followers.get(0)).post("/leader?wait", "application/json", new byte[0]);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        NodeProcess second = ClusterNodes.awaitLeader(base, ClusterNodes.SETTLE);
        assertThat(second).isNotSameAs(leader);

        // Named: the target becomes leader, whichever node the request was sent to.
        NodeProcess target = base.stream().filter(p -> p != second).findFirst().orElseThrow();
        NodeProcess via = base.stream().filter(p -> p != second && p != target).findFirst().orElseThrow();
        r = api(via).post("/leader?wait", "{\"id\":\"" + id(target) + "\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(ClusterNodes.awaitLeader(base, ClusterNodes.SETTLE)).isSameAs(target);

        // Naming the current leader conflicts with the cluster's state (409); naming a node that is
        // not a voter is bad input (400). rqlite answers both 500; neither is a server failure.
        r = api(via).post("/leader?wait", "{\"id\":\"" + id(target) + "\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(409);
        assertThat(r.body()).startsWith("stepdown: ").contains("already the leader");
        r = api(target).post("/leader?wait", "{\"id\":\"no-such-node\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.body()).startsWith("stepdown: ").contains("not a voter");
        assertThat(ClusterNodes.awaitLeader(base, ClusterNodes.SETTLE)).isSameAs(target);

        // Bad JSON is 400 (only read with Content-Type application/json).
        r = api(via).post("/leader?wait", "{\"id\":");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body()).startsWith("invalid JSON");
    }

    @Test
    @Order(2)
    void nodeStartedLaterJoinsAndIsRemovedThroughAFollower() {
        NodeProcess leader = ClusterNodes.awaitLeader(base, ClusterNodes.SETTLE);
        api(leader).execute("[[\"INSERT INTO member_t(v) VALUES(?)\", \"before join\"]]");
        NodeProcess follower = base.stream().filter(p -> p != leader).findFirst().orElseThrow();

        NodeProcess n4 = cluster.launch("n4", "-join", follower.raftAddress());
        n4.awaitReady(ClusterNodes.START);
        List<NodeProcess> four = new ArrayList<>(base);
        four.add(n4);
        ClusterNodes.awaitNodeIds(four, false, Set.of("n1", "n2", "n3", "n4"));
        JsonNode listed = ClusterNodes.nodesV2(leader, false);
        for (JsonNode n : listed) {
            assertThat(n.path("voter").asBoolean()).as(n.toString()).isTrue();
            assertThat(n.path("reachable").asBoolean()).as(n.toString()).isTrue();
        }
        long rows = ClusterNodes.count(leader, "member_t");
        ClusterNodes.awaitCount(List.of(n4), "member_t", rows);
        // n4 is a voter: writes through it reach everyone.
        assertThat(ClusterNodes.acknowledged(api(n4).post("/db/execute",
                "[[\"INSERT INTO member_t(v) VALUES(?)\", \"through n4\"]]"))).isTrue();
        ClusterNodes.awaitCount(four, "member_t", rows + 1);

        // Removal sent to a follower is carried out by the leader.
        NodeProcess someFollower = ClusterNodes.awaitLeader(four, ClusterNodes.SETTLE) == follower
                ? base.stream().filter(p -> p != follower).findFirst().orElseThrow() : follower;
        Api.Response r = api(someFollower).method("DELETE", "/remove", "application/json",
                "{\"id\":\"n4\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        ClusterNodes.awaitNodeIds(base, false, BASE);
        ClusterNodes.awaitNodeIds(base, true, BASE);
        n4.stop();
        // Three voters again: two of them are a quorum.
        assertThat(ClusterNodes.acknowledged(api(leader).post("/db/execute",
                "[[\"INSERT INTO member_t(v) VALUES(?)\", \"after remove\"]]"))).isTrue();
    }

    @Test
    @Order(3)
    void removeOfUnknownNodeIs404() {
        NodeProcess follower = followerOf(ClusterNodes.awaitLeader(base, ClusterNodes.SETTLE));
        for (String unknown : List.of("no-such-node", "127.0.0.1:1", "[n9]")) {
            Api.Response r = remove(follower, "{\"id\":\"" + unknown + "\"}");
            assertThat(r.status()).as(r.body()).isEqualTo(404);
            assertThat(r.body()).startsWith("remove: ").contains(unknown).doesNotContain("Exception");
        }
        ClusterNodes.awaitNodeIds(base, false, BASE);
    }

    @Test
    @Order(4)
    void removeWithBadBodyIs400() {
        NodeProcess follower = followerOf(ClusterNodes.awaitLeader(base, ClusterNodes.SETTLE));
        // Exactly one key, "id", with a string value; anything else is 400 with an empty body.
        List<String> wrong = new ArrayList<>();
        for (String body : List.of("", "not json", "[]", "{}", "{\"id\":\"n3\",\"x\":\"y\"}", "{\"ID\":\"n3\"}",
                "{\"id\":3}", "{\"id\":true}", "{\"id\":null}", "{\"id\":[\"n3\"]}", "{\"id\":{\"x\":\"n3\"}}")) {
            Api.Response r = remove(follower, body);
            if (r.status() != 400 || r.bytes().length != 0) {
                wrong.add(body + " -> " + r.status() + " " + r.body().strip());
            }
        }
        assertThat(wrong).as("DELETE /remove bodies not answered 400 with an empty body").isEmpty();
        ClusterNodes.awaitNodeIds(base, false, BASE);
    }

    @Test
    @Order(5)
    void readReplicaServesLocalReadsForwardsWritesAndDoesNotCountForQuorum() {
        NodeProcess leader = ClusterNodes.awaitLeader(base, ClusterNodes.SETTLE);
        NodeProcess replica = cluster.launch("r1", "-raft-non-voter", "-join", leader.raftAddress());
        replica.awaitReady(ClusterNodes.START);

        // Listed only with nonvoters, as a non-voter; /status says so too.
        ClusterNodes.awaitNodeIds(base, true, Set.of("n1", "n2", "n3", "r1"));
        ClusterNodes.awaitNodeIds(base, false, BASE);
        ClusterNodes.awaitNodeIds(List.of(replica), false, BASE);
        for (JsonNode n : ClusterNodes.nodesV2(leader, true)) {
            assertThat(n.path("voter").asBoolean()).as(n.toString()).isEqualTo(!"r1".equals(n.path("id").asString()));
        }
        assertThat(ClusterNodes.status(replica).path("raft").path("voter").asBoolean(true)).isFalse();
        assertThat(ClusterNodes.status(leader).path("raft").path("voter").asBoolean(false)).isTrue();

        // A write through the replica is forwarded to the leader and comes back to it.
        long rows = ClusterNodes.count(leader, "member_t");
        Api.Response w = api(replica).post("/db/execute", "[[\"INSERT INTO member_t(v) VALUES(?)\", \"via replica\"]]");
        assertThat(ClusterNodes.acknowledged(w)).as(w.body()).isTrue();
        assertThat(w.header("X-RQLITE-SERVED-BY")).isEqualTo(leader.raftAddress());
        ClusterNodes.awaitCount(List.of(replica), "member_t", rows + 1);
        // none and auto are served by the replica itself.
        for (String level : List.of("none", "auto")) {
            Api.Response q = api(replica).get("/db/query?level=" + level + "&q=SELECT%20COUNT(*)%20FROM%20member_t");
            assertThat(q.status()).isEqualTo(200);
            assertThat(q.json().path("results").path(0).path("values").path(0).path(0).asLong()).isEqualTo(rows + 1);
            assertThat(q.header("X-RQLITE-SERVED-BY")).as("level %s", level).isEqualTo("127.0.0.1:" + replica.httpPort());
        }

        // Removed, then re-added by restarting it with the same flags.
        Api.Response r = remove(followerOf(leader), "{\"id\":\"r1\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        ClusterNodes.awaitNodeIds(base, true, BASE);
        api(leader).execute("[[\"INSERT INTO member_t(v) VALUES(?)\", \"while r1 was removed\"]]");
        replica.stop();
        replica.relaunch();
        replica.awaitReady(ClusterNodes.START);
        ClusterNodes.awaitNodeIds(base, true, Set.of("n1", "n2", "n3", "r1"));
        ClusterNodes.awaitCount(List.of(replica), "member_t", rows + 2);
        assertThat(ClusterNodes.status(replica).path("raft").path("voter").asBoolean(true)).isFalse();

        // Losing the replica and one of the three voters leaves a quorum (2 of 3): it never counted.
        replica.kill();
        NodeProcess follower = followerOf(ClusterNodes.awaitLeader(base, ClusterNodes.SETTLE));
        follower.stop();
        try {
            List<NodeProcess> two = base.stream().filter(p -> p != follower).toList();
            NodeProcess current = ClusterNodes.awaitLeader(two, ClusterNodes.SETTLE);
            Api.Response after = api(current).post("/db/execute?timeout=10s",
                    "[[\"INSERT INTO member_t(v) VALUES(?)\", \"without r1 and one voter\"]]");
            assertThat(ClusterNodes.acknowledged(after)).as(after.status() + " " + after.body()).isTrue();
        } finally {
            follower.relaunch();
            follower.awaitReady(ClusterNodes.START);
        }
        // The dead replica can be removed.
        r = remove(followerOf(ClusterNodes.awaitLeader(base, ClusterNodes.SETTLE)), "{\"id\":\"r1\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        ClusterNodes.awaitNodeIds(base, true, BASE);
        ClusterNodes.awaitCount(base, "member_t", rows + 3);
    }

    @Test
    @Order(6)
    void nodeWithClusterRemoveShutdownLeavesOnSigterm() {
        NodeProcess leader = ClusterNodes.awaitLeader(base, ClusterNodes.SETTLE);
        NodeProcess n5 = cluster.launch("n5", "-join", followerOf(leader).raftAddress(), "-raft-cluster-remove-shutdown");
        n5.awaitReady(ClusterNodes.START);
        ClusterNodes.awaitNodeIds(base, false, Set.of("n1", "n2", "n3", "n5"));
        // As the leader it hands leadership over first, then has the new leader remove it.
        Api.Response r = api(leader).post("/leader?wait", "{\"id\":\"n5\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        List<NodeProcess> four = new ArrayList<>(base);
        four.add(n5);
        assertThat(ClusterNodes.awaitLeader(four, ClusterNodes.SETTLE)).isSameAs(n5);

        n5.stop();
        assertThat(n5.tailLog()).contains("removed this node from the cluster");
        ClusterNodes.awaitNodeIds(base, true, BASE);
        NodeProcess next = ClusterNodes.awaitLeader(base, ClusterNodes.SETTLE);
        assertThat(ClusterNodes.acknowledged(api(next).post("/db/execute",
                "[[\"INSERT INTO member_t(v) VALUES(?)\", \"after n5 left\"]]"))).isTrue();
    }

    @Test
    @Order(7)
    void nodeBackAtANewRaftAddressReplacesItsOldRecord() {
        NodeProcess leader = ClusterNodes.awaitLeader(base, ClusterNodes.SETTLE);
        NodeProcess n6 = cluster.launch("n6", "-join", leader.raftAddress());
        n6.awaitReady(ClusterNodes.START);
        ClusterNodes.awaitNodeIds(base, false, Set.of("n1", "n2", "n3", "n6"));
        String oldAddr = n6.raftAddress();
        n6.stop();

        // Same data directory, same node ID, another Raft port.
        NodeProcess moved = cluster.track(NodeProcess.launch(n6.dataDir(), NodeProcess.freePort(),
                NodeProcess.freePort(), "-node-id", "n6", "-join", leader.raftAddress()));
        moved.awaitReady(ClusterNodes.START);
        List<NodeProcess> four = new ArrayList<>(base);
        four.add(moved);
        ClusterNodes.poll("n6 at " + moved.raftAddress() + " instead of " + oldAddr, ClusterNodes.SETTLE, () -> {
            for (NodeProcess p : four) {
                JsonNode nodes = ClusterNodes.nodesV2(p, true);
                if (nodes == null || nodes.size() != 4) {
                    return null;
                }
                for (JsonNode n : nodes) {
                    if (n.path("addr").asString().equals(oldAddr)) {
                        return null;
                    }
                    if (n.path("id").asString().equals("n6") && !(n.path("addr").asString().equals(moved.raftAddress())
                            && n.path("reachable").asBoolean() && n.path("voter").asBoolean())) {
                        return null;
                    }
                }
            }
            return true;
        });
        JsonNode configuration = ClusterNodes.status(leader).path("nodes");
        assertThat(configuration.toString()).doesNotContain(oldAddr).contains(moved.raftAddress());
        long rows = ClusterNodes.count(leader, "member_t");
        ClusterNodes.awaitCount(List.of(moved), "member_t", rows);

        Api.Response r = remove(leader, "{\"id\":\"n6\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        ClusterNodes.awaitNodeIds(base, true, BASE);
    }

    /** Runs last: it stops the leader (and brings it back). */
    @Test
    @Order(8)
    void gracefulShutdownOfTheLeaderHandsLeadershipOver() {
        NodeProcess leader = ClusterNodes.awaitLeader(base, ClusterNodes.SETTLE);
        List<NodeProcess> others = base.stream().filter(p -> p != leader).toList();
        leader.stop();
        String log = leader.tailLog();
        assertThat(log).containsPattern("handed leadership over to \\S+ before shutting down");
        // The hand-over comes before the web server stops taking requests, so none is refused meanwhile.
        assertThat(log).contains("Commencing graceful shutdown");
        assertThat(log.indexOf("handed leadership over to")).isLessThan(log.indexOf("Commencing graceful shutdown"));
        NodeProcess next = ClusterNodes.awaitLeader(others, Duration.ofSeconds(10));
        for (NodeProcess p : others) {
            Api.Response r = api(p).post("/db/execute", "[[\"INSERT INTO member_t(v) VALUES(?)\", \"after handover\"]]");
            assertThat(ClusterNodes.acknowledged(r)).as("write through %s: %s", p.raftAddress(), r.body()).isTrue();
        }
        assertThat(next).isNotSameAs(leader);
        leader.relaunch();
        leader.awaitReady(ClusterNodes.START);
    }

    private static NodeProcess followerOf(NodeProcess leader) {
        return base.stream().filter(p -> p != leader && p.isAlive()).findFirst().orElseThrow();
    }

    private static Api.Response remove(NodeProcess via, String body) {
        return api(via).method("DELETE", "/remove", "application/json", body.getBytes(StandardCharsets.UTF_8));
    }
}
