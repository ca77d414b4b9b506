package io.raftlite.jepsen.nemesis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftlite.jepsen.cluster.ClusterEvent;
import io.raftlite.jepsen.cluster.ClusterNode;
import io.raftlite.jepsen.cluster.LinkMode;
import io.raftlite.jepsen.cluster.RaftLinks;
import io.raftlite.jepsen.cluster.Waits;
import io.raftlite.jepsen.cluster.Writes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The nemeses against a real 3-node cluster: each one does what its description says, heals back
 * to a converged cluster that holds every acknowledged write, a crash in the middle of a snapshot
 * is survived, and a seeded schedule of single and combined faults runs under client load.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NemesisIT extends ClusterUnderFaults {

    @Override
    int nodes() {
        return 3;
    }

    @Test
    @Order(1)
    void crashDuringSnapshotIsSurvived() {
        // Some megabytes, so that writing a snapshot takes long enough to be caught in the act.
        ClusterNode leader = cluster.awaitLeader(WAIT);
        for (int i = 0; i < 30; i++) {
            Writes.Result r = Writes.execute(leader, "[\"INSERT INTO filler(b) VALUES(zeroblob(200000))\"]",
                    WRITE_TIMEOUT);
            assertEquals(Writes.Outcome.OK, r.outcome(), r.detail());
        }
        CrashDuringSnapshot nemesis = new CrashDuringSnapshot();
        Random random = new Random(42);
        List<CrashDuringSnapshot.Evidence> evidence = new ArrayList<>();
        for (int attempt = 0; attempt < 5 && evidence.stream().noneMatch(CrashDuringSnapshot.Evidence::inProgress);
                attempt++) {
            for (int i = 0; i < 5; i++) {
                writes.insertAcked(cluster.awaitLeader(WAIT), "before-crash", WAIT);
            }
            String description = nemesis.start(cluster, random);
            CrashDuringSnapshot.Evidence e = nemesis.lastEvidence();
            evidence.add(e);
            ClusterNode victim = cluster.node(e.node());
            assertFalse(victim.isAlive(), description);
            writes.insertAcked(cluster.awaitLeader(WAIT), "while-crashed", WAIT);
            nemesis.stop(cluster);
            assertTrue(victim.isAlive());
            victim.awaitReady(WAIT);
            cluster.awaitConverged(WAIT);
            writes.assertAllPresentEverywhere(WAIT);
        }
        assertTrue(evidence.stream().anyMatch(CrashDuringSnapshot.Evidence::inProgress),
                "no kill hit a snapshot in progress: " + evidence);
    }

    @Test
    @Order(2)
    void majorityMinorityPartitionCutsExactlyTheCrossLinks() {
        PartitionMajorityMinority nemesis = new PartitionMajorityMinority();
        nemesis.start(cluster, new Random(7));
        Map<String, LinkMode> faults = cluster.links().faults();
        // 3 nodes: a minority of one, so 2 x 2 directed links between the sides.
        assertEquals(4, faults.size(), faults.toString());
        assertTrue(faults.values().stream().allMatch(m -> m.kind() == LinkMode.Kind.DROP));
        String minority = minorityOf(faults.keySet());
        List<ClusterNode> majority = cluster.nodes().stream().filter(n -> !n.id().equals(minority)).toList();
        ClusterNode leader = cluster.awaitLeaderAmong(majority, WAIT);
        writes.insertAcked(leader, "partitioned", WAIT);
        Writes.Result cutOff = Writes.execute(cluster.node(minority), "[[\"INSERT INTO t(v) VALUES(?)\", \"minority-"
                + System.nanoTime() + "\"]]", WRITE_TIMEOUT);
        assertNotEquals(Writes.Outcome.OK, cutOff.outcome(), "the minority acknowledged a write: " + cutOff.detail());

        nemesis.stop(cluster);
        assertTrue(cluster.links().allPassing(), cluster.links().faults().toString());
    }

    /** The node that appears in every faulty link (the minority of one). */
    private static String minorityOf(Set<String> links) {
        for (String candidate : List.of("n1", "n2", "n3")) {
            if (links.stream().allMatch(l -> l.startsWith(candidate + "->") || l.endsWith("->" + candidate))) {
                return candidate;
            }
        }
        throw new AssertionError("no single minority node in " + links);
    }

    @Test
    @Order(3)
    void isolatingTheLeaderGetsANewOne() {
        ClusterNode old = cluster.awaitLeader(WAIT);
        PartitionIsolateLeader nemesis = new PartitionIsolateLeader();
        String description = nemesis.start(cluster, new Random(1));
        assertTrue(description.contains(old.id()), description);
        List<ClusterNode> rest = cluster.nodes().stream().filter(n -> n != old).toList();
        ClusterNode fresh = cluster.awaitLeaderAmong(rest, WAIT);
        assertNotEquals(old, fresh);
        writes.insertAcked(fresh, "leader-isolated", WAIT);
        nemesis.stop(cluster);
        assertTrue(cluster.links().allPassing());
    }

    @Test
    @Order(4)
    void bridgeOfThreeCutsOnlyTheEnds() {
        PartitionBridge nemesis = new PartitionBridge();
        String description = nemesis.start(cluster, new Random(3));
        Map<String, LinkMode> faults = cluster.links().faults();
        assertEquals(2, faults.size(), description + " " + faults); // a->c and c->a
        // Two of three nodes still form a majority through the bridge: writes go on.
        writes.insertAcked(cluster.awaitLeader(WAIT), "bridged", WAIT);
        nemesis.stop(cluster);
        assertTrue(cluster.links().allPassing());
    }

    @Test
    @Order(5)
    void delayAndPartitionStackAndHealInReverse() {
        Combined nemesis = Combined.of(new Delay(Duration.ofMillis(20), Duration.ofMillis(30)),
                new PartitionMajorityMinority());
        nemesis.start(cluster, new Random(11));
        Map<RaftLinks.Link, LinkMode> modes = cluster.links().modes();
        long dropped = modes.values().stream().filter(m -> m.kind() == LinkMode.Kind.DROP).count();
        long delayed = modes.values().stream().filter(m -> m.kind() == LinkMode.Kind.DELAY).count();
        assertEquals(4, dropped, modes.toString());
        assertEquals(2, delayed, "the links inside the majority keep the delay: " + modes);
        String minority = minorityOf(cluster.links().faults().keySet().stream()
                .filter(l -> cluster.links().faults().get(l).kind() == LinkMode.Kind.DROP)
                .collect(java.util.stream.Collectors.toSet()));
        List<ClusterNode> majority = cluster.nodes().stream().filter(n -> !n.id().equals(minority)).toList();
        writes.insertAcked(cluster.awaitLeaderAmong(majority, WAIT), "delayed-and-partitioned", WAIT);
        nemesis.stop(cluster);
        assertTrue(cluster.links().allPassing(), cluster.links().faults().toString());
    }

    @Test
    @Order(6)
    void seededScheduleOfFaultsUnderLoad() throws Exception {
        List<Nemesis> choices = Nemeses.list("kill-random,kill-leader,pause-random,pause-leader,"
                + "partition-majority-minority,partition-isolate-leader,partition-bridge+delay,pause-leader+delay");
        AtomicBoolean running = new AtomicBoolean(true);
        Random clientRandom = new Random(5);
        int[] outcomes = new int[3];
        Thread client = new Thread(() -> {
            while (running.get()) {
                List<ClusterNode> up = cluster.running();
                if (up.isEmpty()) {
                    Waits.sleep(Duration.ofMillis(100));
                    continue;
                }
                ClusterNode target = up.get(clientRandom.nextInt(up.size()));
                Writes.Result r = writes.insert(target, "load", Duration.ofSeconds(5));
                synchronized (outcomes) {
                    outcomes[r.outcome().ordinal()]++;
                }
            }
        }, "schedule-test client");
        client.start();
        List<NemesisSchedule.Cycle> cycles;
        long firstEvent = cluster.events().events().size() + 1L;
        try (NemesisSchedule schedule = new NemesisSchedule(cluster, choices, Duration.ofSeconds(4),
                Duration.ofSeconds(3), 2024).start()) {
            Waits.until("3 completed fault cycles", Duration.ofSeconds(150), () -> schedule.cycles().size() >= 3 ? true : null);
            schedule.close();
            cycles = schedule.cycles();
            assertEquals(List.of(), schedule.problems());
        } finally {
            running.set(false);
            client.join(60_000);
        }
        for (NemesisSchedule.Cycle c : cycles) {
            assertTrue(c.started() != null && c.healed() != null, c.toString());
        }
        List<ClusterEvent> starts = cluster.events().events(ClusterEvent.Kind.FAULT_START).stream()
                .filter(e -> e.sequence() >= firstEvent).toList();
        List<ClusterEvent> stops = cluster.events().events(ClusterEvent.Kind.FAULT_STOP).stream()
                .filter(e -> e.sequence() >= firstEvent).toList();
        assertTrue(starts.size() >= 3, starts.toString());
        assertEquals(starts.size(), stops.size(), "every fault started was healed: " + starts + " / " + stops);
        synchronized (outcomes) {
            assertTrue(outcomes[Writes.Outcome.OK.ordinal()] > 0, "no write succeeded during the schedule");
        }
    }
}
