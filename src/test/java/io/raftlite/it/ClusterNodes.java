package io.raftlite.it;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;

/**
 * A cluster of {@link NodeProcess}es on loopback for the fault and membership tests: forming it with
 * {@code -bootstrap-expect}, adding nodes later with {@code -join}, finding the leader and polling
 * until every node agrees. Nodes are named {@code n1..nN} and keep their index in {@link #nodes}.
 */
final class ClusterNodes implements AutoCloseable {
    /** A JVM takes 4-20 s to start on a busy 2-core machine. */
    static final Duration START = Duration.ofSeconds(90);
    static final Duration SETTLE = Duration.ofSeconds(60);

    private final Path root;
    final List<NodeProcess> nodes = new ArrayList<>();

    private ClusterNodes(Path root) {
        this.root = root;
    }

    /** Starts {@code n} nodes at once with {@code -bootstrap-expect n} and waits until all are ready. */
    static ClusterNodes form(Path root, int n, String... extraFlags) {
        ClusterNodes c = new ClusterNodes(root);
        int[] http = new int[n];
        int[] raft = new int[n];
        List<String> raftAddrs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            http[i] = NodeProcess.freePort();
            raft[i] = NodeProcess.freePort();
            raftAddrs.add("127.0.0.1:" + raft[i]);
        }
        try {
            for (int i = 0; i < n; i++) {
                List<String> flags = new ArrayList<>(List.of("-node-id", "n" + (i + 1), "-bootstrap-expect",
                        Integer.toString(n), "-join", String.join(",", raftAddrs)));
                flags.addAll(List.of(extraFlags));
                c.nodes.add(NodeProcess.launch(root.resolve("n" + (i + 1)), http[i], raft[i], flags.toArray(String[]::new)));
            }
            for (NodeProcess p : c.nodes) {
                p.awaitReady(START);
            }
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
        return c;
    }

    /** Starts one more node (not waiting for it); it is closed with the cluster. */
    NodeProcess launch(String nodeId, String... flags) {
        List<String> all = new ArrayList<>(List.of("-node-id", nodeId));
        all.addAll(List.of(flags));
        NodeProcess p = NodeProcess.launch(root.resolve(nodeId), NodeProcess.freePort(), NodeProcess.freePort(),
                all.toArray(String[]::new));
        nodes.add(p);
        return p;
    }

    /** Registers a process started elsewhere so that {@link #close} stops it too. */
    NodeProcess track(NodeProcess p) {
        nodes.add(p);
        return p;
    }

    NodeProcess node(int oneBased) {
        return nodes.get(oneBased - 1);
    }

    List<NodeProcess> alive() {
        return nodes.stream().filter(NodeProcess::isAlive).toList();
    }

    static Api api(NodeProcess p) {
        return new Api(p);
    }

    // ---- status probes (null when the node does not answer) ----

