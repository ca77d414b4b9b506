package io.raftlite.http;

import io.raftlite.config.GoDuration;
import io.raftlite.config.RaftliteProperties;
import io.raftlite.store.Store;
import io.raftlite.store.WriteQueue;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Builds the {@code /status} document: rqlite's sections and the fields its clients read. */
final class StatusReport {
    private final Store store;
    private final WriteQueue queue;
    private final RaftliteProperties props;
    private final String version;
    private final String httpAddr;
    private final String bindAddr;
    private final io.raftlite.cluster.PeerDirectory directory;
    private final boolean authEnabled;

    /**
     * @param httpAddr the advertised HTTP address ({@code cluster.api_addr})
     * @param bindAddr where the HTTP server listens ({@code http.bind_addr})
     */
    StatusReport(Store store, WriteQueue queue, RaftliteProperties props, String version, String httpAddr,
            String bindAddr, boolean authEnabled, io.raftlite.cluster.PeerDirectory directory) {
        this.store = store;
        this.queue = queue;
        this.props = props;
        this.version = version;
        this.httpAddr = httpAddr;
        this.bindAddr = bindAddr;
        this.directory = directory;
        this.authEnabled = authEnabled;
    }

    Map<String, Object> build() {
        Map<String, Object> root = new LinkedHashMap<>();
        Map<String, Object> build = new LinkedHashMap<>();
        build.put("commit", "unknown");
        build.put("version", version);
        build.put("compiler_toolchain", "java " + Runtime.version());
        build.put("compiler_command", "mvn package");
        build.put("build_time", "unknown");
        root.put("build", build);

        Map<String, Object> http = new LinkedHashMap<>();
        http.put("bind_addr", bindAddr);
        http.put("auth", authEnabled ? "enabled" : "disabled");
        Map<String, Object> q = new LinkedHashMap<>();
        q.put("max_size", (long) queue.capacity());
        q.put("batch_size", (long) queue.batchSize());
        q.put("timeout", GoDuration.format(queue.timeout()));
        q.put("sequence_number", queue.highestWritten());
        http.put("queue", Map.of("_default", q));
        http.put("tls", new LinkedHashMap<>(Map.of("enabled", "false")));
        if (!props.allowOrigin().isEmpty()) {
            http.put("allow_origin", props.allowOrigin());
        }
        root.put("http", http);

        Map<String, Object> node = new LinkedHashMap<>();
        Instant started = Instant.ofEpochMilli(store.startedAtMillis());
        node.put("start_time", started.toString());
        node.put("current_time", Instant.now().toString());
        node.put("uptime", GoDuration.format(Duration.ofMillis(System.currentTimeMillis() - store.startedAtMillis())));
        root.put("node", node);

        Map<String, Object> runtime = new LinkedHashMap<>();
        runtime.put("GOARCH", System.getProperty("os.arch"));
        runtime.put("GOOS", System.getProperty("os.name").toLowerCase());
        runtime.put("GOMAXPROCS", (long) Runtime.getRuntime().availableProcessors());
        runtime.put("num_cpu", (long) Runtime.getRuntime().availableProcessors());
        runtime.put("num_goroutine", (long) Thread.activeCount());
        runtime.put("version", "java " + Runtime.version());
        runtime.put("kubernetes_hint", System.getenv("KUBERNETES_SERVICE_HOST") != null);
        root.put("runtime", runtime);

        Map<String, Object> os = new LinkedHashMap<>();
        os.put("pid", ProcessHandle.current().pid());
        os.put("ppid", ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(0L));
        os.put("executable", ProcessHandle.current().info().command().orElse(""));
        os.put("hostname", hostname());
        root.put("os", os);

        root.put("store", store());
        Map<String, Object> cluster = new LinkedHashMap<>();
        cluster.put("addr", store.raftAddress());
        cluster.put("api_addr", httpAddr);
        cluster.put("https", "false");
        root.put("cluster", cluster);
        Map<String, Object> extensions = new LinkedHashMap<>();
        extensions.put("dir", "");
        extensions.put("names", List.of()); // SQLite extensions cannot be loaded (no -extensions-path)
        root.put("extensions", extensions);
        return root;
    }

