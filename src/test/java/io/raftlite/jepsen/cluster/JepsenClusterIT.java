package io.raftlite.jepsen.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * The harness against a real 3-node cluster: that it forms with all Raft traffic through the link
 * proxies, and that each kind of fault does to raftlite what it should (a cut-off leader is
 * replaced and cannot commit, a delay slows replication, a paused leader is replaced and rejoins,
 * kill -9 loses nothing acknowledged). Every test leaves the cluster healed and converged.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class JepsenClusterIT {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(20);

    private JepsenCluster cluster;
    private volatile boolean failed;

    /** Keeps the nodes' data directories of a failed run for examination. */
    @RegisterExtension
    final TestWatcher failures = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            failed = true;
        }
    };
    private final List<String> acknowledged = Collections.synchronizedList(new ArrayList<>());
    private int sequence;

    @BeforeAll
    void start() {
        cluster = JepsenCluster.start(ClusterOptions.defaults(ClusterOptions.newRunDir("JepsenClusterIT")));
        Writes.Result r = Writes.execute(cluster.awaitLeader(WAIT),
                "[\"CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL UNIQUE)\"]", WRITE_TIMEOUT);
        assertEquals(Writes.Outcome.OK, r.outcome(), r.detail());
    }

    @AfterAll
    void stop() {
        if (cluster != null) {
            cluster.close();
            if (!failed) {
                cluster.deleteDataDirectories();
            }
            for (LinkProxy p : cluster.links().all()) {
                assertEquals(0, p.liveThreads(), p + " left threads");
            }
        }
    }

    /** Every test ends healed and converged, with every acknowledged write on every node. */
    @AfterEach
    void healAndConverge() {
        cluster.healAll(WAIT);
        cluster.awaitConverged(WAIT);
        long rows = cluster.awaitSameRowCount("t", WAIT);
        assertTrue(rows >= acknowledged.size(), "rows " + rows + " < acknowledged " + acknowledged.size());
        for (String v : List.copyOf(acknowledged)) {
            assertEquals(1, countValue(cluster.node(1), v), "acknowledged write " + v + " missing");
        }
    }

    /** Inserts a fresh value through {@code node}; remembers it if acknowledged. */
    private Writes.Result insert(ClusterNode node, String tag, Duration timeout) {
        String v = tag + "-" + (++sequence);
        Writes.Result r = Writes.execute(node, "[[\"INSERT INTO t(v) VALUES(?)\", \"" + v + "\"]]", timeout);
        if (r.outcome() == Writes.Outcome.OK) {
            acknowledged.add(v);
        }
        return new Writes.Result(r.outcome(), v + ": " + r.detail(), r.millis());
    }

    private String lastValue() {
        return "-" + sequence;
    }

    private static long countValue(ClusterNode node, String v) {
        try {
            NodeHttp.Answer a = node.http().get("/db/query?level=none&q=" + java.net.URLEncoder.encode(
                    "SELECT COUNT(*) FROM t WHERE v='" + v + "'", StandardCharsets.UTF_8), Duration.ofSeconds(5));
            return a.json().path("results").path(0).path("values").path(0).path(0).asLong(-1);
        } catch (IOException e) {
            return -1;
        }
    }

    @Test
    @Order(1)
    void raftTrafficRunsOnlyThroughTheLinkProxies() throws Exception {
        ClusterNode leader = cluster.awaitLeader(WAIT);
        for (ClusterNode n : cluster.nodes()) {
            Writes.Result r = insert(n, "via-" + n.id(), WRITE_TIMEOUT); // followers forward on the Raft port
            assertEquals(Writes.Outcome.OK, r.outcome(), r.detail());
        }
        for (ClusterNode n : cluster.nodes()) {
            if (n != leader) {
                assertTrue(cluster.links().link(leader.id(), n.id()).bytesToTarget() > 0, "no replication on "
                        + leader.id() + "->" + n.id());
                assertTrue(cluster.links().link(n.id(), leader.id()).bytesToTarget() > 0, "no forwarding on "
                        + n.id() + "->" + leader.id());
            }
        }
        // The kernel's view: every connection to a node's Raft port on 127.0.0.1 comes from this JVM
        // (a proxy) or from the node itself, never from a peer; and nodes do dial the proxies.
        long self = ProcessHandle.current().pid();
        List<TcpConnection> all = establishedTcp();
        for (ClusterNode target : cluster.nodes()) {
            assertTrue(all.stream().anyMatch(c -> c.pid() == self && c.remote().equals("127.0.0.1:" + target.raftPort())),
                    "no proxy connection to " + target.id() + "'s Raft port: " + all);
            for (TcpConnection c : all) {
                if (c.remote().equals("127.0.0.1:" + target.raftPort())) {
                    assertTrue(c.pid() == self || c.pid() == target.pid(), "pid " + c.pid() + " dials " + target.id()
                            + "'s Raft port directly: " + c);
                }
            }
        }
        for (ClusterNode n : cluster.nodes()) {
            assertTrue(all.stream().anyMatch(c -> c.pid() == n.pid() && c.remote().startsWith("127.0." + n.index() + ".")),
                    n.id() + " has no connection to any of its link proxies: " + all);
        }
    }

    @Test
    @Order(2)
    void isolatedLeaderIsReplacedAndCannotCommit() {
        ClusterNode old = cluster.awaitLeader(WAIT);
        List<ClusterNode> majority = cluster.nodes().stream().filter(n -> n != old).toList();
        cluster.links().isolate(old.id());

        ClusterNode fresh = cluster.awaitLeaderAmong(majority, WAIT);
        assertNotEquals(old, fresh);
        Writes.Result majorityWrite = insert(fresh, "majority", WRITE_TIMEOUT);
        assertEquals(Writes.Outcome.OK, majorityWrite.outcome(), majorityWrite.detail());
        String majorityValue = "majority" + lastValue();

        Writes.Result isolatedWrite = insert(old, "isolated", WRITE_TIMEOUT);
        String isolatedValue = "isolated" + lastValue();
        assertNotEquals(Writes.Outcome.OK, isolatedWrite.outcome(), "a node cut off from the majority acknowledged "
                + isolatedWrite.detail());
        assertEquals(0, countValue(old, majorityValue), "the isolated node saw a write made during the partition");

        cluster.links().heal();
        cluster.awaitConverged(WAIT);
        cluster.awaitSameRowCount("t", WAIT);
        assertEquals(1, countValue(old, majorityValue));
        if (isolatedWrite.outcome() == Writes.Outcome.FAILED) {
            assertEquals(0, countValue(fresh, isolatedValue), "a write that failed was applied: " + isolatedWrite.detail());
        }
    }

    @Test
    @Order(3)
    void delayOnAllLinksSlowsReplicationButWritesSucceed() {
        ClusterNode leader = cluster.awaitLeader(WAIT);
        List<Long> baseline = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Writes.Result r = insert(leader, "fast", WRITE_TIMEOUT);
            assertEquals(Writes.Outcome.OK, r.outcome(), r.detail());
            baseline.add(r.millis());
        }
        Collections.sort(baseline);
        // 150 ms each way keeps the leader's lease safe on a busy 2-core machine: a heartbeat's answer
        // is then about 400 ms old when the lease (90% of the 1 s election timeout) is checked. With
        // 250 ms each way the margin was 300 ms, and a stalled scheduler once cost the leader its lease
        // in CI, so that a write failed with "leadership lost while committing log".
        cluster.links().delayAll(LinkMode.delay(Duration.ofMillis(150), Duration.ZERO));
        List<Long> delayed = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ClusterNode current = cluster.awaitLeader(WAIT);
            Writes.Result r = insert(current, "slow", WRITE_TIMEOUT);
            assertEquals(Writes.Outcome.OK, r.outcome(), r.detail());
            delayed.add(r.millis());
        }
        Collections.sort(delayed);
        // A commit needs an append to reach a follower and its answer to come back: 2 x 150 ms.
        assertTrue(delayed.get(0) >= 280, "delayed writes took " + delayed + " ms; baseline " + baseline);
        assertTrue(delayed.get(0) > baseline.get(baseline.size() / 2), "delayed " + delayed + " baseline " + baseline);
    }

    @Test
    @Order(4)
    void pausedLeaderIsReplacedAndRejoinsWhenResumed() {
        ClusterNode old = cluster.awaitLeader(WAIT);
        List<ClusterNode> others = cluster.nodes().stream().filter(n -> n != old).toList();
        old.pause();
        assertTrue(old.isPaused());
        ClusterNode fresh = cluster.awaitLeaderAmong(others, WAIT);
        assertNotEquals(old, fresh);
        long freshTerm = fresh.status().orElseThrow().term();
        Writes.Result r = insert(fresh, "while-paused", WRITE_TIMEOUT);
        assertEquals(Writes.Outcome.OK, r.outcome(), r.detail());
        String value = "while-paused" + lastValue();

        old.resume();
        cluster.awaitConverged(WAIT);
        Waits.until(old.id() + " to have the write made while it was paused", WAIT,
                () -> countValue(old, value) == 1 ? true : null);
        long oldTerm = old.status().orElseThrow().term();
        assertTrue(oldTerm >= freshTerm, old.id() + " still at term " + oldTerm + " after resuming; the new leader's is "
                + freshTerm);
    }

    @Test
    @Order(5)
    void killedFollowerAndKilledLeaderComeBackWithTheirData() {
        ClusterNode leader = cluster.awaitLeader(WAIT);
        ClusterNode follower = cluster.nodes().stream().filter(n -> n != leader).findFirst().orElseThrow();
        follower.kill();
        assertTrue(!follower.isAlive());
        for (int i = 0; i < 20; i++) {
            Writes.Result r = insert(leader, "follower-down", WRITE_TIMEOUT);
            assertEquals(Writes.Outcome.OK, r.outcome(), r.detail());
        }
        follower.start();
        follower.awaitReady(WAIT);
        cluster.awaitConverged(WAIT);
        assertEquals(1, countValue(follower, "follower-down" + lastValue()));

        ClusterNode oldLeader = cluster.awaitLeader(WAIT);
        oldLeader.kill();
        List<ClusterNode> others = cluster.nodes().stream().filter(n -> n != oldLeader).toList();
        ClusterNode fresh = cluster.awaitLeaderAmong(others, WAIT);
        Writes.Result r = insert(fresh, "leader-down", WRITE_TIMEOUT);
        assertEquals(Writes.Outcome.OK, r.outcome(), r.detail());
        oldLeader.start();
        oldLeader.awaitReady(WAIT);
        cluster.awaitConverged(WAIT);
        assertEquals(1, countValue(oldLeader, "leader-down" + lastValue()));
        assertEquals(2, oldLeader.starts());
    }

    /** An established TCP connection and the PID owning its local end. */
    private record TcpConnection(String local, String remote, long pid) {
    }

    private static final Pattern SS_LINE = Pattern.compile("^\\S+\\s+\\S+\\s+(\\S+)\\s+(\\S+)\\s+users:\\(\\(\"[^\"]*\",pid=(\\d+),");

    /** {@code [::ffff:127.0.0.1]:80} (a Java socket's IPv4-mapped address) as {@code 127.0.0.1:80}. */
    private static String ipv4(String address) {
        return address.startsWith("[::ffff:") ? address.substring(8).replace("]:", ":") : address;
    }

    /** {@code ss -tnp}: established TCP connections with their owning processes. */
    private static List<TcpConnection> establishedTcp() throws IOException, InterruptedException {
        Process ss = new ProcessBuilder("ss", "-tnpH", "state", "established").redirectErrorStream(true).start();
        String out = new String(ss.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, ss.waitFor());
        List<TcpConnection> list = new ArrayList<>();
        for (String line : out.split("\n")) {
            Matcher m = SS_LINE.matcher(line.trim());
            if (m.find()) {
                list.add(new TcpConnection(ipv4(m.group(1)), ipv4(m.group(2)), Long.parseLong(m.group(3))));
            }
        }
        assertTrue(!list.isEmpty(), "cannot parse ss output:\n" + out);
        return list;
    }
}
