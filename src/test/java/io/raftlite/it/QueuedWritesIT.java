package io.raftlite.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/**
 * Queued writes, {@code POST /db/execute?queue} (spec section 4), on a single node: the exact reply
 * shape rqlite's e2e helpers match, sequence numbers, {@code wait} as a flush barrier, the quirks of
 * malformed bodies, and rewriting at enqueue time.
 */
@ExtendWith(SharedNode.class)
class QueuedWritesIT {
    /** What rqlite's e2e helpers accept, and nothing more. */
    private static final Pattern REPLY = Pattern.compile("\\{\"results\":\\[],\"sequence_number\":(\\d+)}");
    private static final Pattern TIMED_REPLY =
            Pattern.compile("\\{\"results\":\\[],\"time\":([0-9.eE+-]+),\"sequence_number\":(\\d+)}");
    private static final String TABLE = "queuedwrites_t";
    private static final long DEADLINE_MS = 30_000;

    private final Api api = SharedNode.api();

    @BeforeAll
    static void createTable() {
        SharedNode.api().execute("[\"CREATE TABLE " + TABLE + " (id INTEGER PRIMARY KEY, tag TEXT, n INTEGER, r INTEGER)\"]");
    }

    // ---- helpers ----

    /** Posts a queued write, checks the reply is exactly rqlite's shape, returns the sequence number. */
    private long queued(String params, String body) {
        Api.Response r = api.post("/db/execute?" + params, body);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.header("Content-Type")).startsWith("application/json");
        Matcher m = REPLY.matcher(r.body());
        assertThat(m.matches()).as("reply shape: %s", r.body()).isTrue();
        return Long.parseLong(m.group(1));
    }

    private String insert(String tag, int n) {
        return "[[\"INSERT INTO " + TABLE + "(tag, n) VALUES(?, ?)\", \"" + tag + "\", " + n + "]]";
    }

    private long count(String tag) {
        String sql = "SELECT COUNT(*) FROM " + TABLE + " WHERE tag = '" + tag + "'";
        return Api.parse(api.query(sql)).get("results").get(0).get("values").get(0).get(0).asLong();
    }

    private long awaitCount(String tag, long expected) throws InterruptedException {
        long deadline = System.currentTimeMillis() + DEADLINE_MS;
        long n = count(tag);
        while (n != expected && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
            n = count(tag);
        }
        return n;
    }

    private long statusSequenceNumber() {
        Api.Response r = api.get("/status");
        assertThat(r.status()).isEqualTo(200);
        return r.json().get("http").get("queue").get("_default").get("sequence_number").asLong();
    }

    // ---- tests ----

    @Test
    void replyIsExactlyResultsAndSequenceNumberAndNumbersIncrease() throws InterruptedException {
        long before = System.currentTimeMillis();
        long a = queued("queue", insert("shape", 1));
        long b = queued("queue", insert("shape", 2));
        long c = queued("queue=true", insert("shape", 3));
        assertThat(b).isGreaterThan(a);
        assertThat(c).isGreaterThan(b);
        // Initialised to the node's start time in Unix nanoseconds, plus one per queued request.
        assertThat(a).isLessThan(before * 1_000_000L).isGreaterThan((before - 6 * 3_600_000L) * 1_000_000L);
        // Accepted means written eventually, without wait.
        assertThat(awaitCount("shape", 3)).isEqualTo(3);
    }

    @Test
    void waitMakesTheWriteVisibleToTheNextRead() {
        for (int i = 1; i <= 5; i++) {
            queued("queue&wait", insert("wait", i));
            assertThat(count("wait")).isEqualTo(i);
        }
        String max = api.query("SELECT MAX(n) FROM " + TABLE + " WHERE tag = 'wait'", "level=none");
        assertThat(Api.parse(max).get("results").get(0).get("values").get(0).get(0).asLong()).isEqualTo(5);
    }

    @Test
    void waitWithAnEmptyBodyIsAFlushBarrier() {
        int n = 40;
        for (int i = 0; i < n; i++) {
            queued("queue", insert("barrier", i));
        }
        long seq = queued("queue&wait", "");
        assertThat(count("barrier")).isEqualTo(n);
        assertThat(statusSequenceNumber()).isGreaterThanOrEqualTo(seq);
    }

    @Test
    void waitWithAnEmptyArrayIsAFlushBarrierToo() {
        for (int i = 0; i < 10; i++) {
            queued("queue", insert("barrier2", i));
        }
        queued("queue&wait", "[]");
        assertThat(count("barrier2")).isEqualTo(10);
    }

    @Test
    void emptyArrayWithoutWaitIsRejected() {
        Api.Response r = api.post("/db/execute?queue", "[]");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body()).isEqualTo("no statements\n");
        assertThat(r.header("Content-Type")).startsWith("text/plain");
    }

    @ParameterizedTest(name = "body {0}")
    @ValueSource(strings = {"", "not json", "{\"a\": 1}", "[1]", "[[]]", "[\"INSERT INTO queuedwrites_t(tag) VALUES('bad')\"",
        "[[1, \"x\"]]", "[\"INSERT INTO queuedwrites_t(tag) VALUES('bad')\", {\"a\": 1}]"})
    void otherMalformedBodiesAreAcceptedWithNothingQueued(String body) {
        long seq = queued("queue", body);
        assertThat(seq).isPositive();
        queued("queue&wait", "");
        assertThat(count("bad")).isZero();
    }

    @Test
    void malformedBodyWithWaitIsAcceptedToo() {
        queued("queue&wait", "not json");
        queued("queue&wait", "{}");
    }

    @Test
    void timingsAddsTime() {
        Api.Response r = api.post("/db/execute?queue&timings", insert("timings", 1));
        assertThat(r.status()).isEqualTo(200);
        Matcher m = TIMED_REPLY.matcher(r.body());
        assertThat(m.matches()).as(r.body()).isTrue();
        assertThat(Double.parseDouble(m.group(1))).isPositive().isLessThan(60);

        Api.Response w = api.post("/db/execute?queue&wait&timings", insert("timings", 2));
        assertThat(TIMED_REPLY.matcher(w.body()).matches()).as(w.body()).isTrue();
        assertThat(count("timings")).isEqualTo(2);
    }

    @Test
    void manyConcurrentQueuedWritesAllLand() throws Exception {
        int threads = 8;
        int perThread = 40;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<List<Long>>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    List<Long> seqs = new ArrayList<>();
                    for (int i = 0; i < perThread; i++) {
                        // Some requests carry two statements.
                        String body = i % 5 == 0
                                ? "[[\"INSERT INTO " + TABLE + "(tag, n) VALUES('many', ?)\", " + (thread * 1000 + i) + "],"
                                        + "[\"INSERT INTO " + TABLE + "(tag, n) VALUES('many2', ?)\", " + (thread * 1000 + i) + "]]"
                                : insert("many", thread * 1000 + i);
                        seqs.add(queued("queue", body));
                    }
                    return seqs;
                }));
            }
            Set<Long> all = new HashSet<>();
            long last = 0;
            for (Future<List<Long>> f : futures) {
                List<Long> seqs = f.get(120, TimeUnit.SECONDS);
                for (int i = 1; i < seqs.size(); i++) {
                    assertThat(seqs.get(i)).isGreaterThan(seqs.get(i - 1));
                }
                all.addAll(seqs);
                last = Math.max(last, seqs.get(seqs.size() - 1));
            }
            assertThat(all).hasSize(threads * perThread);

            long barrier = queued("queue&wait", "");
            assertThat(barrier).isGreaterThan(last);
            assertThat(count("many")).isEqualTo(threads * perThread);
            assertThat(count("many2")).isEqualTo(threads * perThread / 5);
            String distinct = api.query("SELECT COUNT(DISTINCT n) FROM " + TABLE + " WHERE tag = 'many'");
            assertThat(Api.parse(distinct).get("results").get(0).get("values").get(0).get(0).asLong())
                    .isEqualTo(threads * perThread);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void statusReportsTheHighestWrittenSequenceNumber() throws InterruptedException {
        long seq = queued("queue", insert("status", 1));
        long deadline = System.currentTimeMillis() + DEADLINE_MS;
        while (statusSequenceNumber() < seq && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertThat(statusSequenceNumber()).isGreaterThanOrEqualTo(seq);
        assertThat(count("status")).isEqualTo(1);

        long waited = queued("queue&wait", insert("status", 2));
        assertThat(statusSequenceNumber()).isGreaterThanOrEqualTo(waited);
    }

    @Test
    void waitTimeoutIs408ButTheWriteStillLands() throws InterruptedException {
        // The queue waits -write-queue-timeout (50ms) for more requests before writing, so 1ns expires first.
        Api.Response r = api.post("/db/execute?queue&wait&timeout=1ns", insert("timeout", 1));
        assertThat(r.status()).isEqualTo(408);
        assertThat(r.body()).isEqualTo("queue wait timeout\n");
        assertThat(awaitCount("timeout", 1)).isEqualTo(1);
    }

    @Test
    void sqlErrorsInABatchDoNotStopTheOtherStatements() {
        queued("queue", "[\"INSERT INTO queuedwrites_missing VALUES(1)\"]");
        queued("queue", insert("after-error", 1));
        queued("queue&wait", "[\"INSERT INTO queuedwrites_missing VALUES(2)\"]");
        assertThat(count("after-error")).isEqualTo(1);
    }

    @Test
    void randomIsRewrittenAtEnqueueEvenWithNoparse() {
        // Five rows from one statement: if random() reached SQLite it would give five values; the
        // rewritten statement carries one literal.
        String sql = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 5) "
                + "INSERT INTO " + TABLE + "(tag, r) SELECT ?, random() FROM c";
        queued("queue&wait", "[[\"" + sql + "\", \"rw\"]]");
        queued("queue&wait&noparse", "[[\"" + sql + "\", \"rw-noparse\"]]");
        queued("queue&wait&norwrandom", "[[\"" + sql + "\", \"rw-off\"]]");
        // noparse is ignored for queued writes, but the rewrite opt-outs still count.
        queued("queue&wait&noparse&norwrandom", "[[\"" + sql + "\", \"rw-noparse-off\"]]");

        assertThat(distinctR("rw")).isEqualTo(1);
        assertThat(distinctR("rw-noparse")).isEqualTo(1);
        assertThat(distinctR("rw-off")).isEqualTo(5);
        assertThat(distinctR("rw-noparse-off")).isEqualTo(5);
    }

    private long distinctR(String tag) {
        String sql = "SELECT COUNT(*), COUNT(DISTINCT r) FROM " + TABLE + " WHERE tag = '" + tag + "'";
        var row = Api.parse(api.query(sql)).get("results").get(0).get("values").get(0);
        assertThat(row.get(0).asLong()).as("rows for " + tag).isEqualTo(5);
        return row.get(1).asLong();
    }

    @Test
    void writeQueueFlagsSetBatchingAndTransactions(@TempDir Path dir) throws InterruptedException {
        NodeProcess node = NodeProcess.start(dir.resolve("node"), "-write-queue-tx", "-write-queue-batch-size", "3",
                "-write-queue-timeout", "60s", "-write-queue-capacity", "16");
        try {
            Api own = new Api(node);
            JsonNode q = own.get("/status").json().get("http").get("queue").get("_default");
            assertThat(q.get("batch_size").asLong()).isEqualTo(3);
            assertThat(q.get("max_size").asLong()).isEqualTo(16);
            assertThat(q.get("timeout").asString()).isEqualTo("1m0s");
            own.execute("[\"CREATE TABLE t (id INTEGER PRIMARY KEY, tag TEXT)\"]");

            // A batch is written once it holds 3 requests; here the queue waits up to 60s for them.
            Api.Response lonely = own.post("/db/execute?queue&wait&timeout=1s", "[\"INSERT INTO t(tag) VALUES('good')\"]");
            assertThat(lonely.status()).isEqualTo(408);
            assertThat(lonely.body()).isEqualTo("queue wait timeout\n");

            // The batch (the request above and these two) runs in one transaction: one failing
            // statement rolls it all back.
            queuedOn(own, "[\"INSERT INTO t(tag) VALUES('bad')\"]");
            long third = queuedOn(own, "[\"INSERT INTO nope VALUES(1)\"]");
            awaitStatusSequence(own, third);
            assertThat(countOn(own)).isZero();

            queuedOn(own, "[\"INSERT INTO t(tag) VALUES('good')\"]");
            queuedOn(own, "[\"INSERT INTO t(tag) VALUES('good')\"]");
            // A full batch is written at once, not after the 60s timeout.
            long start = System.nanoTime();
            queuedOn(own, "wait", "[\"INSERT INTO t(tag) VALUES('good')\"]");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
            assertThat(countOn(own)).isEqualTo(3);
        } finally {
            node.stop();
        }
    }

    private static long queuedOn(Api own, String body) {
        return queuedOn(own, "", body);
    }

    private static long queuedOn(Api own, String extra, String body) {
        Api.Response r = own.post("/db/execute?queue" + (extra.isEmpty() ? "" : "&" + extra), body);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        Matcher m = REPLY.matcher(r.body());
        assertThat(m.matches()).as(r.body()).isTrue();
        return Long.parseLong(m.group(1));
    }

    private static void awaitStatusSequence(Api own, long seq) throws InterruptedException {
        long deadline = System.currentTimeMillis() + DEADLINE_MS;
        long current = 0;
        while (System.currentTimeMillis() < deadline) {
            current = own.get("/status").json().get("http").get("queue").get("_default").get("sequence_number").asLong();
            if (current >= seq) {
                return;
            }
            Thread.sleep(20);
        }
        assertThat(current).as("status sequence_number").isGreaterThanOrEqualTo(seq);
    }

    private static long countOn(Api own) {
        return Api.parse(own.query("SELECT COUNT(*) FROM t")).get("results").get(0).get("values").get(0).get(0).asLong();
    }

    @Test
    void disallowedPragmaIsRefusedInsteadOfQueued() {
        // synchronous is already OFF, so this would be harmless if it did reach SQLite. Refused up
        // front like an unqueued write; rqlite would queue it and retry the failing batch forever.
        for (String params : new String[] {"queue", "queue&wait"}) {
            Api.Response r = api.post("/db/execute?" + params,
                    "[\"INSERT INTO " + TABLE + "(tag) VALUES('pragma')\", \"PRAGMA synchronous=OFF\"]");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("{\"results\":[],\"error\":\"disallowed pragma\"}");
        }
        queued("queue&wait", "");
        assertThat(count("pragma")).isZero();
    }

    @Test
    void queueIsOnlyForExecute() {
        // /db/request ignores queue: the statement is executed at once and results come back.
        Api.Response r = api.post("/db/request?queue", insert("request-queue", 1));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("results").get(0).get("rows_affected").asLong()).isEqualTo(1);
        assertThat(r.json().has("sequence_number")).isFalse();
        assertThat(count("request-queue")).isEqualTo(1);
    }

    @Test
    void plainTextBodyIsNotAQueuedForm() {
        String sql = "INSERT INTO " + TABLE + "(tag) VALUES('plain-queued')";
        Api.Response r = api.post("/db/execute?queue", "text/plain", sql.getBytes(StandardCharsets.UTF_8));
        assertThat(r.status()).isEqualTo(200);
        assertThat(REPLY.matcher(r.body()).matches()).as(r.body()).isTrue();
        queued("queue&wait", "");
        assertThat(count("plain-queued")).isZero();
    }
}
