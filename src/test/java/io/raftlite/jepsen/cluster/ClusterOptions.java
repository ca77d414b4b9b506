package io.raftlite.jepsen.cluster;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Objects;

/**
 * How a {@link JepsenCluster} is started. Immutable; change one setting at a time with the
 * {@code with...} methods, starting from {@link #defaults}.
 *
 * @param nodes cluster size: 3 or 5 (1 to 254 work, but the nemeses are written for 3 and 5)
 * @param runDir where data directories, node logs, hosts files and {@code events.log} go
 * @param jar the packaged raftlite jar
 * @param snapshotThreshold {@code -raft-snap}: entries between snapshots, small so that runs snapshot
 * @param snapshotInterval {@code -raft-snap-int}: how often a node checks the threshold
 * @param electionTimeout {@code -raft-election-timeout}
 * @param heap the nodes' {@code -Xmx}, e.g. {@code 256m}
 * @param extraFlags more raftlite flags for every node (before the data directory)
 * @param startTimeout how long forming the cluster may take (JVMs start slowly on a busy machine)
 */
public record ClusterOptions(int nodes, Path runDir, Path jar, long snapshotThreshold, Duration snapshotInterval,
        Duration electionTimeout, String heap, List<String> extraFlags, Duration startTimeout) {

    public ClusterOptions {
        if (nodes < 1 || nodes > 254) {
            throw new IllegalArgumentException("nodes must be 1..254, got " + nodes);
        }
        Objects.requireNonNull(runDir, "runDir");
        Objects.requireNonNull(jar, "jar");
        extraFlags = List.copyOf(extraFlags);
    }

    /**
     * Three nodes, snapshots every 512 entries checked every second, the default 1 s election
     * timeout, 256 MiB heaps, and the jar from the {@code raftlite.jar} system property (which the
     * failsafe configuration sets).
     */
    public static ClusterOptions defaults(Path runDir) {
        return new ClusterOptions(3, runDir, packagedJar(), 512, Duration.ofSeconds(1), Duration.ofSeconds(1), "256m",
                List.of(), Duration.ofSeconds(180));
    }

    /**
     * A fresh run directory {@code <build dir>/jepsen-runs/<name>-<timestamp>} beside the jar, kept
     * after the run so that its logs can be read.
     */
    public static Path newRunDir(String name) {
        Path base = packagedJar().toAbsolutePath().getParent().resolve("jepsen-runs");
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS"));
        return base.resolve(name + "-" + stamp);
    }

    /** The jar named by the {@code raftlite.jar} system property. */
    public static Path packagedJar() {
        String configured = System.getProperty("raftlite.jar");
        if (configured == null || configured.isBlank()) {
            throw new IllegalStateException("system property raftlite.jar is not set: run through failsafe"
                    + " (mvn verify) or pass -Draftlite.jar=<path to raftlite-*.jar>");
        }
        Path jar = Path.of(configured);
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("raftlite.jar " + jar + " does not exist: package first");
        }
        return jar;
    }

    public ClusterOptions withNodes(int n) {
        return new ClusterOptions(n, runDir, jar, snapshotThreshold, snapshotInterval, electionTimeout, heap, extraFlags,
                startTimeout);
    }

    public ClusterOptions withSnapshotThreshold(long entries) {
        return new ClusterOptions(nodes, runDir, jar, entries, snapshotInterval, electionTimeout, heap, extraFlags,
                startTimeout);
    }

    public ClusterOptions withSnapshotInterval(Duration interval) {
        return new ClusterOptions(nodes, runDir, jar, snapshotThreshold, interval, electionTimeout, heap, extraFlags,
                startTimeout);
    }

    public ClusterOptions withElectionTimeout(Duration timeout) {
        return new ClusterOptions(nodes, runDir, jar, snapshotThreshold, snapshotInterval, timeout, heap, extraFlags,
                startTimeout);
    }

    public ClusterOptions withHeap(String xmx) {
        return new ClusterOptions(nodes, runDir, jar, snapshotThreshold, snapshotInterval, electionTimeout, xmx,
                extraFlags, startTimeout);
    }

    public ClusterOptions withExtraFlags(String... flags) {
        return new ClusterOptions(nodes, runDir, jar, snapshotThreshold, snapshotInterval, electionTimeout, heap,
                List.of(flags), startTimeout);
    }

    public ClusterOptions withStartTimeout(Duration timeout) {
        return new ClusterOptions(nodes, runDir, jar, snapshotThreshold, snapshotInterval, electionTimeout, heap,
                extraFlags, timeout);
    }
}
