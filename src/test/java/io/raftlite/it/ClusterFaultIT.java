package io.raftlite.it;

import static io.raftlite.it.ClusterNodes.acknowledged;
import static io.raftlite.it.ClusterNodes.api;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Faults in a cluster of separate JVMs on loopback: the leader killed under write load, a follower
 * that misses thousands of writes and catches up by snapshot, and a 5-node cluster losing nodes.
 */
class ClusterFaultIT {
    @TempDir
    Path dir;

    private ClusterNodes cluster;

    @AfterEach
    void stopAll() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /**
     * Client threads write unique rows through every node. The leader is killed with {@code -9}; a
     * new leader is elected and writes go on. Then the old leader comes back on the same data
     * directory and ports, follows, and every node ends with the same rows: each acknowledged write
     * exactly once.
     */
    @Test
    void leaderKilledUnderWriteLoadLosesNoAcknowledgedWrite() throws Exception {
        cluster = ClusterNodes.form(dir, 3);
        NodeProcess leader = cluster.awaitLeader();
        api(leader).execute("[\"CREATE TABLE fault_load (id INTEGER PRIMARY KEY, v TEXT NOT NULL)\"]");

        Set<String> acked = ConcurrentHashMap.newKeySet();
        AtomicInteger attempts = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> writers = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            int thread = t;
            Thread w = new Thread(() -> {
                for (int k = 0; !stop.get(); k++) {
                    // A fresh value per attempt: a retry never re-sends a write that may have landed.
                    String token = "w" + thread + "-" + k;
                    NodeProcess via = cluster.nodes.get((thread + k) % 3);
                    attempts.incrementAndGet();
                    try {
                        Api.Response r = api(via).post("/db/execute?timeout=5s",
                                "[[\"INSERT INTO fault_load(v) VALUES(?)\", \"" + token + "\"]]");
                        if (acknowledged(r)) {
                            acked.add(token);
                        } else {
                            NodeProcess.sleep(20);
                        }
                    } catch (RuntimeException e) {
                        NodeProcess.sleep(20); // the node is down: try the next one
                    }
                }
            }, "writer-" + t);
            w.start();
            writers.add(w);
        }
        try {
            ClusterNodes.poll("100 acknowledged writes", ClusterNodes.SETTLE, () -> acked.size() >= 100 ? true : null);
            leader.kill();
            List<NodeProcess> survivors = cluster.alive();
            assertThat(survivors).hasSize(2).doesNotContain(leader);
            NodeProcess newLeader = ClusterNodes.awaitLeader(survivors, ClusterNodes.SETTLE);
            assertThat(newLeader).isNotSameAs(leader);
            int atElection = acked.size();
            ClusterNodes.poll("writes after the new leader", ClusterNodes.SETTLE,
                    () -> acked.size() >= atElection + 100 ? true : null);
        } finally {
            stop.set(true);
            for (Thread w : writers) {
                w.join(120_000);
            }
        }
        assertThat(writers).noneMatch(Thread::isAlive);

        leader.relaunch();
        leader.awaitReady(ClusterNodes.START);
        NodeProcess current = ClusterNodes.awaitLeader(cluster.nodes, ClusterNodes.SETTLE);
        long total = ClusterNodes.count(current, "fault_load");
        System.out.printf("ClusterFaultIT: %d rows after the leader was killed (%d acknowledged, %d attempted)%n", total,
                acked.size(), attempts.get());
        assertThat(total).isGreaterThanOrEqualTo(acked.size()).isLessThanOrEqualTo(attempts.get());
        ClusterNodes.awaitCount(cluster.nodes, "fault_load", total);
        assertThat(ClusterNodes.raftState(leader)).isEqualTo("Follower");

