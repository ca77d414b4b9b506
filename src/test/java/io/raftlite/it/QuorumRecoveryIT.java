package io.raftlite.it;

import static io.raftlite.it.ClusterNodes.acknowledged;
import static io.raftlite.it.ClusterNodes.api;
import static io.raftlite.it.ClusterNodes.id;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Recovery from a permanent loss of quorum, the rqlite way: the survivors are stopped, the operator
 * writes {@code raft/peers.json} into each survivor's data directory, and the restarted survivors
 * form a cluster of exactly the listed nodes with every acknowledged row. Separate JVMs on loopback;
 * the lost nodes are killed with {@code -9} and never come back.
 */
class QuorumRecoveryIT {
    /** From the restart of a recovered node until it leads: a JVM start plus an election or two. */
    private static final Duration RECOVERED = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    private ClusterNodes cluster;
    private NodeProcess solo;
    /** Row IDs, unique within a test, so that a retried write is recognisably the same row. */
    private final AtomicInteger nextId = new AtomicInteger(1);

    @AfterEach
    void stopAll() {
        if (cluster != null) {
            cluster.close();
        }
        if (solo != null) {
            solo.close();
        }
    }

    /**
     * Three voters (snapshots every 40 entries, so the survivor has a snapshot and a log after it);
     * the leader and one follower are killed. The survivor refuses writes (503). Restarted with a
     * peers.json naming only itself it leads a one-node cluster, with every acknowledged row, takes
     * new writes, lists only itself at /nodes and renames the file; a further restart does not reset
     * again and keeps everything.
     */
    @Test
    void survivorOfThreeRecoversAloneWithEveryAcknowledgedRow() throws Exception {
        cluster = ClusterNodes.form(dir, 3, "--raftlite.raft.snapshot-threshold=40",
                "--raftlite.raft.snapshot-interval=200ms");
        NodeProcess leader = cluster.awaitLeader();
        api(leader).execute("[\"CREATE TABLE qr (id INTEGER PRIMARY KEY, v TEXT NOT NULL)\"]");
        Set<String> acked = writeRows(cluster.nodes, "before", 120);

        NodeProcess survivor = cluster.nodes.stream().filter(p -> p != leader).findFirst().orElseThrow();
        // Raft promises acknowledged writes to a majority, not to every node: the operator recovers the
        // most up-to-date survivor, which here has everything.
        ClusterNodes.awaitCount(cluster.nodes, "qr", acked.size());
        assertThat(ClusterNodes.status(survivor).path("raft").path("last_snapshot_index").asLong())
                .as("the survivor has a snapshot").isPositive();
        for (NodeProcess p : cluster.nodes) {
            if (p != survivor) {
                p.kill();
            }
        }
        assertThat(cluster.alive()).containsExactly(survivor);
        awaitNoQuorum(survivor);

        survivor.stop();
        writePeersJson(survivor.dataDir(), List.of(survivor));
        long logOffset = logLines(survivor).size();
        long restartedAt = System.nanoTime();
        survivor.relaunch();
        survivor.awaitReady(RECOVERED);
        ClusterNodes.awaitLeader(List.of(survivor), RECOVERED);
        System.out.printf("QuorumRecoveryIT: the survivor led a one-node cluster %d ms after its restart%n",
                (System.nanoTime() - restartedAt) / 1_000_000);

        assertThat(rows(survivor, "linearizable")).as("acknowledged rows after recovery").containsExactlyInAnyOrderElementsOf(acked);
        Set<String> after = writeRows(List.of(survivor), "after", 5);
        assertThat(ClusterNodes.nodeIds(survivor, true)).containsExactly(id(survivor));
        JsonNode members = ClusterNodes.nodesV2(survivor, true);
        assertThat(members).hasSize(1);
        assertThat(members.path(0).path("addr").asString()).isEqualTo(survivor.raftAddress());
        assertThat(members.path(0).path("leader").asBoolean()).isTrue();
        awaitRenamed(survivor);
        List<String> log = newLogLines(survivor, logOffset);
        assertThat(log).as("log of the recovered start").anyMatch(l -> l.contains("WARN")
                && l.contains("quorum-loss recovery: Raft configuration reset") && l.contains("peers.json.applied"));
        assertThat(log).anyMatch(l -> l.contains("WARN") && l.contains("quorum-loss recovery done"));

        // The renamed file does not recover again; the node stays a one-node cluster with every row.
        survivor.stop();
        logOffset = logLines(survivor).size();
        survivor.relaunch();
        survivor.awaitReady(RECOVERED);
        ClusterNodes.awaitLeader(List.of(survivor), RECOVERED);
        assertThat(newLogLines(survivor, logOffset)).noneMatch(l -> l.contains("quorum-loss recovery"));
        Set<String> all = new LinkedHashSet<>(acked);
        all.addAll(after);
        assertThat(rows(survivor, "linearizable")).containsExactlyInAnyOrderElementsOf(all);
        assertThat(ClusterNodes.nodeIds(survivor, true)).containsExactly(id(survivor));
        assertThat(writeRows(List.of(survivor), "again", 1)).hasSize(1);
    }

