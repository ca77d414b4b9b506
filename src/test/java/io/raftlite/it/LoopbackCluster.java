package io.raftlite.it;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;

/**
 * Three (or more) nodes on loopback for the API-through-the-cluster tests, named {@code n0..nN-1}
 * after their index, every one started with {@code -bootstrap-expect N -join <all Raft addresses>}
 * plus the given flags. Ports are chosen up front so that nodes can be launched in any order.
 */
final class LoopbackCluster implements AutoCloseable {
    /** A JVM takes 4-20 s to start on a busy 2-core machine. */
    static final Duration START = Duration.ofSeconds(90);
    static final Duration SETTLE = Duration.ofSeconds(60);

    private final Path root;
    private final int[] httpPorts;
    private final int[] raftPorts;
    private final List<List<String>> flags = new ArrayList<>();
    private final NodeProcess[] nodes;

    /**
     * Prepares {@code n} nodes (none running yet); {@code flagsOf} gives each node's extra flags by
     * index (users files, for instance, may differ per node).
     */
    LoopbackCluster(Path root, int n, java.util.function.IntFunction<List<String>> flagsOf) {
        this.root = root;
        this.httpPorts = new int[n];
        this.raftPorts = new int[n];
        this.nodes = new NodeProcess[n];
        for (int i = 0; i < n; i++) {
            httpPorts[i] = NodeProcess.freePort();
            raftPorts[i] = NodeProcess.freePort();
        }
        String join = String.join(",", Arrays.stream(raftPorts).mapToObj(p -> "127.0.0.1:" + p).toList());
        for (int i = 0; i < n; i++) {
            List<String> f = new ArrayList<>(List.of("-node-id", "n" + i, "-bootstrap-expect", Integer.toString(n),
                    "-join", join));
            f.addAll(flagsOf.apply(i));
            flags.add(f);
        }
    }

    /** Launches node {@code i} without waiting for it. */
    NodeProcess launch(int i) {
        nodes[i] = NodeProcess.launch(root.resolve("n" + i), httpPorts[i], raftPorts[i], flags.get(i).toArray(String[]::new));
        return nodes[i];
    }

    void launchAll() {
        for (int i = 0; i < nodes.length; i++) {
            launch(i);
        }
    }

    void awaitAllReady() {
        for (NodeProcess p : nodes) {
            p.awaitReady(START);
        }
    }

    int size() {
        return nodes.length;
    }

    NodeProcess node(int i) {
        return nodes[i];
    }

    Api api(int i) {
        return new Api(nodes[i]);
    }

    List<NodeProcess> all() {
        return List.of(nodes);
    }

    static String id(int i) {
        return "n" + i;
    }

    /** {@code host:port} of node {@code i}'s HTTP API, as {@code X-RQLITE-SERVED-BY} names a local answer. */
    String httpAddress(int i) {
        return "127.0.0.1:" + httpPorts[i];
    }

    String apiUrl(int i) {
        return "http://" + httpAddress(i);
    }

    String raftAddress(int i) {
        return "127.0.0.1:" + raftPorts[i];
    }

    /** The index of the node with this Raft address; -1 if none. */
    int indexOfRaft(String addr) {
        for (int i = 0; i < nodes.length; i++) {
            if (raftAddress(i).equals(addr)) {
                return i;
            }
        }
        return -1;
    }

    /** Node {@code i}'s {@code /status} {@code store} section, or null if it does not answer 200. */
    JsonNode store(int i) {
        try {
            Api.Response r = api(i).get("/status?key=store");
            return r.status() == 200 ? r.json() : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    /**
     * Polls until exactly one of {@code members} says it is the Raft leader and all of them name its
     * Raft address as the leader; returns its index.
     */
    int awaitLeader(List<Integer> members) {
        try {
            return pollLeader(members);
        } catch (AssertionError e) {
            StringBuilder views = new StringBuilder(e.getMessage());
            for (int i : members) {
                JsonNode s = store(i);
                views.append("\n  n").append(i).append(": ").append(s == null ? "no answer"
                        : s.path("raft").path("state").asString("?") + ", leader " + s.path("leader").path("addr").asString("?"));
            }
            throw new AssertionError(views.toString(), e);
        }
    }

    private int pollLeader(List<Integer> members) {
        return poll("one leader agreed by nodes " + members, SETTLE, () -> {
            Integer leader = null;
            for (int i : members) {
                JsonNode s = store(i);
                if (s == null) {
                    return null;
                }
                if ("Leader".equals(s.path("raft").path("state").asString(""))) {
                    if (leader != null) {
                        return null; // two nodes say Leader (an old one has not noticed yet)
                    }
                    leader = i;
                }
            }
            if (leader == null) {
                return null;
            }
            for (int i : members) {
                JsonNode s = store(i);
                if (s == null || !raftAddress(leader).equals(s.path("leader").path("addr").asString(""))) {
                    return null;
                }
            }
            return leader;
        });
    }

    int awaitLeader() {
        List<Integer> members = new ArrayList<>();
        for (int i = 0; i < nodes.length; i++) {
            members.add(i);
        }
        return awaitLeader(members);
    }

    /** A node other than {@code leader}. */
    int follower(int leader, int nth) {
        int seen = 0;
        for (int i = 0; i < nodes.length; i++) {
            if (i != leader && seen++ == nth) {
                return i;
            }
        }
        throw new IllegalArgumentException("no follower #" + nth);
    }

    /** GET {@code /db/query?q=<sql>&<params>} on node {@code i}. */
    Api.Response query(int i, String sql, String params) {
        return api(i).get("/db/query?q=" + URLEncoder.encode(sql, StandardCharsets.UTF_8)
                + (params == null || params.isEmpty() ? "" : "&" + params));
    }

    /** The {@code values} of the first result of a level-none read on node {@code i}; null on any failure. */
    JsonNode localValues(int i, String sql) {
        try {
            Api.Response r = query(i, sql, "level=none");
            if (r.status() != 200) {
                return null;
            }
            JsonNode result = r.json().path("results").path(0);
            return result.has("error") || result.isMissingNode() ? null : result.path("values");
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Polls until a level-none read of {@code sql} on node {@code i} gives {@code expected} (a JSON array). */
    JsonNode awaitLocalValues(int i, String sql, String expected) {
        JsonNode want = Api.parse(expected);
        return poll("node n" + i + " to read " + expected + " for " + sql, SETTLE, () -> {
            JsonNode got = localValues(i, sql);
            return want.equals(got) ? got : null;
        });
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

    /** Kills every node still running (their data directories are thrown away). */
    @Override
    public void close() {
        for (NodeProcess p : nodes) {
            if (p != null) {
                p.close();
            }
        }
    }
}
