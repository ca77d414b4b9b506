package io.raftlite.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Container threads (docs/architecture.md): a node runs few Tomcat worker threads, and a request
 * waiting for its commit holds none of them, so many more clients than threads can wait at once.
 */
class ContainerThreadsIT {
    private static final int CLIENTS = 32;
    private static final int ROUNDS = 10;
    private static final Pattern WORKER = Pattern.compile("\"http-nio-[^\"]*-exec-\\d+\"");

    @TempDir
    Path tmp;

    @Test
    void defaultIsTwoWorkersPerCoreAndAtLeastFour() throws Exception {
        try (NodeProcess node = NodeProcess.start(tmp.resolve("n1"))) {
            int expected = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());
            assertThat(workers(node.pid())).isEqualTo(expected);
        }
    }

    @Test
    void writesWaitingForTheirCommitHoldNoWorker() throws Exception {
        try (NodeProcess node = NodeProcess.start(tmp.resolve("n2"), "--server.tomcat.threads.max=2")) {
            assertThat(workers(node.pid())).isEqualTo(2);
            Api api = new Api(node);
            api.execute("[\"CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)\"]");
            // With two workers, a write that held its worker until committed would leave at most two
            // requests to share an entry; here many more waited at once.
            assertThat(concurrentWrites(api)).isGreaterThan(2);
            assertThat(count(api)).isEqualTo(ROUNDS * CLIENTS);
        }
    }

    @Test
    void writesForwardedByAFollowerHoldNoWorkerThere() throws Exception {
        try (LoopbackCluster cluster = new LoopbackCluster(Files.createDirectories(tmp.resolve("c")), 3,
                i -> List.of("--server.tomcat.threads.max=2"))) {
            cluster.launchAll();
            cluster.awaitAllReady();
            int follower = cluster.follower(cluster.awaitLeader(), 0);
            Api api = cluster.api(follower);
            api.execute("[\"CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)\"]");
            // Each forwarded write is its own request to the leader; the leader can only put more
            // than two in one entry if more than two were travelling from the follower at once.
            assertThat(concurrentWrites(api)).isGreaterThan(2);
            assertThat(count(api)).isEqualTo(ROUNDS * CLIENTS);
        }
    }

    /**
     * Rounds of concurrent single-row writes to {@code t}; checks each answer is the request's own,
     * and returns the most requests that shared one log entry.
     */
    private static int concurrentWrites(Api api) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        Map<Long, Integer> requestsPerIndex = new HashMap<>();
        try {
            for (int round = 0; round < ROUNDS; round++) {
                List<CompletableFuture<Api.Response>> answers = new ArrayList<>();
                for (int c = 0; c < CLIENTS; c++) {
                    int id = round * CLIENTS + c + 1;
                    String body = "[\"INSERT INTO t(id, v) VALUES(" + id + ", 'v')\"]";
                    answers.add(CompletableFuture.supplyAsync(() -> api.post("/db/execute?raft_index", body), pool));
                }
                for (int c = 0; c < CLIENTS; c++) {
                    Api.Response r = answers.get(c).get(60, TimeUnit.SECONDS);
                    assertThat(r.status()).as(r.body()).isEqualTo(200);
                    JsonNode json = r.json();
                    assertThat(json.get("results").get(0).get("last_insert_id").asLong()).as(r.body())
                            .isEqualTo(round * CLIENTS + c + 1);
                    requestsPerIndex.merge(json.get("raft_index").asLong(), 1, Integer::sum);
                }
            }
        } finally {
            pool.shutdownNow();
        }
        return requestsPerIndex.values().stream().mapToInt(Integer::intValue).max().orElse(0);
    }

    private static long count(Api api) {
        String count = api.query("SELECT COUNT(*) FROM t", "level=strong");
        return Api.parse(count).get("results").get(0).get("values").get(0).get(0).asLong();
    }

    private static int workers(long pid) throws Exception {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "Thread.print").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        Matcher m = WORKER.matcher(out);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }
}
