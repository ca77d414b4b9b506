package io.raftlite.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Runs the load loop against a tiny in-test HTTP server and checks what it counted. */
class LoadRunTest {

    static {
        // without it the JDK server's small writes wait for delayed ACKs (~40 ms per answer)
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private HttpServer server;
    private ExecutorService pool;
    private final AtomicInteger requests = new AtomicInteger();
    private final Set<String> bodies = ConcurrentHashMap.newKeySet();
    private volatile int lockedEvery;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        pool = Executors.newFixedThreadPool(8);
        server.setExecutor(pool);
        // rqlite-shaped answers: every 10th has an "error" in its JSON, every 25th is a 500;
        // odd-numbered answers are chunked, even ones have a Content-Length.
        server.createContext("/db/", ex -> {
            int n = requests.incrementAndGet();
            bodies.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            if (n % 25 == 0) {
                answer(ex, 500, "{\"error\":\"internal\"}", n % 2 == 1);
            } else if (n % 10 == 0) {
                answer(ex, 200, "{\"results\":[{\"error\":\"UNIQUE constraint failed\"}]}", n % 2 == 1);
            } else if (ex.getRequestURI().getPath().equals("/db/query")) {
                answer(ex, 200, "{\"results\":[{\"columns\":[\"v\"],\"values\":[[\"x\"]]}]}", n % 2 == 1);
            } else {
                answer(ex, 200, "{\"results\":[{\"last_insert_id\":1,\"rows_affected\":1}]}", n % 2 == 1);
            }
        });
        // dqlite-demo-shaped answers: always 200, "Error: ..." bodies; every lockedEvery-th is busy.
        server.createContext("/", ex -> {
            int n = requests.incrementAndGet();
            ex.getRequestBody().readAllBytes();
            boolean locked = lockedEvery > 0 && n % lockedEvery == 0;
            answer(ex, 200, locked ? "Error: database is locked\n" : "done\n", false);
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
        pool.shutdownNow();
    }

    private static void answer(HttpExchange ex, int status, String body, boolean chunked) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, chunked ? 0 : b.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
        }
    }

    private Target target(String protocol) {
        return new Target(protocol, Protocol.forName(protocol), "127.0.0.1", server.getAddress().getPort(),
                List.of((int) ProcessHandle.current().pid()));
    }

    private static WorkloadParams params() {
        return new WorkloadParams(100, 16, 50, 20, "t");
    }

    @Test
    void countBoundStopsTheRunAndErrorsAreCountedApart() {
        LoadRun run = new LoadRun(target("raftlite"));
        RunResult r = run.run(Workload.WRITE, params(),
                new LoadRun.Bounds(4, 500, Duration.ofSeconds(60), 0, 10_000), 0);
        assertThat(requests.get()).isEqualTo(500);
        assertThat(r.ok() + r.errors()).isEqualTo(500);
        // every 10th (50) has an error in its JSON; every 25th (20) is a 500; every 50th is both (10)
        assertThat(r.errors()).isEqualTo(50 + 20 - 10);
        assertThat(r.ok()).isEqualTo(440);
        assertThat(r.latency().count()).isEqualTo(r.ok());
        assertThat(r.firstError()).containsAnyOf("UNIQUE constraint failed", "internal");
        assertThat(r.opsPerSecond()).isPositive();
        assertThat(r.metrics().get("statements_per_s")).isEqualTo(r.opsPerSecond());
        assertThat(r.serverCpuMicros()).isNotNegative(); // this JVM is the "server" here
        assertThat(r.serverRssKib()).hasSize(1).allMatch(kib -> kib > 0);
        assertThat(bodies).hasSize(500); // every write had its own key
    }

    @Test
    void durationBoundStopsAnEndlessRun() {
        LoadRun run = new LoadRun(target("raftlite"));
        long t0 = System.nanoTime();
        RunResult r = run.run(Workload.READ_WEAK, params(),
                new LoadRun.Bounds(2, Long.MAX_VALUE / 4, Duration.ofMillis(300), 0, 10_000), 0);
        double took = (System.nanoTime() - t0) / 1e9;
        assertThat(took).isLessThan(5);
        assertThat(r.seconds()).isBetween(0.29, 3.0);
        assertThat(r.ok()).isPositive();
        assertThat(r.ok() + r.errors()).isEqualTo(requests.get());
    }

    @Test
    void batchCountsStatements() {
        LoadRun run = new LoadRun(target("rqlite"));
        RunResult r = run.run(Workload.BATCH, params(),
                new LoadRun.Bounds(1, 8, Duration.ofSeconds(60), 0, 10_000), 0);
        assertThat(r.ok()).isEqualTo(8);
        assertThat(r.statementsPerRequest()).isEqualTo(100);
        assertThat(r.metrics().get("statements_per_s")).isEqualTo(r.opsPerSecond() * 100);
        assertThat(bodies).allMatch(b -> b.split("INSERT INTO bench").length == 101);
    }

    @Test
    void busyAnswersAreRetriedAndCountedWhenAsked() {
        lockedEvery = 3;
        LoadRun run = new LoadRun(target("dqlite"));
        RunResult retried = run.run(Workload.WRITE, params(),
                new LoadRun.Bounds(2, 90, Duration.ofSeconds(60), 10, 10_000), 0);
        assertThat(retried.ok()).isEqualTo(90);
        assertThat(retried.errors()).isZero();
        assertThat(retried.retries()).isPositive();
        assertThat(requests.get()).isEqualTo(90 + retried.retries());

        requests.set(0);
        RunResult plain = run.run(Workload.WRITE, params(),
                new LoadRun.Bounds(1, 90, Duration.ofSeconds(60), 0, 10_000), 1000);
        assertThat(plain.errors()).isEqualTo(30);
        assertThat(plain.ok()).isEqualTo(60);
        assertThat(plain.firstError()).contains("database is locked");
    }

    @Test
    void unreachableServerGivesOnlyErrors() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Target dead = new Target("raftlite", Protocol.forName("raftlite"), "127.0.0.1", port, List.of());
        RunResult r = new LoadRun(dead).run(Workload.WRITE, params(),
                new LoadRun.Bounds(2, 6, Duration.ofSeconds(30), 0, 2_000), 0);
        assertThat(r.ok()).isZero();
        assertThat(r.errors()).isEqualTo(6);
        assertThat(r.firstError()).contains("connect");
        assertThat(r.metrics().get("server_cpu_us_per_op")).isNaN();
    }

    @Test
    void floorServerAnswersEveryRequest() throws IOException {
        try (FloorServer floor = new FloorServer("127.0.0.1", 0)) {
            Target t = new Target("floor", Protocol.forName("raw"), "127.0.0.1", floor.port(), List.of());
            RunResult r = new LoadRun(t).run(Workload.READ_WEAK, params(),
                    new LoadRun.Bounds(4, 2000, Duration.ofSeconds(30), 0, 5_000), 0);
            assertThat(r.ok()).isEqualTo(2000);
            assertThat(r.errors()).isZero();
            // and a request with a body
            RunResult w = new LoadRun(new Target("floor", Protocol.forName("raw"), "127.0.0.1", floor.port(),
                    List.of())).run(seq -> HttpRequest.post("/x", "{\"k\":" + seq + "}"),
                    new LoadRun.Bounds(2, 100, Duration.ofSeconds(30), 0, 5_000), 0, null);
            assertThat(w.ok()).isEqualTo(100);
        }
    }
}
