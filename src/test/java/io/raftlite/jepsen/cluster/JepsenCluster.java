package io.raftlite.jepsen.cluster;

import io.raftlite.it.FreePorts;
import io.raftlite.it.NodeProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

/**
 * A raftlite cluster of 3 or 5 real JVMs on this machine, formed with {@code -bootstrap-expect},
 * whose Raft links run through {@link RaftLinks} so that faults can be put between any two nodes.
 * Gives the runner and the nemeses what they need: the nodes ({@link ClusterNode}: kill -9, pause,
 * restart), the links, leader discovery from the nodes' own {@code /status}, waits for replication
 * to catch up, and one {@link EventLog} of everything done.
 *
 * <p>Why a leader is "the" leader: during a partition a cut-off leader may still call itself leader
 * for a while, so {@link #leader()} only names a node in state {@code Leader} that a majority of the
 * whole cluster, itself included, currently names, with the highest term among such claims.
 *
 * <p>{@link #close()} kills every node by PID (resuming paused ones first) and closes the proxies,
 * also after failures; a JVM shutdown hook does the same if the test JVM exits without closing.
 * The run directory is kept.
 */
public final class JepsenCluster implements AutoCloseable {
    /** How the nodes' Raft names end: {@code n1.jepsen}. */
    public static final String RAFT_DOMAIN = "jepsen";
    private static final Duration PROBE_INTERVAL = Duration.ofMillis(250);

    private final ClusterOptions options;
    private final EventLog events;
    private final List<ClusterNode> nodes = new ArrayList<>();
    private RaftLinks links;
    private final Thread shutdownHook;
    private volatile boolean closed;

    private JepsenCluster(ClusterOptions options, EventLog events) {
        this.options = options;
        this.events = events;
        this.shutdownHook = new Thread(this::killAll, "jepsen-cluster-shutdown");
    }