    private Map<String, Object> store() {
        Map<String, Object> s = new LinkedHashMap<>();
        if (!store.isOpen()) {
            s.put("open", false);
            return s;
        }
        s.put("open", true);
        s.put("ready", store.isReady());
        s.put("node_id", store.nodeId());
        s.put("addr", store.raftAddress());
        Map<String, Object> leader = new LinkedHashMap<>();
        leader.put("node_id", store.leaderRaftAddress().isEmpty() ? "" : directory.idOf(store.leaderRaftAddress()));
        leader.put("addr", store.leaderRaftAddress());
        s.put("leader", leader);
        List<Object> nodes = new ArrayList<>();
        java.util.List<com.alipay.sofa.jraft.entity.PeerId> members = new java.util.ArrayList<>(store.voters());
        members.addAll(store.learners());
        members.forEach(p -> {
            Map<String, Object> n = new LinkedHashMap<>();
            String addr = p.getEndpoint().toString();
            n.put("id", addr.equals(store.raftAddress()) ? store.nodeId() : directory.idOf(addr));
            n.put("addr", addr);
            n.put("suffrage", store.learners().contains(p) ? "nonvoter" : "voter");
            nodes.add(n);
        });
        s.put("nodes", nodes);
        Map<String, Object> raft = new LinkedHashMap<>();
        raft.put("state", store.raftState());
        raft.put("term", store.term());
        raft.put("commit_index", store.commitIndex());
        raft.put("applied_index", store.raftAppliedIndex());
        raft.put("fsm_pending", Math.max(0, store.commitIndex() - store.raftAppliedIndex()));
        raft.put("last_log_index", store.lastLogIndex());
        raft.put("last_snapshot_index", store.lastSnapshotIndex());
        raft.put("num_peers", (long) Math.max(0, store.voters().size() - (store.isVoter() ? 1 : 0)));
        raft.put("voter", store.isVoter());
        // Differs from election_timeout only while the first voter of a new cluster stands (Store#bootstrap).
        raft.put("election_timeout_in_use", GoDuration.format(store.electionTimeout()));
        s.put("raft", raft);
        s.put("fsm_index", store.appliedIndex());
        s.put("db_applied_index", store.appliedIndex());
        s.put("apply_timeout", GoDuration.format(props.raft().applyTimeout()));
        s.put("election_timeout", GoDuration.format(props.raft().electionTimeout()));
        s.put("snapshot_threshold", props.raft().snapshotThreshold());
        s.put("snapshot_interval", GoDuration.format(props.raft().snapshotInterval()));
        s.put("dir", store.dataDir().toString());
        var db = store.database();
        Map<String, Object> sqlite = new LinkedHashMap<>();
        sqlite.put("path", db.path().toString());
        sqlite.put("size", db.fileSize() + db.walSize());
        sqlite.put("db_size", db.fileSize());
        sqlite.put("wal_size", db.walSize());
        sqlite.put("version", db.sqliteVersion());
        sqlite.put("pragmas", db.pragmas());
        s.put("sqlite3", sqlite);
        s.put("snapshot_store", snapshotStore(store.dataDir().resolve("raft/snapshot")));
        return s;
    }

    /**
     * rqlite's {@code store.snapshot_store}: the directory and the IDs of the snapshots in it (SOFAJRaft
     * keeps each snapshot in a {@code snapshot_<index>} directory; its name is the ID).
     */
    private static Map<String, Object> snapshotStore(Path dir) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("dir", dir.toString());
        List<String> ids = new ArrayList<>();
        if (Files.isDirectory(dir)) {
            try (Stream<Path> entries = Files.list(dir)) {
                entries.filter(Files::isDirectory).map(p -> p.getFileName().toString())
                        .filter(n -> n.startsWith("snapshot_")).sorted().forEach(ids::add);
            } catch (IOException | UncheckedIOException e) {
                // A snapshot being renamed into place; report what could be listed.
            }
        }
        out.put("snapshots", ids);
        return out;
    }

    private static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "";
        }
    }

    /** The sub-tree at a dotted path ({@code store.raft.state}); {@code {}} if absent. */
    static Object select(Map<String, Object> root, String key) {
        Object current = root;
        for (String part : key.split("\\.")) {
            if (!(current instanceof Map<?, ?> m)) {
                return current;
            }
            if (!m.containsKey(part)) {
                return Map.of();
            }
            current = m.get(part);
        }
        return current;
    }
}
