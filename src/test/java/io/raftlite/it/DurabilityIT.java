package io.raftlite.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.DBOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import tools.jackson.databind.JsonNode;

/**
 * Durability of the Raft store: every acknowledged write survives a clean restart and a
 * {@code kill -9} exactly once, snapshots restore and compact the log, snapshots do not stop writes,
 * and bad input never damages stored data. Each test runs its own node in its own data directory.
 */
class DurabilityIT {
    @TempDir
    Path tmp;

    private final List<NodeProcess> nodes = new ArrayList<>();

    @AfterEach
    void stopNodes() {
        for (NodeProcess n : nodes) {
            try {
                n.stop();
            } finally {
                n.close();
            }
        }
    }

    private NodeProcess start(String name, String... flags) {
        NodeProcess n = NodeProcess.start(tmp.resolve(name), flags);
        nodes.add(n);
        return n;
    }

    // ---------------------------------------------------------------------------------------------
    // 1. Clean restart

    @Test
    void cleanRestartNeitherLosesNorReappliesNonIdempotentWrites() {
        NodeProcess node = start("clean");
        Api api = new Api(node);
        ok(api, "[\"CREATE TABLE d_rows (id INTEGER PRIMARY KEY, v TEXT)\", "
                + "\"CREATE TABLE d_ctr (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)\", "
                + "\"INSERT INTO d_ctr(id, n) VALUES(1, 0)\"]");
        for (int i = 1; i <= 150; i++) {
            JsonNode r = ok(api, "[[\"INSERT INTO d_rows(v) VALUES(?)\", \"r" + i + "\"]]").get(0);
            assertThat(r.get("last_insert_id").asLong()).isEqualTo(i);
            ok(api, "[\"UPDATE d_ctr SET n = n + 1 WHERE id = 1\"]");
        }
        // one entry holding several non-idempotent statements, in a transaction
        ok(api, "/db/execute?transaction", "[\"INSERT INTO d_rows(v) VALUES('tx1')\", "
                + "\"UPDATE d_ctr SET n = n + 10 WHERE id = 1\", \"INSERT INTO d_rows(v) VALUES('tx2')\"]");

        node.stop();
        assertThat(node.dataDir().resolve("db/clean-shutdown"))
                .as("a clean shutdown records the applied index").exists();
        node.restart();
        assertCleanState(api, 152, 160);
        JsonNode next = ok(api, "[[\"INSERT INTO d_rows(v) VALUES(?)\", \"after-restart\"]]").get(0);
        assertThat(next.get("last_insert_id").asLong()).as("ids continue after the restart").isEqualTo(153);
        ok(api, "[\"UPDATE d_ctr SET n = n + 1 WHERE id = 1\"]");
        assertCleanState(api, 153, 161);

        // a second clean restart, then a crash after it: the marker of the first must not be trusted
        node.stop();
        node.restart();
        assertCleanState(api, 153, 161);
        ok(api, "[\"UPDATE d_ctr SET n = n + 1 WHERE id = 1\"]");
        node.kill();
        assertThat(node.dataDir().resolve("db/clean-shutdown")).doesNotExist();
        node.restart();
        assertCleanState(api, 153, 162);
        assertThat(scalar(api, "SELECT v FROM d_rows WHERE id = 153")).isEqualTo("after-restart");
    }

    private static void assertCleanState(Api api, long rows, long counter) {
        assertThat(longValue(api, "SELECT count(*) FROM d_rows")).isEqualTo(rows);
        assertThat(longValue(api, "SELECT max(id) FROM d_rows")).isEqualTo(rows);
        assertThat(longValue(api, "SELECT count(DISTINCT v) FROM d_rows")).isEqualTo(rows);
        assertThat(longValue(api, "SELECT n FROM d_ctr WHERE id = 1")).as("counter: no entry applied twice").isEqualTo(counter);
    }

    // ---------------------------------------------------------------------------------------------
    // 2. kill -9 under write load

    /** What the writers tried and what the node acknowledged, over all cycles. */
    private static final class Ledger {
        final Set<String> attempted = ConcurrentHashMap.newKeySet();
        final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        final AtomicLong incrementsAttempted = new AtomicLong();
        final AtomicLong incrementsAcknowledged = new AtomicLong();
        final ConcurrentLinkedQueue<String> unexpectedFailures = new ConcurrentLinkedQueue<>();
    }

