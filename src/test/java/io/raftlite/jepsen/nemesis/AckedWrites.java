package io.raftlite.jepsen.nemesis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.raftlite.jepsen.cluster.ClusterNode;
import io.raftlite.jepsen.cluster.JepsenCluster;
import io.raftlite.jepsen.cluster.NodeHttp;
import io.raftlite.jepsen.cluster.Waits;
import io.raftlite.jepsen.cluster.Writes;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The self-tests' bookkeeping of writes: unique values inserted into {@code t}, remembered when
 * acknowledged, and checked to be on every node afterwards. Not a checker: it only catches lost
 * acknowledged inserts, the one anomaly every fault must never cause.
 */
final class AckedWrites {
    private final JepsenCluster cluster;
    private final Set<String> acked = java.util.Collections.synchronizedSet(new HashSet<>());
    private final AtomicLong sequence = new AtomicLong();

    AckedWrites(JepsenCluster cluster) {
        this.cluster = cluster;
    }

    void createTable(Duration wait) {
        Waits.until("tables created", wait, Duration.ofMillis(500), () -> {
            Writes.Result r = Writes.execute(cluster.awaitLeader(wait), "[\"CREATE TABLE IF NOT EXISTS t (id INTEGER"
                    + " PRIMARY KEY, v TEXT NOT NULL UNIQUE)\", \"CREATE TABLE IF NOT EXISTS filler (id INTEGER PRIMARY"
                    + " KEY, b BLOB)\"]", Duration.ofSeconds(15));
            return r.outcome() == Writes.Outcome.OK ? true : null;
        }, null);
    }

    /** Inserts a fresh value through {@code node}; remembers it if acknowledged. */
    Writes.Result insert(ClusterNode node, String tag, Duration timeout) {
        String v = tag + "-" + sequence.incrementAndGet();
        Writes.Result r = Writes.execute(node, "[[\"INSERT INTO t(v) VALUES(?)\", \"" + v + "\"]]", timeout);
        if (r.outcome() == Writes.Outcome.OK) {
            acked.add(v);
        }
        return r;
    }

    /** Inserts through {@code node} until one insert is acknowledged (a fresh value each try). */
    void insertAcked(ClusterNode node, String tag, Duration wait) {
        String[] last = new String[1];
        Waits.until("an acknowledged insert through " + node.id(), wait, Duration.ofMillis(300), () -> {
            Writes.Result r = insert(node, tag, Duration.ofSeconds(15));
            last[0] = r.detail();
            return r.outcome() == Writes.Outcome.OK ? true : null;
        }, () -> last[0]);
    }

    /** Polls until every node holds every acknowledged value (local reads). */
    void assertAllPresentEverywhere(Duration wait) {
        Set<String> expected;
        synchronized (acked) {
            expected = Set.copyOf(acked);
        }
        Map<String, String> missing = new LinkedHashMap<>();
        Waits.until("all " + expected.size() + " acknowledged values on every node", wait, Duration.ofMillis(500), () -> {
            missing.clear();
            for (ClusterNode n : cluster.nodes()) {
                Set<String> have = values(n);
                if (have == null) {
                    missing.put(n.id(), "no answer");
                    continue;
                }
                Set<String> lost = new HashSet<>(expected);
                lost.removeAll(have);
                if (!lost.isEmpty()) {
                    missing.put(n.id(), lost.size() + " missing, e.g. " + lost.stream().sorted().limit(5).toList());
                }
            }
            return missing.isEmpty() ? true : null;
        }, missing::toString);
        assertEquals(Map.of(), missing);
    }

    private static Set<String> values(ClusterNode n) {
        try {
            NodeHttp.Answer a = n.http().get("/db/query?level=none&q="
                    + URLEncoder.encode("SELECT v FROM t", StandardCharsets.UTF_8), Duration.ofSeconds(10));
            if (a.status() != 200) {
                return null;
            }
            Set<String> out = new HashSet<>();
            a.json().path("results").path(0).path("values").forEach(row -> out.add(row.path(0).asString()));
            return out;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
