package io.raftlite.jepsen.nemesis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftlite.jepsen.cluster.ClusterNode;
import io.raftlite.jepsen.cluster.LinkMode;
import io.raftlite.jepsen.cluster.RaftLinks;
import io.raftlite.jepsen.cluster.Writes;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The nemeses whose shape depends on the cluster size, on 5 nodes: the bridge (two pairs joined
 * by one node), a majority/minority split, and killing two nodes at once.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FiveNodeNemesisIT extends ClusterUnderFaults {

    @Override
    int nodes() {
        return 5;
    }

    @Test
    @Order(1)
    void bridgeCutsTheHalvesFromEachOtherOnly() {
        PartitionBridge nemesis = new PartitionBridge();
        String description = nemesis.start(cluster, new Random(17));
        Map<RaftLinks.Link, LinkMode> modes = cluster.links().modes();
        Set<String> touchedByDrops = new TreeSet<>();
        modes.forEach((link, mode) -> {
            if (mode.kind() == LinkMode.Kind.DROP) {
                touchedByDrops.add(link.from());
                touchedByDrops.add(link.to());
            }
        });
        // [a b] <-> c <-> [d e]: 2 x 2 pairs, both ways; the bridge c is in no cut link.
        assertEquals(8, modes.values().stream().filter(m -> m.kind() == LinkMode.Kind.DROP).count(), description);
        assertEquals(4, touchedByDrops.size(), description + " " + touchedByDrops);
        String bridge = cluster.nodes().stream().map(ClusterNode::id).filter(id -> !touchedByDrops.contains(id))
                .findFirst().orElseThrow();
        assertTrue(description.contains("<-> " + bridge + " <->"), description);
        // Each half plus the bridge is a majority: the cluster keeps committing.
        writes.insertAcked(cluster.awaitLeader(WAIT), "bridged", WAIT);
        nemesis.stop(cluster);
        assertTrue(cluster.links().allPassing(), cluster.links().faults().toString());
    }

    @Test
    @Order(2)
    void majorityElectsAndMinorityCannotWrite() {
        PartitionMajorityMinority nemesis = new PartitionMajorityMinority();
        String description = nemesis.start(cluster, new Random(99));
        long dropped = cluster.links().faults().size();
        assertTrue(dropped == 2 * 1 * 4 || dropped == 2 * 2 * 3, description + ": " + dropped + " links dropped");
        List<String> minorityIds = parseIds(description, "minority ");
        List<ClusterNode> majority = cluster.nodes().stream().filter(n -> !minorityIds.contains(n.id())).toList();
        ClusterNode leader = cluster.awaitLeaderAmong(majority, WAIT);
        writes.insertAcked(leader, "majority", WAIT);
        Writes.Result r = Writes.execute(cluster.node(minorityIds.get(0)), "[[\"INSERT INTO t(v) VALUES(?)\", \"minority-"
                + System.nanoTime() + "\"]]", WRITE_TIMEOUT);
        assertNotEquals(Writes.Outcome.OK, r.outcome(), "the minority acknowledged " + r.detail());
        nemesis.stop(cluster);
    }

    /** {@code [n1, n4]} after {@code prefix} in a description. */
    private static List<String> parseIds(String description, String prefix) {
        int start = description.indexOf(prefix + "[") + prefix.length() + 1;
        int end = description.indexOf(']', start);
        return List.of(description.substring(start, end).split(",\\s*"));
    }

    @Test
    @Order(3)
    void killingTwoOfFiveKeepsAQuorumAndBothComeBack() {
        KillRandomNode nemesis = new KillRandomNode(2);
        String description = nemesis.start(cluster, new Random(5));
        List<ClusterNode> dead = cluster.nodes().stream().filter(n -> !n.isAlive()).toList();
        assertEquals(2, dead.size(), description);
        writes.insertAcked(cluster.awaitLeader(WAIT), "two-down", WAIT);
        nemesis.stop(cluster);
        for (ClusterNode n : dead) {
            assertTrue(n.isAlive());
            assertEquals(2, n.starts());
        }
        assertEquals(5, cluster.running().size());
    }
}