    /**
     * Five voters lose three; the two survivors, both restarted with the same peers.json, elect a
     * leader between them and keep every acknowledged row. /nodes on both lists exactly the two.
     */
    @Test
    void twoSurvivorsOfFiveRecoverTogether() throws Exception {
        cluster = ClusterNodes.form(dir, 5);
        NodeProcess leader = cluster.awaitLeader();
        api(leader).execute("[\"CREATE TABLE qr (id INTEGER PRIMARY KEY, v TEXT NOT NULL)\"]");
        Set<String> acked = writeRows(cluster.nodes, "before", 30);
        ClusterNodes.awaitCount(cluster.nodes, "qr", acked.size());

        List<NodeProcess> survivors = cluster.nodes.stream().filter(p -> p != leader).limit(2).toList();
        for (NodeProcess p : cluster.nodes) {
            if (!survivors.contains(p)) {
                p.kill();
            }
        }
        assertThat(cluster.alive()).containsExactlyInAnyOrderElementsOf(survivors);
        awaitNoQuorum(survivors.get(0));

        for (NodeProcess p : survivors) {
            p.stop();
            writePeersJson(p.dataDir(), survivors);
        }
        for (NodeProcess p : survivors) {
            p.relaunch(); // both before waiting: neither can lead without the other's vote
        }
        for (NodeProcess p : survivors) {
            p.awaitReady(RECOVERED);
        }
        NodeProcess newLeader = ClusterNodes.awaitLeader(survivors, RECOVERED);
        assertThat(rows(newLeader, "linearizable")).containsExactlyInAnyOrderElementsOf(acked);
        Set<String> all = new LinkedHashSet<>(acked);
        all.addAll(writeRows(survivors, "after", 6));
        ClusterNodes.awaitCount(survivors, "qr", all.size());
        for (NodeProcess p : survivors) {
            assertThat(rows(p, "none")).containsExactlyInAnyOrderElementsOf(all);
        }
        ClusterNodes.awaitNodeIds(survivors, true, survivors.stream().map(ClusterNodes::id).toList());
        for (NodeProcess p : survivors) {
            awaitRenamed(p);
        }
    }

    /**
     * A peers.json that cannot be applied stops the node with a non-zero exit and a message naming
     * the file, and changes nothing: once the file is fixed, the node starts with all its data.
     */
    @Test
    void invalidPeersJsonStopsTheNodeAndNamesTheFile() throws Exception {
        solo = NodeProcess.start(dir.resolve("solo"), "-node-id", "solo");
        api(solo).execute("[\"CREATE TABLE qr (id INTEGER PRIMARY KEY, v TEXT NOT NULL)\"]");
        Set<String> acked = writeRows(List.of(solo), "kept", 3);
        solo.stop();
        Path file = solo.dataDir().resolve("raft/peers.json");

        Files.writeString(file, "[{\"id\": \"solo\", \"address\": ");
        assertRefusedToStart(file, "not valid JSON");
        Files.writeString(file, "[]");
        assertRefusedToStart(file, "empty");
        Files.writeString(file, "[{\"id\": \"solo\"}]");
        assertRefusedToStart(file, "has no \"address\"");
        Files.writeString(file, "[{\"id\": \"other\", \"address\": \"127.0.0.1:1\", \"non_voter\": false}]");
        assertRefusedToStart(file, "does not list this node's Raft address " + solo.raftAddress());

        Files.writeString(file, "[{\"id\": \"solo\", \"address\": \"" + solo.raftAddress() + "\", \"non_voter\": false}]");
        solo.relaunch();
        solo.awaitReady(RECOVERED);
        assertThat(rows(solo, "linearizable")).containsExactlyInAnyOrderElementsOf(acked);
        // The node already has exactly this configuration: nothing to reset, the file is renamed at once.
        awaitRenamed(solo);
        assertThat(writeRows(List.of(solo), "new", 1)).hasSize(1);
    }