    static JsonNode status(NodeProcess p) {
        try {
            Api.Response r = api(p).get("/status?key=store");
            return r.status() == 200 ? r.json() : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** The Raft address of the leader as {@code p} knows it; "" if none or unreachable. */
    static String leaderSeenBy(NodeProcess p) {
        JsonNode s = status(p);
        return s == null ? "" : s.path("leader").path("addr").asString("");
    }

    static String raftState(NodeProcess p) {
        JsonNode s = status(p);
        return s == null ? "" : s.path("raft").path("state").asString("");
    }

    /**
     * Polls until one of {@code members} is the leader and every one of them names it, and returns it.
     */
    static NodeProcess awaitLeader(Collection<NodeProcess> members, Duration timeout) {
        return poll("an agreed leader among " + addresses(members), timeout, () -> {
            NodeProcess leader = members.stream().filter(p -> "Leader".equals(raftState(p))).findFirst().orElse(null);
            if (leader == null) {
                return null;
            }
            for (NodeProcess p : members) {
                if (!leader.raftAddress().equals(leaderSeenBy(p))) {
                    return null;
                }
            }
            return leader;
        });
    }

    NodeProcess awaitLeader() {
        return awaitLeader(alive(), SETTLE);
    }

    /** The node IDs {@code p} lists at {@code /nodes} (with read replicas if {@code nonvoters}); null on failure. */
    static TreeSet<String> nodeIds(NodeProcess p, boolean nonvoters) {
        JsonNode nodes = nodesV2(p, nonvoters);
        if (nodes == null) {
            return null;
        }
        TreeSet<String> ids = new TreeSet<>();
        nodes.forEach(n -> ids.add(n.path("id").asString()));
        return ids;
    }

    /** The {@code nodes} array of {@code /nodes?ver=2}; null on failure. */
    static JsonNode nodesV2(NodeProcess p, boolean nonvoters) {
        try {
            Api.Response r = api(p).get("/nodes?ver=2&timeout=5s" + (nonvoters ? "&nonvoters" : ""));
            return r.status() == 200 ? r.json().path("nodes") : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Polls until every node in {@code on} lists exactly {@code expected} at {@code /nodes}. */
    static void awaitNodeIds(Collection<NodeProcess> on, boolean nonvoters, Collection<String> expected) {
        TreeSet<String> want = new TreeSet<>(expected);
        poll("/nodes" + (nonvoters ? "?nonvoters" : "") + " = " + want + " on " + addresses(on), SETTLE, () -> {
            for (NodeProcess p : on) {
                if (!want.equals(nodeIds(p, nonvoters))) {
                    return null;
                }
            }
            return Boolean.TRUE;
        });
    }

    /** The node's row count of {@code table} at level none; -1 if it does not answer. */
    static long count(NodeProcess p, String table) {
        try {
            Api.Response r = api(p).get("/db/query?level=none&q=" + java.net.URLEncoder.encode(
                    "SELECT COUNT(*) FROM " + table, StandardCharsets.UTF_8));
            JsonNode v = r.status() == 200 ? r.json().path("results").path(0).path("values").path(0).path(0) : null;
            return v == null || !v.isNumber() ? -1 : v.asLong();
        } catch (RuntimeException e) {
            return -1;
        }
    }

    /** Polls until every node in {@code on} holds {@code expected} rows in {@code table} (level none). */
    static void awaitCount(Collection<NodeProcess> on, String table, long expected) {
        poll(expected + " rows in " + table + " on " + addresses(on), SETTLE, () -> {
            for (NodeProcess p : on) {
                if (count(p, table) != expected) {
                    return null;
                }
            }
            return Boolean.TRUE;
        });
    }

    /**
     * True if a write answered 200, with no top-level error and no error in any result: the only
     * answer a client may count as acknowledged.
     */
    static boolean acknowledged(Api.Response r) {
        if (r.status() != 200) {
            return false;
        }
        JsonNode body;
        try {
            body = r.json();
        } catch (RuntimeException e) {
            return false;
        }
        if (body.has("error") || !body.path("results").isArray() || body.path("results").isEmpty()) {
            return false;
        }
        for (JsonNode result : body.path("results")) {
            if (result.has("error")) {
                return false;
            }
        }
        return true;
    }

    /** Polls {@code probe} until it returns non-null, failing with {@code what} after {@code timeout}. */
    static <T> T poll(String what, Duration timeout, Supplier<T> probe) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            T value = probe.get();
            if (value != null) {
                return value;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            NodeProcess.sleep(200);
        }
    }

    static List<String> addresses(Collection<NodeProcess> nodes) {
        return nodes.stream().map(NodeProcess::raftAddress).toList();
    }

    static NodeProcess byRaftAddress(Collection<NodeProcess> nodes, String addr) {
        return nodes.stream().filter(p -> p.raftAddress().equals(addr)).findFirst().orElseThrow();
    }

    /** The ID {@code -node-id} gave the node (its data directory's name). */
    static String id(NodeProcess p) {
        return p.dataDir().getFileName().toString();
    }

    /** Kills every node still running (kill -9: the data directories are thrown away anyway). */
    @Override
    public void close() {
        for (NodeProcess p : nodes) {
            p.close();
        }
    }
}
