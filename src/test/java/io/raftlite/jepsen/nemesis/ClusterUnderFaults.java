package io.raftlite.jepsen.nemesis;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftlite.jepsen.cluster.ClusterEvent;
import io.raftlite.jepsen.cluster.ClusterOptions;
import io.raftlite.jepsen.cluster.JepsenCluster;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * One cluster per test class, shared by its tests, with the invariant every nemesis test ends on:
 * after healing, the cluster converges, holds every acknowledged write on every node, and no fault
 * failed to heal. The nodes' data directories are kept when a test failed, for examination.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ClusterUnderFaults {
    static final Duration WAIT = Duration.ofSeconds(90);
    static final Duration WRITE_TIMEOUT = Duration.ofSeconds(15);

    JepsenCluster cluster;
    AckedWrites writes;
    private volatile boolean failed;

    @RegisterExtension
    final TestWatcher failures = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            failed = true;
        }
    };

    /** How many nodes the class's cluster has. */
    abstract int nodes();

    @BeforeAll
    void start() {
        cluster = JepsenCluster.start(
                ClusterOptions.defaults(ClusterOptions.newRunDir(getClass().getSimpleName())).withNodes(nodes()));
        writes = new AckedWrites(cluster);
        writes.createTable(WAIT);
    }

    @AfterAll
    void stop() {
        if (cluster != null) {
            cluster.close();
            if (!failed) {
                cluster.deleteDataDirectories();
            }
        }
    }

    @AfterEach
    void healedAndNothingLost() {
        cluster.healAll(WAIT);
        cluster.awaitConverged(WAIT);
        writes.assertAllPresentEverywhere(WAIT);
        assertTrue(cluster.events().events(ClusterEvent.Kind.PROBLEM).isEmpty(),
                "problems: " + cluster.events().events(ClusterEvent.Kind.PROBLEM));
    }
}
