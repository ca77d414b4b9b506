package io.raftlite.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftlite.it.Api;
import io.raftlite.it.NodeProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.util.FileSystemUtils;

/**
 * Bad input sent to a follower of a three-node cluster, which forwards what needs the leader: the
 * leader's verdict on bad input must reach the client unchanged (4xx stays 4xx, never a 5xx from the
 * forwarding path), no node may die, and the sentinel table must be unchanged on the leader and in
 * the follower's own copy. Fewer cases than {@link HttpApiFuzzIT}: this is about the forwarding path.
 */
class FollowerForwardingFuzzIT {
    private static final int NODES = 3;
    private static final Duration START = Duration.ofSeconds(120);

    private static final List<NodeProcess> nodes = new ArrayList<>();
    private static Path root;

    @BeforeAll
    static void start() throws IOException {
        root = Files.createTempDirectory("raftlite-fuzz-cluster-");
        int[] http = new int[NODES];
        int[] raft = new int[NODES];
        for (int i = 0; i < NODES; i++) {
            http[i] = NodeProcess.freePort();
            raft[i] = NodeProcess.freePort();
        }
        String join = java.util.Arrays.stream(raft).mapToObj(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
        for (int i = 0; i < NODES; i++) {
            nodes.add(NodeProcess.launch(root.resolve("n" + i), http[i], raft[i], "-node-id", "n" + i,
                    "-bootstrap-expect", Integer.toString(NODES), "-join", join));
        }
        for (NodeProcess n : nodes) {
            n.awaitReady(START);
        }
    }

    @AfterAll
    static void stop() {
        nodes.forEach(NodeProcess::close);
        if (root != null) {
            FileSystemUtils.deleteRecursively(root.toFile());
        }
    }

    @Test
    void badInputThroughAFollowerStaysAClientError() {
        NodeProcess leader = awaitLeader();
        NodeProcess follower = nodes.stream().filter(n -> n != leader).findFirst().orElseThrow();
        Api leaderApi = new Api(leader);
        Api followerApi = new Api(follower);
        Sentinel.seed(leaderApi);
        leaderApi.execute("[\"CREATE TABLE scratch (id INTEGER PRIMARY KEY, i INTEGER, r REAL, t TEXT, b BLOB)\"]");
        String before = Sentinel.picture(leaderApi);
        Sentinel.assertSeeded(before);

        Set<String> forbidden = new HashSet<>();
        for (int i = 0; i < NODES; i++) {
            forbidden.add("n" + i);
            forbidden.add(nodes.get(i).raftAddress());
        }
        FuzzSettings settings = FuzzSettings.fromSystemProperties(600, 10_000);
        System.out.println("fuzz follower: " + settings.describe());
        List<NodeProcess> peers = nodes.stream().filter(n -> n != follower).toList();
        FuzzRun run = new FuzzRun("follower of 3", follower, peers, false);
        long t0 = System.nanoTime();
        run.random(settings.seed() + 1, settings.iterations(), forbidden, true, settings.onlyCase());
        String report = run.report(settings.seed() + 1, (System.nanoTime() - t0) / 1_000_000);
        System.out.println(report);
        assertThat(run.violations()).as(report).isEmpty();

        for (NodeProcess n : nodes) {
            assertThat(n.isAlive()).as("node on port " + n.httpPort()).isTrue();
        }
        assertThat(Sentinel.picture(leaderApi)).as("sentinel on the leader").isEqualTo(before);
        assertThat(followerApi.get("/readyz?sync&timeout=30s").status()).isEqualTo(200);
        assertThat(Sentinel.picture(followerApi, true)).as("sentinel in the follower's own copy").isEqualTo(before);
    }

    /** Polls until one node says it is the leader. */
    private static NodeProcess awaitLeader() {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            for (NodeProcess n : nodes) {
                try {
                    Api.Response r = new Api(n).get("/status?key=store.raft.state");
                    if (r.status() == 200 && r.body().contains("Leader")) {
                        return n;
                    }
                } catch (RuntimeException e) {
                    // not answering yet
                }
            }
            sleep(200);
        }
        throw new AssertionError("no leader within 60 s");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