    private void assertRefusedToStart(Path file, String problem) throws IOException {
        long offset = logLines(solo).size();
        solo.relaunch();
        ClusterNodes.poll("the node to exit", RECOVERED, () -> solo.isAlive() ? null : true);
        int exit = solo.stop(); // the exit status of the process that has ended
        List<String> log = newLogLines(solo, offset);
        assertThat(exit).as("exit status; log:\n%s", String.join("\n", log)).isNotZero();
        assertThat(log).as("log names the file and the problem").anyMatch(
                l -> l.contains("invalid recovery file " + file) && l.contains(problem));
        assertThat(file).as("an invalid file is left for the operator to fix").exists();
        assertThat(file.resolveSibling("peers.json.applied")).doesNotExist();
    }

    // ---- helpers ----

    /** Writes {@code count} rows, each acknowledged, through the nodes in turn; returns their values. */
    private Set<String> writeRows(List<NodeProcess> via, String prefix, int count) {
        Set<String> values = new LinkedHashSet<>();
        for (int i = 0; i < count; i++) {
            String v = prefix + "-" + i;
            NodeProcess p = via.get(i % via.size());
            // INSERT OR IGNORE with a fixed ID: retrying a write that may have landed is harmless.
            String body = "[[\"INSERT OR IGNORE INTO qr(id, v) VALUES(?, ?)\", " + nextId.getAndIncrement() + ", \"" + v
                    + "\"]]";
            ClusterNodes.poll("acknowledged write " + v + " through " + p.raftAddress(), ClusterNodes.SETTLE,
                    () -> acknowledged(api(p).post("/db/execute?timeout=10s", body)) ? true : null);
            values.add(v);
        }
        return values;
    }

    /** Every {@code v} in table qr, read through {@code p} at {@code level}. */
    private static List<String> rows(NodeProcess p, String level) {
        String body = api(p).query("SELECT v FROM qr ORDER BY id", "level=" + level);
        List<String> out = new ArrayList<>();
        for (JsonNode row : Api.parse(body).path("results").path(0).path("values")) {
            out.add(row.path(0).asString());
        }
        return out;
    }

    /** Polls until a write through {@code p} answers 503: no leader can be elected. */
    private static void awaitNoQuorum(NodeProcess p) {
        ClusterNodes.poll("503 for a write through " + p.raftAddress() + " without quorum", ClusterNodes.SETTLE,
                () -> api(p).post("/db/execute?timeout=2s", "[[\"INSERT INTO qr(v) VALUES('lost')\"]]").status() == 503
                        ? true : null);
        Api.Response r = api(p).post("/db/execute?timeout=2s", "[[\"INSERT INTO qr(v) VALUES('lost')\"]]");
        assertThat(r.status()).as(r.body()).isEqualTo(503);
        assertThat(r.body()).contains("leader not found");
    }

    /** rqlite's format: every member with its ID, Raft address and suffrage. */
    private static void writePeersJson(Path dataDir, List<NodeProcess> members) throws IOException {
        StringBuilder json = new StringBuilder("[\n");
        for (int i = 0; i < members.size(); i++) {
            NodeProcess m = members.get(i);
            json.append(i == 0 ? "" : ",\n").append("  {\"id\": \"").append(id(m)).append("\", \"address\": \"")
                    .append(m.raftAddress()).append("\", \"non_voter\": false}");
        }
        Files.writeString(dataDir.resolve("raft/peers.json"), json.append("\n]\n"));
    }

    private static void awaitRenamed(NodeProcess p) {
        Path raft = p.dataDir().resolve("raft");
        ClusterNodes.poll("peers.json renamed to peers.json.applied on " + p.raftAddress(), ClusterNodes.SETTLE,
                () -> !Files.exists(raft.resolve("peers.json")) && Files.exists(raft.resolve("peers.json.applied"))
                        ? true : null);
    }

    private static Path logFile(NodeProcess p) {
        return p.dataDir().resolveSibling(p.dataDir().getFileName() + ".log");
    }

    private static List<String> logLines(NodeProcess p) throws IOException {
        return Files.exists(logFile(p)) ? Files.readAllLines(logFile(p)) : List.of();
    }

    private static List<String> newLogLines(NodeProcess p, long from) throws IOException {
        List<String> all = logLines(p);
        return all.subList((int) Math.min(from, all.size()), all.size());
    }
}