        for (NodeProcess p : cluster.nodes) {
            Map<String, Integer> rows = values(p, "fault_load");
            assertThat(rows.values()).as("duplicated rows on %s", p.raftAddress()).allMatch(n -> n == 1);
            assertThat(rows.keySet()).as("acknowledged rows on %s", p.raftAddress()).containsAll(acked);
            assertThat((long) rows.size()).isEqualTo(total);
        }
    }

    /**
     * A follower stopped while thousands of rows are written (with a small snapshot threshold, so the
     * leader compacts its log past what the follower has) is brought back by a snapshot install.
     */
    @Test
    void stoppedFollowerCatchesUpBySnapshotInstall() throws Exception {
        cluster = ClusterNodes.form(dir, 3, "--raftlite.raft.snapshot-threshold=200",
                "--raftlite.raft.snapshot-interval=200ms");
        NodeProcess leader = cluster.awaitLeader();
        api(leader).execute("[\"CREATE TABLE fault_snap (id INTEGER PRIMARY KEY, v TEXT NOT NULL)\", "
                + "\"CREATE TABLE fault_pad (id INTEGER PRIMARY KEY, v TEXT NOT NULL)\"]");
        NodeProcess follower = cluster.nodes.stream().filter(p -> p != leader).findFirst().orElseThrow();
        NodeProcess other = cluster.nodes.stream().filter(p -> p != leader && p != follower).findFirst().orElseThrow();
        ClusterNodes.awaitCount(cluster.nodes, "fault_snap", 0);
        long stoppedAt = ClusterNodes.status(follower).path("raft").path("applied_index").asLong();
        follower.stop();
        assertThat(follower.tailLog()).as("a graceful stop").contains("closed at applied index");

        // 3000 rows, 5 per request: 600 log entries, three snapshots' worth at least. The rows carry
        // their IDs and INSERT OR IGNORE makes a retry harmless (a leader change on a busy machine).
        int rows = 3000;
        int perRequest = 5;
        AtomicInteger next = new AtomicInteger();
        List<Thread> writers = new ArrayList<>();
        List<String> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (int t = 0; t < 3; t++) {
            List<NodeProcess> via = t == 0 ? List.of(other, leader) : List.of(leader, other);
            Thread w = new Thread(() -> {
                int first;
                while ((first = next.getAndAdd(perRequest)) < rows) {
                    StringBuilder body = new StringBuilder("[");
                    for (int i = first; i < first + perRequest; i++) {
                        body.append(i == first ? "" : ",")
                                .append("[\"INSERT OR IGNORE INTO fault_snap(id, v) VALUES(?, ?)\", ")
                                .append(i).append(", \"row ").append(i).append("\"]");
                    }
                    String json = body.append("]").toString();
                    String last = null;
                    for (int attempt = 0; attempt < 10; attempt++) {
                        try {
                            Api.Response r = api(via.get(attempt % 2)).post("/db/execute?timeout=10s", json);
                            if (acknowledged(r)) {
                                last = null;
                                break;
                            }
                            last = r.status() + " " + r.body();
                        } catch (RuntimeException e) {
                            last = e.toString();
                        }
                        NodeProcess.sleep(500);
                    }
                    if (last != null) {
                        failures.add(last);
                    }
                }
            });
            w.start();
            writers.add(w);
        }
        for (Thread w : writers) {
            w.join(240_000);
        }
        assertThat(writers).noneMatch(Thread::isAlive);
        assertThat(failures).isEmpty();
        // Concurrent writers share log entries (group commit), so the log is topped up by a lone
        // client, one request per entry, until it is several snapshots past the stopped follower.
        for (int i = 0; i < 5000 && lastLogIndex(leader) < stoppedAt + 700; i++) {
            try {
                api(leader).post("/db/execute?timeout=10s", "[\"INSERT INTO fault_pad(v) VALUES('x')\"]");
            } catch (RuntimeException e) {
                NodeProcess.sleep(100); // a leader change on a busy machine; the loop looks again
            }
        }
        ClusterNodes.awaitCount(List.of(leader, other), "fault_snap", rows);
        JsonNode leaderStatus = ClusterNodes.status(leader);
        assertThat(leaderStatus.path("raft").path("last_snapshot_index").asLong())
                .as("snapshots taken while the follower was away").isGreaterThan(stoppedAt + 200);

        long logLinesBefore = Files.readAllLines(log(follower)).size();
        follower.relaunch();
        follower.awaitReady(ClusterNodes.START);
        ClusterNodes.awaitCount(cluster.nodes, "fault_snap", rows);

        List<String> newLines = Files.readAllLines(log(follower));
        newLines = newLines.subList((int) logLinesBefore, newLines.size());
        Pattern restored = Pattern.compile("database restored from snapshot at index (\\d+)");
        long restoredIndex = newLines.stream().map(restored::matcher).filter(Matcher::find)
                .mapToLong(m -> Long.parseLong(m.group(1))).max().orElse(-1);
        assertThat(restoredIndex).as("snapshot install in the follower's log:\n%s", follower.tailLog())
                .isGreaterThan(stoppedAt);
        assertThat(values(follower, "fault_snap")).isEqualTo(values(leader, "fault_snap"));
    }

    /**
     * A new cluster does not wait out an election timeout for its first leader: with a timeout of
     * two minutes (so no node could stand before two minutes after the bootstrap), three nodes started
     * together agree on a leader, the first voter of the bootstrap (the lowest address), long before
     * it. Once the leader is known the first voter's timeout is the configured one again, as on the
     * others ({@code raft.election_timeout_in_use} in {@code /status}).
     */
    @Test
    void aNewClusterElectsItsFirstVoterWithoutWaitingOutTheElectionTimeout() {
        long started = System.nanoTime();
        cluster = ClusterNodes.form(dir, 3, "-raft-election-timeout", "2m");
        NodeProcess leader = cluster.awaitLeader();
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(took).isLessThan(Duration.ofSeconds(60)); // no timer could have run out before 2 minutes
        String firstVoter = new TreeSet<>(ClusterNodes.addresses(cluster.nodes)).first();
        assertThat(leader.raftAddress()).isEqualTo(firstVoter);
        for (NodeProcess p : cluster.nodes) {
            ClusterNodes.poll("the configured election timeout on " + p.raftAddress(), ClusterNodes.SETTLE, () -> {
                JsonNode s = ClusterNodes.status(p);
                return s != null && "2m0s".equals(s.path("raft").path("election_timeout_in_use").asString("")) ? true : null;
            });
        }
    }

    /**
     * Five voters formed with {@code -bootstrap-expect 5} survive the loss of two (the leader among
     * them): writes and linearizable reads still work through every survivor. Losing a third leaves
     * no quorum: writes answer 503.
     */
    @Test
    void fiveNodesSurviveTwoLossesButNotThree() {
        cluster = ClusterNodes.form(dir, 5);
        NodeProcess leader = cluster.awaitLeader();
        api(leader).execute("[\"CREATE TABLE fault_five (id INTEGER PRIMARY KEY, v TEXT NOT NULL)\"]");
        api(leader).execute("[[\"INSERT INTO fault_five(v) VALUES(?)\", \"before\"]]");

        NodeProcess follower = cluster.nodes.stream().filter(p -> p != leader).findFirst().orElseThrow();
        leader.kill();
        follower.kill();
        List<NodeProcess> survivors = cluster.alive();
        assertThat(survivors).hasSize(3);
        NodeProcess newLeader = ClusterNodes.awaitLeader(survivors, ClusterNodes.SETTLE);

        int written = 1;
        for (NodeProcess p : survivors) {
            String token = "after-" + p.httpPort();
            ClusterNodes.poll("a write through " + p.raftAddress(), ClusterNodes.SETTLE, () -> acknowledged(
                    api(p).post("/db/execute", "[[\"INSERT INTO fault_five(v) VALUES(?)\", \"" + token + "\"]]"))
                            ? true : null);
            written++;
        }
        for (NodeProcess p : survivors) {
            Api.Response r = api(p).get("/db/query?level=linearizable&q=SELECT%20COUNT(*)%20FROM%20fault_five");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.json().path("results").path(0).path("values").path(0).path(0).asLong())
                    .as("linearizable count through %s: %s", p.raftAddress(), r.body()).isEqualTo(written);
        }

        NodeProcess third = survivors.stream().filter(p -> p != newLeader).findFirst().orElseThrow();
        third.kill();
        List<NodeProcess> remaining = cluster.alive();
        assertThat(remaining).hasSize(2);
        for (NodeProcess p : remaining) {
            ClusterNodes.poll("503 for a write through " + p.raftAddress() + " without quorum", ClusterNodes.SETTLE,
                    () -> api(p).post("/db/execute", "[[\"INSERT INTO fault_five(v) VALUES('lost')\"]]").status() == 503
                            ? true : null);
        }
        for (NodeProcess p : remaining) {
            Api.Response r = api(p).post("/db/execute", "[[\"INSERT INTO fault_five(v) VALUES('lost')\"]]");
            assertThat(r.status()).as("write through %s without quorum: %s", p.raftAddress(), r.body()).isEqualTo(503);
            assertThat(r.body()).contains("leader not found");
        }
    }

    /** Every value of {@code v} in the table at level none, with how often it occurs. */
    private static Map<String, Integer> values(NodeProcess p, String table) {
        String body = api(p).query("SELECT v FROM " + table + " ORDER BY id", "level=none");
        Map<String, Integer> out = new HashMap<>();
        for (JsonNode row : Api.parse(body).path("results").path(0).path("values")) {
            out.merge(row.path(0).asString(), 1, Integer::sum);
        }
        return out;
    }

    private static Path log(NodeProcess p) {
        return p.dataDir().resolveSibling(p.dataDir().getFileName() + ".log");
    }

    private static long lastLogIndex(NodeProcess node) {
        JsonNode status = ClusterNodes.status(node);
        return status == null ? 0 : status.path("raft").path("last_log_index").asLong();
    }
}
