package io.raftlite.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftlite.it.Api;
import io.raftlite.it.NodeProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.util.FileSystemUtils;

/**
 * Bad input against a single node: first the fixed {@link Regressions} (each bug the fuzzer found,
 * replayed every run), then random cases from {@link FuzzInputs}. Every answer is judged by the
 * {@link Oracle}; afterwards the node must still be alive and ready, and the sentinel table exactly
 * as seeded. Sizes: {@code -Dfuzz.iterations}, {@code -Dfuzz.long=true}; see {@link FuzzSettings}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HttpApiFuzzIT {
    private static NodeProcess node;
    private static Path dir;
    private static Api api;
    private static String sentinelBefore;
    private static Set<String> nodeIds;

    @BeforeAll
    static void start() throws IOException {
        dir = Files.createTempDirectory("raftlite-fuzz-");
        node = NodeProcess.start(dir.resolve("node"));
        api = new Api(node);
        Sentinel.seed(api);
        api.execute("[\"CREATE TABLE scratch (id INTEGER PRIMARY KEY, i INTEGER, r REAL, t TEXT, b BLOB)\"]");
        sentinelBefore = Sentinel.picture(api);
        Sentinel.assertSeeded(sentinelBefore);
        nodeIds = new HashSet<>();
        nodeIds.add(node.raftAddress());
        nodeIds.add("localhost:" + node.raftPort());
        String id = api.get("/status?key=store.node_id").body().replace("\"", "").trim();
        if (!id.isEmpty() && !id.equals("{}")) {
            nodeIds.add(id);
        }
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
        if (dir != null) {
            FileSystemUtils.deleteRecursively(dir.toFile());
        }
    }

    @Test
    @Order(1)
    void regressionsStayFixed() {
        FuzzRun run = new FuzzRun("regressions", node, List.of(), true);
        long t0 = System.nanoTime();
        try {
            Regressions.run(run, api);
        } finally {
            System.out.println(run.report(0, (System.nanoTime() - t0) / 1_000_000));
        }
        assertThat(run.violations()).as("regressions").isEmpty();
        assertUnharmed();
    }

    @Test
    @Order(2)
    void randomBadInputNeverBreaksTheNode() {
        FuzzSettings settings = FuzzSettings.fromSystemProperties(3000, 50_000);
        System.out.println("fuzz single node: " + settings.describe());
        FuzzRun run = new FuzzRun("single node", node, List.of(), true);
        long t0 = System.nanoTime();
        run.random(settings.seed(), settings.iterations(), nodeIds, false, settings.onlyCase());
        String report = run.report(settings.seed(), (System.nanoTime() - t0) / 1_000_000);
        System.out.println(report);
        assertThat(run.violations()).as(report).isEmpty();
        assertUnharmed();
    }

    /** Alive, ready, and the sentinel exactly as seeded. */
    private static void assertUnharmed() {
        assertThat(node.isAlive()).as("node alive").isTrue();
        assertThat(api.get("/readyz").status()).isEqualTo(200);
        assertThat(Sentinel.picture(api)).as("sentinel data").isEqualTo(sentinelBefore);
    }
}