    /**
     * Starts {@code options.nodes()} nodes at once and waits until they agree on a leader and all
     * are ready. On failure everything started is stopped again and the exception says why (with the
     * end of the failing node's log).
     */
    public static JepsenCluster start(ClusterOptions options) {
        try {
            Files.createDirectories(options.runDir());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        JepsenCluster c = new JepsenCluster(options, new EventLog(options.runDir().resolve("events.log")));
        Runtime.getRuntime().addShutdownHook(c.shutdownHook);
        try {
            c.launchAll();
            c.awaitLeader(options.startTimeout());
            for (ClusterNode n : c.nodes) {
                n.awaitReady(options.startTimeout());
            }
            c.events.record("cluster", ClusterEvent.Kind.NOTE, "cluster formed: " + c.describe());
        } catch (RuntimeException e) {
            try {
                c.close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        return c;
    }

    private void launchAll() {
        int n = options.nodes();
        List<String> ids = new ArrayList<>();
        List<Integer> httpPorts = new ArrayList<>();
        List<Integer> raftPorts = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            ids.add("n" + i);
            httpPorts.add(FreePorts.next());
            raftPorts.add(FreePorts.next());
        }
        try {
            links = RaftLinks.open(ids, raftPorts, events);
            Path hostsDir = Files.createDirectories(options.runDir().resolve("hosts"));
            List<String> raftAddresses = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                raftAddresses.add(raftName(ids.get(i)) + ":" + raftPorts.get(i));
            }
            for (int i = 0; i < n; i++) {
                String id = ids.get(i);
                Path hosts = hostsDir.resolve(id + ".hosts");
                Files.writeString(hosts, hostsFile(i + 1, ids), StandardCharsets.US_ASCII);
                Path dataDir = options.runDir().resolve(id);
                List<String> cmd = command(id, hosts, httpPorts.get(i), raftPorts.get(i), raftAddresses, dataDir);
                nodes.add(new ClusterNode(id, i + 1, httpPorts.get(i), raftPorts.get(i), raftName(id), dataDir,
                        options.runDir().resolve(id + ".log"), cmd, events));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (ClusterNode node : nodes) {
            node.start();
        }
    }

    /** {@code n2} -> {@code n2.jepsen}. */
    static String raftName(String id) {
        return id + "." + RAFT_DOMAIN;
    }

    /**
     * Node {@code self}'s view of names: its own name is itself, every peer's name is the proxy of
     * the link from it to that peer. The machine's host name is mapped as well, since the hosts file
     * replaces every other way of resolving names and the JVM asks for its own host name.
     */
    private static String hostsFile(int self, List<String> ids) {
        StringBuilder b = new StringBuilder();
        b.append("# written by JepsenCluster for ").append(ids.get(self - 1)).append(": peers resolve to their link proxies\n");
        b.append("127.0.0.1 localhost ").append(machineHostName()).append('\n');
        for (int j = 1; j <= ids.size(); j++) {
            String address = j == self ? "127.0.0.1" : RaftLinks.proxyAddress(self, j).getHostAddress();
            b.append(address).append(' ').append(raftName(ids.get(j - 1))).append('\n');
        }
        return b.toString();
    }

    private static String machineHostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    private List<String> command(String id, Path hosts, int httpPort, int raftPort, List<String> raftAddresses,
            Path dataDir) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx" + options.heap());
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-XX:+ExitOnOutOfMemoryError");
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.add("--add-opens");
        cmd.add("java.base/java.lang=ALL-UNNAMED");
        cmd.add("-Djdk.net.hosts.file=" + hosts.toAbsolutePath());
        cmd.add("-Dsun.net.inetaddr.ttl=0");
        cmd.add("-Dsun.net.inetaddr.negative.ttl=0");
        cmd.addAll(NodeProcess.nativeLibraryOptions(options.jar()));
        cmd.add("-jar");
        cmd.add(options.jar().toAbsolutePath().toString());
        cmd.addAll(List.of("-node-id", id,
                "-http-addr", "127.0.0.1:" + httpPort,
                "-raft-addr", "127.0.0.1:" + raftPort,
                "-raft-adv-addr", raftName(id) + ":" + raftPort,
                "-bootstrap-expect", Integer.toString(options.nodes()),
                "-join", String.join(",", raftAddresses),
                "-raft-snap", Long.toString(options.snapshotThreshold()),
                "-raft-snap-int", options.snapshotInterval().toMillis() + "ms",
                "-raft-election-timeout", options.electionTimeout().toMillis() + "ms"));
        // Snapshot and election events in the node logs: evidence for what the nemeses did.
        cmd.add("--logging.level.com.alipay.sofa.jraft.storage.snapshot=INFO");
        cmd.add("--logging.level.com.alipay.sofa.jraft.core.NodeImpl=INFO");
        cmd.addAll(options.extraFlags());
        cmd.add(dataDir.toAbsolutePath().toString());
        return cmd;
    }

    // ---- accessors ----

    public ClusterOptions options() {
        return options;
    }

    public Path runDir() {
        return options.runDir();
    }

    public EventLog events() {
        return events;
    }

    public RaftLinks links() {
        return links;
    }

    /** All nodes in index order, running or not. */
    public List<ClusterNode> nodes() {
        return List.copyOf(nodes);
    }

    public int size() {
        return nodes.size();
    }

    /** Votes needed for a quorum. */
    public int majority() {
        return nodes.size() / 2 + 1;
    }

    /** The node with ID {@code id} ({@code n1}...). */
    public ClusterNode node(String id) {
        return nodes.stream().filter(n -> n.id().equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no node " + id));
    }

    /** The node {@code n<oneBased>}. */
    public ClusterNode node(int oneBased) {
        return nodes.get(oneBased - 1);
    }

    /** The node advertising Raft address {@code addr}, if any. */
    public Optional<ClusterNode> byRaftAddress(String addr) {
        return nodes.stream().filter(n -> n.raftAddress().equals(addr)).findFirst();
    }

    /** Nodes alive and not paused. */
    public List<ClusterNode> running() {
        return nodes.stream().filter(ClusterNode::isRunning).toList();
    }

    // ---- leader and replication ----

    /** The status of every node that answers now. */
    public Map<ClusterNode, NodeStatus> statuses() {
        return statuses(nodes);
    }

    /** The status of those of {@code of} that answer now. */
    public Map<ClusterNode, NodeStatus> statuses(Collection<ClusterNode> of) {
        Map<ClusterNode, NodeStatus> out = new LinkedHashMap<>();
        for (ClusterNode n : of) {
            n.status().ifPresent(s -> out.put(n, s));
        }
        return out;
    }

    /**
     * The leader as the cluster sees it now: a node in state Leader that a majority of all nodes
     * (itself included) name as leader; the highest term wins if several qualify. Empty otherwise.
     * The nodes' views lag: right after a partition it can still name a leader that is already cut
     * off; use {@link #awaitLeaderAmong} with the side that should lead.
     */
    public Optional<ClusterNode> leader() {
        return leaderIn(statuses());
    }

    private Optional<ClusterNode> leaderIn(Map<ClusterNode, NodeStatus> statuses) {
        return statuses.entrySet().stream()
                .filter(e -> e.getValue().isLeader())
                .filter(e -> statuses.values().stream()
                        .filter(s -> s.leaderAddr().equals(e.getKey().raftAddress())).count() >= majority())
                .max(Comparator.comparingLong(e -> e.getValue().term()))
                .map(Map.Entry::getKey);
    }

    /** Polls until {@link #leader()} names one and returns it. */
    public ClusterNode awaitLeader(Duration timeout) {
        AtomicReference<Map<ClusterNode, NodeStatus>> last = new AtomicReference<>();
        return Waits.until("a leader named by a majority of " + ids(nodes), timeout, PROBE_INTERVAL, () -> {
            last.set(statuses());
            return leaderIn(last.get()).orElse(null);
        }, () -> last.get() == null ? null : last.get().values().toString());
    }

    /**
     * Polls until one of {@code members} is leader and every one of them names it (the usual check
     * that the majority side of a partition has elected a leader); returns it.
     */
    public ClusterNode awaitLeaderAmong(Collection<ClusterNode> members, Duration timeout) {
        AtomicReference<Map<ClusterNode, NodeStatus>> last = new AtomicReference<>();
        return Waits.until("a leader among " + ids(members) + " named by all of them", timeout, PROBE_INTERVAL, () -> {
            last.set(statuses(members));
            if (last.get().size() < members.size()) {
                return null;
            }
            return last.get().entrySet().stream().filter(e -> e.getValue().isLeader())
                    .filter(e -> last.get().values().stream().allMatch(s -> s.leaderAddr().equals(e.getKey().raftAddress())))
                    .map(Map.Entry::getKey).findFirst().orElse(null);
        }, () -> last.get() == null ? null : last.get().values().toString());
    }

    /** Polls until every node of {@code on} answers and has applied at least {@code index}. */
    public void awaitApplied(Collection<ClusterNode> on, long index, Duration timeout) {
        AtomicReference<Map<ClusterNode, NodeStatus>> last = new AtomicReference<>();
        Waits.until(ids(on) + " applied through index " + index, timeout, PROBE_INTERVAL, () -> {
            last.set(statuses(on));
            return last.get().size() == on.size()
                    && last.get().values().stream().allMatch(s -> s.appliedIndex() >= index) ? Boolean.TRUE : null;
        }, () -> last.get() == null ? null : last.get().values().toString());
    }

    /** {@link #awaitApplied} on every node. */
    public void awaitAllApplied(long index, Duration timeout) {
        awaitApplied(nodes, index, timeout);
    }

    /**
     * Waits for a leader, reads its commit index, and waits until every node has applied it.
     * Every node must be running (see {@link #healAll}).
     *
     * @return the commit index every node reached
     */
    public long awaitConverged(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        ClusterNode leader = awaitLeader(timeout);
        long commit = leader.status().map(NodeStatus::commitIndex).orElse(-1L);
        if (commit < 0) {
            // the leader went away between the two probes; try once more within the same deadline
            leader = awaitLeader(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            commit = leader.status().map(NodeStatus::commitIndex).orElseThrow(
                    () -> new Waits.WaitTimeoutException("leader keeps changing; cannot read a commit index"));
        }
        awaitAllApplied(commit, Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
        return commit;
    }

    /**
     * Polls until every node answers a local read of {@code table} with the same row count, and
     * returns it. Compare with what clients were told to detect lost or invented writes.
     */
    public long awaitSameRowCount(String table, Duration timeout) {
        AtomicReference<Map<String, Long>> last = new AtomicReference<>();
        return Waits.until("the same row count of " + table + " on every node", timeout, PROBE_INTERVAL, () -> {
            Map<String, Long> counts = new LinkedHashMap<>();
            for (ClusterNode n : nodes) {
                counts.put(n.id(), n.countRows(table).orElse(-1));
            }
            last.set(counts);
            Set<Long> distinct = Set.copyOf(counts.values());
            return distinct.size() == 1 && !distinct.contains(-1L) ? distinct.iterator().next() : null;
        }, () -> last.get() == null ? null : last.get().toString());
    }

    /**
     * Undoes every fault the harness knows of: all links pass, paused nodes resume, dead nodes start
     * again; then waits until every node answers HTTP. Recorded in the event log.
     */
    public void healAll(Duration timeout) {
        links.heal();
        for (ClusterNode n : nodes) {
            n.resume();
        }
        for (ClusterNode n : nodes) {
            if (!n.isAlive()) {
                n.start();
            }
        }
        for (ClusterNode n : nodes) {
            n.awaitHttp(timeout);
        }
        events.record("cluster", ClusterEvent.Kind.NOTE, "healed everything: " + describe());
    }

    /** One line per node: process state and what it says about itself. */
    public String describe() {
        Map<ClusterNode, NodeStatus> st = statuses();
        return nodes.stream().map(n -> n + " " + (st.containsKey(n) ? st.get(n).toString() : "(no status)"))
                .collect(Collectors.joining("; "));
    }

    private static List<String> ids(Collection<ClusterNode> nodes) {
        return nodes.stream().map(ClusterNode::id).toList();
    }

    // ---- shutdown ----

    /** Kills every node (resuming paused ones first) and closes every link proxy. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down and the hook runs anyway
        }
        killAll();
        if (links != null) {
            links.close();
        }
        events.record("cluster", ClusterEvent.Kind.NOTE, "cluster closed");
    }

    /**
     * Deletes the nodes' data directories (each holds some 150 MB of preallocated Raft log), keeping
     * the logs, hosts files and {@code events.log}. Only after {@link #close()}; meant for runs that
     * passed, so that a failed run can still be examined.
     */
    public void deleteDataDirectories() {
        if (!closed) {
            throw new IllegalStateException("close the cluster first");
        }
        for (ClusterNode n : nodes) {
            if (!Files.exists(n.dataDir())) {
                continue;
            }
            try (java.util.stream.Stream<Path> files = Files.walk(n.dataDir())) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot delete " + n.dataDir(), e);
            }
        }
    }

    private void killAll() {
        for (ClusterNode n : nodes) {
            try {
                n.forceStop();
            } catch (RuntimeException e) {
                // keep going: every node must be stopped
            }
        }
    }
}