    @Test
    void killDashNineUnderWriteLoadLosesAndDuplicatesNothing() throws Exception {
        // a small threshold, so that kills also land during snapshot copies and log compaction
        NodeProcess node = start("kill", "--raftlite.raft.snapshot-threshold=1000", "--raftlite.raft.snapshot-interval=100ms");
        Api api = new Api(node);
        ok(api, "[\"CREATE TABLE d_load (id INTEGER PRIMARY KEY, v TEXT NOT NULL)\", "
                + "\"CREATE TABLE d_counter (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)\", "
                + "\"INSERT INTO d_counter(id, n) VALUES(1, 0)\"]");
        Ledger ledger = new Ledger();
        for (int cycle = 1; cycle <= 3; cycle++) {
            int ackedBefore = ledger.acknowledged.size();
            AtomicBoolean killed = new AtomicBoolean();
            AtomicBoolean stop = new AtomicBoolean();
            List<Thread> writers = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                String prefix = "c" + cycle + "-t" + t + "-";
                Thread w = new Thread(() -> write(api, prefix, ledger, killed, stop), "writer-" + prefix);
                writers.add(w);
                w.start();
            }
            // let the load run, then kill the node while the writers are still going
            long deadline = System.nanoTime() + 20_000_000_000L;
            long earliestKill = System.nanoTime() + 2_500_000_000L;
            while (System.nanoTime() < deadline
                    && (System.nanoTime() < earliestKill || ledger.acknowledged.size() - ackedBefore < 100)) {
                Thread.sleep(20);
            }
            killed.set(true);
            node.kill();
            stop.set(true);
            for (Thread w : writers) {
                w.join(120_000);
                assertThat(w.isAlive()).isFalse();
            }
            assertThat(ledger.unexpectedFailures).as("writes failing before the kill").isEmpty();
            assertThat(ledger.acknowledged.size() - ackedBefore).as("writes acknowledged in cycle " + cycle)
                    .isGreaterThanOrEqualTo(100);

            node.restart();
            assertLedger(api, ledger, cycle);
        }
        // and the node still takes writes, with ids after every row that survived
        long maxId = longValue(api, "SELECT max(id) FROM d_load");
        JsonNode r = ok(api, "[[\"INSERT INTO d_load(v) VALUES(?)\", \"final\"]]").get(0);
        assertThat(r.get("last_insert_id").asLong()).isEqualTo(maxId + 1);
    }

    private static void write(Api api, String prefix, Ledger ledger, AtomicBoolean killed, AtomicBoolean stop) {
        for (int i = 0; !stop.get(); i++) {
            String v = prefix + i;
            ledger.attempted.add(v);
            if (succeeded(api, "[[\"INSERT INTO d_load(v) VALUES(?)\", \"" + v + "\"]]", killed, ledger)) {
                ledger.acknowledged.add(v);
            } else if (killed.get()) {
                return;
            }
            ledger.incrementsAttempted.incrementAndGet();
            if (succeeded(api, "[\"UPDATE d_counter SET n = n + 1 WHERE id = 1\"]", killed, ledger)) {
                ledger.incrementsAcknowledged.incrementAndGet();
            } else if (killed.get()) {
                return;
            }
        }
    }

    /** An acknowledged single-row write: 200 and one row affected. */
    private static boolean succeeded(Api api, String body, AtomicBoolean killed, Ledger ledger) {
        String outcome;
        try {
            Api.Response r = api.post("/db/execute", body);
            if (r.status() == 200) {
                JsonNode result = r.json().get("results").get(0);
                if (!result.has("error") && result.path("rows_affected").asLong() == 1) {
                    return true;
                }
            }
            outcome = r.status() + " " + r.body();
        } catch (RuntimeException e) {
            outcome = e.toString();
        }
        if (!killed.get()) {
            ledger.unexpectedFailures.add(body + " -> " + outcome);
        }
        return false;
    }

    private static void assertLedger(Api api, Ledger ledger, int cycle) {
        JsonNode dup = results(api.query("SELECT v, count(*) FROM d_load GROUP BY v HAVING count(*) > 1 LIMIT 10", "level=strong"));
        assertThat(dup.path("values").size()).as("values written twice after cycle " + cycle + ", e.g. " + dup.path("values")).isZero();
        Set<String> present = new HashSet<>();
        for (JsonNode row : results(api.query("SELECT v FROM d_load", "level=strong")).path("values")) {
            present.add(row.get(0).asString());
        }
        Set<String> lost = new HashSet<>(ledger.acknowledged);
        lost.removeAll(present);
        assertThat(lost).as("acknowledged writes lost after cycle " + cycle).isEmpty();
        Set<String> invented = new HashSet<>(present);
        invented.removeAll(ledger.attempted);
        assertThat(invented).as("rows never written").isEmpty();
        long n = longValue(api, "SELECT n FROM d_counter WHERE id = 1");
        System.out.printf("DurabilityIT: after kill %d: %d rows (%d acknowledged, %d attempted), counter %d "
                        + "(%d acknowledged, %d attempted), last snapshot index %d%n", cycle, present.size(),
                ledger.acknowledged.size(), ledger.attempted.size(), n, ledger.incrementsAcknowledged.get(),
                ledger.incrementsAttempted.get(), status(api).path("store").path("raft").path("last_snapshot_index").asLong());
        assertThat(n).as("counter after cycle " + cycle + " (acknowledged " + ledger.incrementsAcknowledged
                        + ", attempted " + ledger.incrementsAttempted + ")")
                .isBetween(ledger.incrementsAcknowledged.get(), ledger.incrementsAttempted.get());
    }

    // ---------------------------------------------------------------------------------------------
    // 3. Snapshots restore and compact the log

    @Test
    void snapshotsCompactTheLogAndRestoreAfterCrashAndCleanRestart() throws Exception {
        NodeProcess node = start("snap", "--raftlite.raft.snapshot-threshold=200",
                "--raftlite.raft.snapshot-interval=200ms");
        Api api = new Api(node);
        ok(api, "[\"CREATE TABLE d_snap (id INTEGER PRIMARY KEY, v TEXT NOT NULL)\", "
                + "\"CREATE TABLE d_snapctr (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)\", "
                + "\"INSERT INTO d_snapctr VALUES(1, 0)\"]");
        int threads = 4;
        int perThread = 500;
        List<Thread> writers = new ArrayList<>();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            Thread w = new Thread(() -> {
                for (int i = 0; i < perThread; i++) {
                    String body = i % 5 == 4
                            ? "[\"UPDATE d_snapctr SET n = n + 1 WHERE id = 1\"]"
                            : "[[\"INSERT INTO d_snap(v) VALUES(?)\", \"s" + thread + "-" + i + "\"]]";
                    try {
                        Api.Response r = api.post("/db/execute", body);
                        if (r.status() != 200 || r.body().contains("\"error\"")) {
                            failures.add(r.status() + " " + r.body());
                        }
                    } catch (RuntimeException e) {
                        failures.add(e.toString());
                    }
                }
            });
            writers.add(w);
            w.start();
        }
        for (Thread w : writers) {
            w.join(300_000);
        }
        assertThat(failures).isEmpty();
        // Concurrent writers share log entries (group commit), so the log is topped up by a lone
        // client, one request per entry, until a snapshot at or past index 1000 must follow (one is
        // taken whenever 200 entries were applied since the last).
        int padding = 0;
        while (padding < 5000 && status(api).path("store").path("raft").path("last_log_index").asLong() < 1300) {
            ok(api, "[\"UPDATE d_snapctr SET n = n + 1 WHERE id = 1\"]");
            padding++;
        }
        long rows = threads * perThread * 4 / 5;
        long increments = threads * perThread / 5 + padding;

        long lastSnapshot = pollSnapshotIndex(api, 1000);
        assertThat(lastSnapshot).as("automatic snapshots by threshold").isGreaterThanOrEqualTo(1000);
        // jraft truncates the log up to the snapshot before the newest one, and a snapshot asked for
        // with nothing applied since the last one is a no-op: so apply a few entries, then take one
        // (its predecessor is at or after lastSnapshot), then leave a tail shorter than the threshold.
        for (int i = 0; i < 10; i++) {
            ok(api, "[[\"INSERT INTO d_snap(v) VALUES(?)\", \"tail-" + i + "\"]]");
        }
        assertThat(api.post("/snapshot", "").status()).isIn(200, 204);
        for (int i = 10; i < 50; i++) {
            ok(api, "[[\"INSERT INTO d_snap(v) VALUES(?)\", \"tail-" + i + "\"]]");
        }
        ok(api, "[\"UPDATE d_snapctr SET n = n + 1000 WHERE id = 1\"]");
        rows += 50;
        increments += 1000;
        long lastLogIndex = status(api).path("store").path("raft").path("last_log_index").asLong();

        // Log compaction, read from jraft's log store itself once the node is down.
        node.stop();
        long firstLogIndex = firstLogIndex(node.dataDir().resolve("raft/log"));
        assertThat(firstLogIndex).as("first index in the Raft log after snapshots (last log index " + lastLogIndex + ")")
                .isGreaterThan(1000).isLessThanOrEqualTo(lastLogIndex);
        assertThat(logHasEntry(node.dataDir().resolve("raft/log"), 2)).as("early entry 2 still in the log").isFalse();
        assertThat(logHasEntry(node.dataDir().resolve("raft/log"), 1000)).as("entry 1000 still in the log").isFalse();
        assertThat(logHasEntry(node.dataDir().resolve("raft/log"), lastLogIndex)).as("the last entry is kept").isTrue();

        node.restart();
        assertSnapState(api, rows, increments);
        assertThat(status(api).path("store").path("raft").path("last_snapshot_index").asLong()).isPositive();

        // kill -9: the database is rebuilt from the last snapshot plus the tail of the log
        ok(api, "[[\"INSERT INTO d_snap(v) VALUES(?)\", \"before-kill\"]]");
        rows++;
        long logOffset = Files.size(logFile(node));
        node.kill();
        node.restart();
        assertSnapState(api, rows, increments);
        String logAfterKill = Files.readString(logFile(node)).substring((int) logOffset);
        assertThat(logAfterKill).as("the restart restored the snapshot").contains("database restored from snapshot at index");

        // more snapshots after the crash, then a clean restart and another crash
        for (int i = 0; i < 300; i++) {
            ok(api, "[[\"INSERT INTO d_snap(v) VALUES(?)\", \"after-kill-" + i + "\"]]");
        }
        rows += 300;
        long previous = lastSnapshot;
        pollSnapshotIndex(api, previous + 1);
        node.stop();
        node.restart();
        assertSnapState(api, rows, increments);
        node.kill();
        node.restart();
        assertSnapState(api, rows, increments);
    }

    private static void assertSnapState(Api api, long rows, long increments) {
        assertThat(longValue(api, "SELECT count(*) FROM d_snap")).isEqualTo(rows);
        assertThat(longValue(api, "SELECT count(DISTINCT v) FROM d_snap")).isEqualTo(rows);
        assertThat(longValue(api, "SELECT max(id) FROM d_snap")).isEqualTo(rows);
        assertThat(longValue(api, "SELECT n FROM d_snapctr WHERE id = 1")).isEqualTo(increments);
    }

    private static long pollSnapshotIndex(Api api, long atLeast) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        long index = 0;
        while (System.nanoTime() < deadline) {
            index = status(api).path("store").path("raft").path("last_snapshot_index").asLong();
            if (index >= atLeast) {
                return index;
            }
            Thread.sleep(100);
        }
        return index;
    }

    private static Path logFile(NodeProcess node) {
        return node.dataDir().resolveSibling(node.dataDir().getFileName() + ".log");
    }

    /** jraft keeps the first index of its log under {@code meta/firstLogIndex} in the Configuration column family. */
    private static long firstLogIndex(Path logDir) throws RocksDBException {
        return withLogStore(logDir, (db, conf, data) -> {
            byte[] v = db.get(conf, "meta/firstLogIndex".getBytes(StandardCharsets.UTF_8));
            return v == null ? 1L : java.nio.ByteBuffer.wrap(v).getLong();
        });
    }

    private static boolean logHasEntry(Path logDir, long index) throws RocksDBException {
        return withLogStore(logDir, (db, conf, data) ->
                db.get(data, java.nio.ByteBuffer.allocate(8).putLong(index).array()) != null);
    }

    private interface LogStoreRead<T> {
        T read(RocksDB db, ColumnFamilyHandle conf, ColumnFamilyHandle data) throws RocksDBException;
    }

    private static <T> T withLogStore(Path logDir, LogStoreRead<T> read) throws RocksDBException {
        RocksDB.loadLibrary();
        List<ColumnFamilyDescriptor> cfs = List.of(
                new ColumnFamilyDescriptor("Configuration".getBytes(StandardCharsets.UTF_8)),
                new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY));
        List<ColumnFamilyHandle> handles = new ArrayList<>();
        try (DBOptions options = new DBOptions();
                RocksDB db = RocksDB.openReadOnly(options, logDir.toString(), cfs, handles)) {
            try {
                return read.read(db, handles.get(0), handles.get(1));
            } finally {
                handles.forEach(ColumnFamilyHandle::close);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // 4. Snapshots do not block writes

    /** One write as the client saw it. */
    private record Timed(String value, long startNanos, long endNanos, boolean ok, String outcome) {
    }

    @Test
    void writesIssuedDuringASnapshotSucceedAndAreKept() throws Exception {
        NodeProcess node = start("snapwrites");
        Api api = new Api(node);
        ok(api, "[\"CREATE TABLE d_big (id INTEGER PRIMARY KEY, payload TEXT NOT NULL)\", "
                + "\"CREATE TABLE d_during (id INTEGER PRIMARY KEY, v TEXT NOT NULL)\"]");
        // ~16 MB of data
        StringBuilder chunk = new StringBuilder();
        for (int i = 0; i < 4000; i++) {
            chunk.append((char) ('a' + i % 26));
        }
        for (int req = 0; req < 64; req++) {
            StringBuilder body = new StringBuilder("[");
            for (int row = 0; row < 64; row++) {
                body.append(row == 0 ? "" : ",").append("[\"INSERT INTO d_big(payload) VALUES(?)\", \"")
                        .append(req).append('-').append(row).append('-').append(chunk).append("\"]");
            }
            ok(api, body.append(']').toString());
        }
        assertThat(status(api).path("store").path("sqlite3").path("size").asLong()).isGreaterThan(16_000_000L);

        AtomicBoolean stop = new AtomicBoolean();
        ConcurrentLinkedQueue<Timed> writes = new ConcurrentLinkedQueue<>();
        List<Thread> writers = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            String prefix = "w" + t + "-";
            Thread w = new Thread(() -> {
                for (int i = 0; !stop.get(); i++) {
                    String v = prefix + i;
                    long start = System.nanoTime();
                    boolean ok = false;
                    String outcome;
                    try {
                        Api.Response r = api.post("/db/execute", "[[\"INSERT INTO d_during(v) VALUES(?)\", \"" + v + "\"]]");
                        ok = r.status() == 200 && r.json().get("results").get(0).path("rows_affected").asLong() == 1;
                        outcome = r.status() + " " + r.body();
                    } catch (RuntimeException e) {
                        outcome = e.toString();
                    }
                    writes.add(new Timed(v, start, System.nanoTime(), ok, outcome));
                }
            });
            writers.add(w);
            w.start();
        }
        awaitCount(writes, 20);
        long snapStart = System.nanoTime();
        Api.Response snap = api.post("/snapshot", "");
        long snapEnd = System.nanoTime();
        int before = writes.size();
        awaitCount(writes, before + 20);
        stop.set(true);
        for (Thread w : writers) {
            w.join(60_000);
        }
        assertThat(snap.status()).as("POST /snapshot: " + snap.body()).isEqualTo(200);

        List<Timed> overlapping = writes.stream().filter(w -> w.startNanos() < snapEnd && w.endNanos() > snapStart).toList();
        long completedInside = overlapping.stream().filter(w -> w.startNanos() >= snapStart && w.endNanos() <= snapEnd).count();
        System.out.printf("DurabilityIT: snapshot of a %d-byte database took %d ms; %d writes overlapped it, "
                        + "%d started and completed while it ran%n",
                status(api).path("store").path("sqlite3").path("size").asLong(), (snapEnd - snapStart) / 1_000_000,
                overlapping.size(), completedInside);
        assertThat(overlapping).as("writes in flight while the snapshot ran").isNotEmpty();
        assertThat(writes.stream().filter(w -> !w.ok()).map(Timed::outcome).toList()).as("failed writes").isEmpty();

        Set<String> present = new HashSet<>();
        for (JsonNode row : results(api.query("SELECT v FROM d_during", "level=strong")).path("values")) {
            present.add(row.get(0).asString());
        }
        assertThat(present).containsAll(overlapping.stream().map(Timed::value).toList());
        assertThat(present).hasSize(writes.size());

        // the snapshot is usable: a crash restores it plus the writes after it
        node.kill();
        node.restart();
        assertThat(longValue(api, "SELECT count(*) FROM d_big")).isEqualTo(64 * 64);
        assertThat(longValue(api, "SELECT count(DISTINCT v) FROM d_during")).isEqualTo(writes.size());
        assertThat(longValue(api, "SELECT count(*) FROM d_during")).isEqualTo(writes.size());

        // a crash while a snapshot may be being copied (whenever the kill lands, nothing may be lost)
        ok(api, "[[\"INSERT INTO d_during(v) VALUES(?)\", \"before-snapshot-kill\"]]");
        Thread snapshotter = new Thread(() -> {
            try {
                api.post("/snapshot", "");
            } catch (RuntimeException expected) {
                // the node is killed under it
            }
        });
        snapshotter.start();
        Thread.sleep(30);
        node.kill();
        snapshotter.join(60_000);
        node.restart();
        assertThat(longValue(api, "SELECT count(*) FROM d_big")).isEqualTo(64 * 64);
        assertThat(longValue(api, "SELECT count(*) FROM d_during")).isEqualTo(writes.size() + 1);
        assertThat(api.post("/snapshot", "").status()).isIn(200, 204);
        assertThat(longValue(api, "SELECT count(*) FROM d_during")).isEqualTo(writes.size() + 1);
    }

    private static void awaitCount(ConcurrentLinkedQueue<?> q, int n) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (q.size() < n && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(q.size()).isGreaterThanOrEqualTo(n);
    }

    // ---------------------------------------------------------------------------------------------
    // 5. Bad input

    @Test
    void badInputNeverDamagesStoredData() throws Exception {
        NodeProcess node = start("bad");
        Api api = new Api(node);
        ok(api, "[\"CREATE TABLE d_good (id INTEGER PRIMARY KEY, v TEXT UNIQUE NOT NULL)\", "
                + "\"CREATE TABLE d_goodctr (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)\", "
                + "\"INSERT INTO d_goodctr VALUES(1, 0)\"]");
        for (int i = 0; i < 100; i++) {
            ok(api, "[[\"INSERT INTO d_good(v) VALUES(?)\", \"g" + i + "\"], \"UPDATE d_goodctr SET n = n + 1 WHERE id = 1\"]");
        }

        // malformed bodies and parameters: refused before reaching the log
        assertThat(api.post("/db/execute", "{not json").status()).isEqualTo(400);
        assertThat(api.post("/db/execute", "[[\"INSERT INTO d_good(v) VALUES(?)\"").status()).isEqualTo(400);
        assertThat(api.post("/db/execute", "[[\"INSERT INTO d_good(v) VALUES(?)\", {\"a\": {\"b\": 1}}]]").status())
                .isEqualTo(400);
        assertThat(api.post("/db/execute", "[[\"INSERT INTO d_good(v) VALUES(?)\", [1, 2, 999]]]").status()).isEqualTo(400);
        refusedOrFailed(api, "/db/execute", "[[\"INSERT INTO d_good(v) VALUES(:v)\", {\"w\": \"x\"}]]");
        assertThat(api.post("/db/execute?timeout=abc", "[\"DELETE FROM d_good\"]").status()).isEqualTo(400);
        refusedOrFailed(api, "/db/execute", "[[1, 2]]");
        refusedOrFailed(api, "/db/request", "[{\"sql\": 1}]");
        byte[] garbage = new byte[6 * 1024 * 1024];
        new Random(42).nextBytes(garbage);
        assertThat(api.post("/db/execute", "application/json", garbage).status()).isBetween(400, 499);
        assertThat(api.post("/db/request", "application/json", garbage).status()).isBetween(400, 499);

        // SQL errors, through the log: each entry fails and changes nothing
        assertThat(error(api, "/db/execute", "[\"INSERT INTO nosuch VALUES(1)\"]")).contains("no such table");
        assertThat(error(api, "/db/execute", "[\"INSERT INTO d_good(v) VALUES('g1')\"]")).contains("UNIQUE");
        assertThat(error(api, "/db/execute", "[\"THIS IS NOT SQL\"]")).contains("syntax error");
        assertThat(error(api, "/db/execute", "[[\"INSERT INTO d_good(v) VALUES(?, ?)\", \"x\"]]")).isNotEmpty();
        // a transaction whose second statement fails changes nothing at all
        Api.Response tx = api.post("/db/execute?transaction",
                "[\"DELETE FROM d_good\", \"UPDATE d_goodctr SET n = 0\", \"INSERT INTO nosuch VALUES(1)\"]");
        assertThat(tx.status()).isEqualTo(200);
        assertThat(tx.body()).contains("no such table");
        // a huge entry (several MB) that fails
        StringBuilder big = new StringBuilder("[[\"INSERT INTO nosuch(v) VALUES(?)\", \"");
        big.append("x".repeat(5 * 1024 * 1024)).append("\"]]");
        assertThat(error(api, "/db/execute", big.toString())).contains("no such table");

        // files that claim to be SQLite but are not usable
        byte[] valid = sqliteFile(tmp.resolve("valid.sqlite"), "d_loaded", 2000);
        byte[] badSchema = overwriteWithNoise(valid, 100); // page 1 (the schema) is garbage
        byte[] badPages = overwriteWithNoise(valid, 8192); // the schema is fine, the table's pages are not
        for (byte[] corrupt : List.of(badSchema, badPages)) {
            Api.Response load = api.post("/db/load", "application/octet-stream", corrupt);
            assertThat(load.status()).as("/db/load of a corrupt file: " + load.body()).isEqualTo(400);
        }
        byte[] headerOnly = new byte[4096];
        System.arraycopy("SQLite format 3\0".getBytes(StandardCharsets.US_ASCII), 0, headerOnly, 0, 16);
        assertThat(api.post("/db/load", "application/octet-stream", headerOnly).status()).isEqualTo(400);
        assertThat(api.post("/boot", "application/octet-stream", badPages).status()).isEqualTo(503);
        assertThat(api.post("/boot", "application/octet-stream", garbage).status()).isEqualTo(400);

        assertGoodData(api, 100);
        ok(api, "[[\"INSERT INTO d_good(v) VALUES(?)\", \"after-bad\"], \"UPDATE d_goodctr SET n = n + 1 WHERE id = 1\"]");
        assertGoodData(api, 101);

        // replaying the failed entries after a crash and after a clean restart gives the same data
        node.kill();
        node.restart();
        assertGoodData(api, 101);
        node.stop();
        node.restart();
        assertGoodData(api, 101);
    }

    private static void assertGoodData(Api api, long n) {
        assertThat(longValue(api, "SELECT count(*) FROM d_good")).isEqualTo(n);
        assertThat(longValue(api, "SELECT n FROM d_goodctr WHERE id = 1")).isEqualTo(n);
        assertThat(longValue(api, "SELECT count(*) FROM d_good WHERE v LIKE 'g%'")).isEqualTo(100);
        JsonNode tables = results(api.query("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name", "level=strong"));
        assertThat(tables.path("values").toString()).isEqualTo("[[\"d_good\"],[\"d_goodctr\"]]");
    }

    // ---------------------------------------------------------------------------------------------
    // 6. Loaded and booted databases survive restarts

    @Test
    void loadedAndBootedDatabasesSurviveCleanRestartAndCrash() throws Exception {
        NodeProcess node = start("load");
        Api api = new Api(node);
        ok(api, "[\"CREATE TABLE d_before (id INTEGER PRIMARY KEY)\", \"INSERT INTO d_before VALUES(1)\"]");

        byte[] loaded = sqliteFile(tmp.resolve("load.sqlite"), "d_loaded", 500);
        Api.Response r = api.post("/db/load", "application/octet-stream", loaded);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(tableNames(api)).isEqualTo("[[\"d_loaded\"]]");
        ok(api, "[[\"INSERT INTO d_loaded(v) VALUES(?)\", \"after-load\"]]");
        assertLoaded(api, "d_loaded", 500, 501);

        node.stop();
        node.restart();
        assertLoaded(api, "d_loaded", 500, 501);
        assertThat(tableNames(api)).isEqualTo("[[\"d_loaded\"]]");
        ok(api, "[[\"INSERT INTO d_loaded(v) VALUES(?)\", \"after-clean-restart\"]]");
        node.kill();
        node.restart();
        assertLoaded(api, "d_loaded", 500, 502);
        assertThat(tableNames(api)).isEqualTo("[[\"d_loaded\"]]");

        byte[] booted = sqliteFile(tmp.resolve("boot.sqlite"), "d_booted", 300);
        r = api.post("/boot", "application/octet-stream", booted);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(tableNames(api)).isEqualTo("[[\"d_booted\"]]");
        assertLoaded(api, "d_booted", 300, 300);
        ok(api, "[[\"INSERT INTO d_booted(v) VALUES(?)\", \"after-boot\"]]");

        node.kill();
        node.restart();
        assertLoaded(api, "d_booted", 300, 301);
        assertThat(tableNames(api)).isEqualTo("[[\"d_booted\"]]");
        node.stop();
        node.restart();
        assertLoaded(api, "d_booted", 300, 301);
        assertThat(tableNames(api)).isEqualTo("[[\"d_booted\"]]");
        JsonNode next = ok(api, "[[\"INSERT INTO d_booted(v) VALUES(?)\", \"last\"]]").get(0);
        assertThat(next.get("last_insert_id").asLong()).isEqualTo(302);
    }

    /** {@code fileRows} rows from the file, then {@code rows - fileRows} written through the API. */
    private static void assertLoaded(Api api, String table, long fileRows, long rows) {
        assertThat(longValue(api, "SELECT count(*) FROM " + table)).isEqualTo(rows);
        assertThat(longValue(api, "SELECT max(id) FROM " + table)).isEqualTo(rows);
        assertThat(longValue(api, "SELECT count(*) FROM " + table + " WHERE v LIKE 'row-%'")).isEqualTo(fileRows);
    }

    private static String tableNames(Api api) {
        return results(api.query("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name", "level=strong"))
                .path("values").toString();
    }

    /** A SQLite file (rollback journal) with one table of {@code rows} rows, as bytes. */
    private static byte[] sqliteFile(Path file, String table, int rows) throws SQLException, IOException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            c.setAutoCommit(false);
            try (var st = c.createStatement()) {
                st.execute("CREATE TABLE " + table + " (id INTEGER PRIMARY KEY, v TEXT NOT NULL)");
            }
            try (var ps = c.prepareStatement("INSERT INTO " + table + "(v) VALUES(?)")) {
                for (int i = 0; i < rows; i++) {
                    ps.setString(1, "row-" + i + "-" + "p".repeat(100));
                    ps.executeUpdate();
                }
            }
            c.commit();
        }
        return Files.readAllBytes(file);
    }

    // ---------------------------------------------------------------------------------------------
    // helpers

    /** POST /db/execute; the results array, failing unless 200 and no statement failed. */
    private static JsonNode ok(Api api, String json) {
        return ok(api, "/db/execute", json);
    }

    private static JsonNode ok(Api api, String path, String json) {
        Api.Response r = api.post(path, json);
        assertThat(r.status()).as(path + " " + json + " -> " + r.body()).isEqualTo(200);
        JsonNode results = r.json().get("results");
        for (JsonNode res : results) {
            assertThat(res.has("error")).as(json + " -> " + r.body()).isFalse();
        }
        return results;
    }

    /** The error of the first result of a request answered 200. */
    private static String error(Api api, String path, String json) {
        Api.Response r = api.post(path, json);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode first = r.json().get("results").get(0);
        assertThat(first.has("error")).as(r.body()).isTrue();
        return first.get("error").asString();
    }

    private static JsonNode results(String body) {
        JsonNode r = Api.parse(body).get("results").get(0);
        assertThat(r.has("error")).as(body).isFalse();
        return r;
    }

    private static String scalar(Api api, String sql) {
        return results(api.query(sql, "level=strong")).path("values").get(0).get(0).asString();
    }

    private static long longValue(Api api, String sql) {
        return results(api.query(sql, "level=strong")).path("values").get(0).get(0).asLong();
    }

    private static JsonNode status(Api api) {
        Api.Response r = api.get("/status");
        assertThat(r.status()).isEqualTo(200);
        return r.json();
    }

    /** Refused (4xx) or answered 200 with every statement failed: nothing written either way. */
    private static void refusedOrFailed(Api api, String path, String json) {
        Api.Response r = api.post(path, json);
        if (r.status() == 200) {
            for (JsonNode res : r.json().get("results")) {
                assertThat(res.has("error")).as(json + " -> " + r.body()).isTrue();
            }
        } else {
            assertThat(r.status()).as(json + " -> " + r.body()).isBetween(400, 499);
        }
    }

    private static byte[] overwriteWithNoise(byte[] file, int from) {
        byte[] out = file.clone();
        byte[] noise = new byte[out.length - from];
        new Random(from).nextBytes(noise);
        System.arraycopy(noise, 0, out, from, noise.length);
        return out;
    }
}
