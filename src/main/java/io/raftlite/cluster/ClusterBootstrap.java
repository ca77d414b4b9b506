package io.raftlite.cluster;

import com.alipay.sofa.jraft.entity.PeerId;
import io.raftlite.command.ClusterRequest;
import io.raftlite.command.ClusterResponse;
import io.raftlite.command.JoinRequest;
import io.raftlite.command.NotifyRequest;
import io.raftlite.config.HostPort;
import io.raftlite.config.RaftliteProperties;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The start-up decision, as in rqlited:
 * <ol>
 *   <li>Raft state from an earlier run: resume. With join targets (or discovery) the node also sends
 *       its join request again, in the background and for {@code join-attempts} rounds at most: the
 *       leader treats it as a no-op if the node is a member with the same ID and address, and
 *       otherwise replaces the old record (a node that comes back at a new address, or one that was
 *       removed, or one whose role changed). A node that is the only member of its own cluster does
 *       not join another one.</li>
 *   <li>No join targets and no discovery: a single-node cluster with this node as its voter.</li>
 *   <li>Join targets without {@code bootstrap-expect}: start empty and ask to be added.</li>
 *   <li>With {@code bootstrap-expect N}: try to join; meanwhile tell every target about this node;
 *       once N distinct nodes (this one included) are known, start a cluster with exactly them.
 *       Every expected node derives the same set, so one cluster forms whichever starts first.</li>
 * </ol>
 * Joining and bootstrapping run in the background so the HTTP API answers (not ready) meanwhile.
 */
public final class ClusterBootstrap implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ClusterBootstrap.class);

    private final io.raftlite.store.Store store;
    private final RaftliteProperties props;
    private final ClusterClient client;
    private final ClusterService service;
    private final LeaderForwarder forwarder;
    private final LeaderForwarder.Credentials joinCredentials;
    private final Map<String, String> notified = new TreeMap<>(); // raft address -> node id
    private volatile Thread worker;
    private final PeerDirectory directory;
    private final java.util.concurrent.ScheduledExecutorService idLearner =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "raftlite-peer-ids");
                t.setDaemon(true);
                return t;
            });
    private volatile boolean closed;
    private final Semaphore newNode = new Semaphore(0);

    public ClusterBootstrap(io.raftlite.store.Store store, RaftliteProperties props, ClusterClient client,
            ClusterService service, LeaderForwarder forwarder, LeaderForwarder.Credentials joinCredentials,
            PeerDirectory directory) {
        this.directory = directory;
        this.store = store;
        this.props = props;
        this.client = client;
        this.service = service;
        this.forwarder = forwarder;
        this.joinCredentials = joinCredentials;
        service.onNotify(this::notified);
    }

    /** Makes the start-up decision and starts Raft; joining or bootstrapping continue in the background. */
    public void start() {
        store.listen();
        idLearner.scheduleWithFixedDelay(this::learnPeerIds, 2, 10, TimeUnit.SECONDS);
        RaftliteProperties.Cluster c = props.cluster();
        boolean discovery = !c.discoMode().isBlank();
        if (props.raft().nonVoter() && c.bootstrapExpect() > 0) {
            throw new IllegalArgumentException("a read replica (-raft-non-voter) cannot use -bootstrap-expect");
        }
        if (store.hasRaftState()) {
            store.startRaft(List.of());
            if (!joinTargets().isEmpty() || discovery) {
                startWorker(this::rejoinLoop);
            }
            return;
        }
        if (joinTargets().isEmpty() && !discovery) {
            if (props.raft().nonVoter()) {
                throw new IllegalArgumentException("a read replica (-raft-non-voter) needs -join to find its cluster");
            }
            store.startRaft(List.of(store.self()));
            return;
        }
        store.startRaft(List.of());
        startWorker(c.bootstrapExpect() > 0 ? this::bootstrapLoop : this::joinLoop);
    }

    private void startWorker(Runnable task) {
        worker = new Thread(task, "raftlite-cluster-join");
        worker.setDaemon(true);
        worker.start();
    }

    /**
     * A restarted member asks to join again so that the leader's record of it is current. Gives up
     * quietly after {@code join-attempts} rounds: the node runs on its Raft state regardless (after a
     * whole-cluster restart there is no leader to ask until the members have elected one).
     */
    private void rejoinLoop() {
        RaftliteProperties.Cluster c = props.cluster();
        for (int attempt = 1; !closed && attempt <= Math.max(1, c.joinAttempts()); attempt++) {
            if (store.voters().equals(List.of(store.self())) && store.learners().isEmpty()) {
                log.warn("this node is the only member of its own cluster: not joining {}", targets());
                return;
            }
            for (String target : targets()) {
                if (!isSelf(target) && tryJoin(target)) {
                    return;
                }
            }
            sleep(c.joinInterval());
        }
        log.info("no join target accepted the join request; running on the existing Raft state");
    }

    private void joinLoop() {
        RaftliteProperties.Cluster c = props.cluster();
        for (int attempt = 1; !closed; attempt++) {
            for (String target : targets()) {
                if (tryJoin(target)) {
                    return;
                }
            }
            if (attempt >= c.joinAttempts()) {
                log.error("could not join the cluster at {} after {} attempts; still trying every {}", targets(), attempt,
                        c.joinInterval());
            }
            sleep(c.joinInterval());
        }
    }

    private void bootstrapLoop() {
        RaftliteProperties.Cluster c = props.cluster();
        long deadline = System.nanoTime() + c.bootstrapExpectTimeout().toNanos();
        boolean bootstrapped = false;
        while (!closed) {
            if (!store.leaderRaftAddress().isEmpty()) {
                log.info("cluster formed; leader is {}", store.leaderRaftAddress());
                return;
            }
            List<String> targets = targets();
            if (!bootstrapped) {
                for (String target : targets) {
                    if (!isSelf(target) && tryJoin(target)) {
                        return;
                    }
                }
                notified(store.nodeId(), store.raftAddress());
                for (String target : targets) {
                    if (!isSelf(target)) {
                        notify(target);
                    }
                }
                List<PeerId> voters = expectedVoters(c.bootstrapExpect());
                if (voters != null) {
                    bootstrapped = store.bootstrap(voters);
                }
            }
            if (System.nanoTime() > deadline) {
                log.error("bootstrap-expect {}: no cluster formed within {}; known nodes {}", c.bootstrapExpect(),
                        c.bootstrapExpectTimeout(), notifiedSnapshot());
                deadline = System.nanoTime() + c.bootstrapExpectTimeout().toNanos();
            }
            awaitNewNode(Duration.ofMillis(500));
        }
    }

    /**
     * Waits until another node makes itself known, or for {@code most}: when the last expected node
     * comes up, the others look at the bootstrap again as soon as they hear of it instead of at their
     * next round (a round's join and notify calls still come first).
     */
    private void awaitNewNode(Duration most) {
        try {
            if (newNode.tryAcquire(most.toMillis(), TimeUnit.MILLISECONDS)) {
                newNode.drainPermits();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Asks members whose ID this node does not know yet for it, so a dead node can later be named by ID. */
    private void learnPeerIds() {
        try {
            List<PeerId> members = new ArrayList<>(store.voters());
            members.addAll(store.learners());
            for (PeerId p : members) {
                String addr = p.getEndpoint().toString();
                if (directory.idOf(addr).equals(addr) && !addr.equals(store.raftAddress())) {
                    try {
                        directory.learn(forwarder.meta(addr, Duration.ofSeconds(2), 0).getNodeId(), addr);
                    } catch (RuntimeException e) {
                        log.debug("cannot learn the ID of {}: {}", addr, e.getMessage());
                    }
                }
            }
        } catch (RuntimeException e) {
            log.debug("peer ID refresh failed", e);
        }
    }

    private void notified(String nodeId, String raftAddr) {
        boolean news;
        synchronized (this) {
            news = notified.put(raftAddr, nodeId) == null;
        }
        if (news) {
            newNode.release(); // the bootstrap loop looks again at once instead of at its next round
        }
    }

    private synchronized Map<String, String> notifiedSnapshot() {
        return Map.copyOf(notified);
    }

    /** The first {@code n} known nodes by address, once at least {@code n} are known; else null. */
    private synchronized List<PeerId> expectedVoters(int n) {
        if (notified.size() < n) {
            return null;
        }
        List<PeerId> voters = new ArrayList<>();
        for (String addr : notified.keySet()) {
            if (voters.size() == n) {
                break;
            }
            voters.add(PeerId.parsePeer(addr));
        }
        return voters.contains(store.self()) ? voters : null;
    }

    private boolean tryJoin(String target) {
        String next = target;
        for (int hops = 0; hops < 5 && next != null && !next.isEmpty(); hops++) {
            try {
                ClusterRequest.Builder req = ClusterRequest.newBuilder().setJoin(JoinRequest.newBuilder()
                        .setNodeId(store.nodeId()).setRaftAddr(store.raftAddress()).setVoter(!props.raft().nonVoter()));
                withCredentials(req);
                ClusterResponse r = client.call(next, req.build(), Duration.ofSeconds(40), 0);
                if (r.getError().isEmpty()) {
                    log.info("joined the cluster through {}", next);
                    return true;
                }
                if (r.getUnauthorized()) {
                    log.error("join refused by {}: not authorized (see -join-as)", next);
                    return false;
                }
                next = "not leader".equals(r.getError()) ? r.getLeaderRaftAddr() : null;
            } catch (RuntimeException e) {
                log.debug("join through {} failed: {}", next, e.getMessage());
                return false;
            }
        }
        return false;
    }

    private void notify(String target) {
        try {
            ClusterRequest.Builder req = ClusterRequest.newBuilder()
                    .setNotify(NotifyRequest.newBuilder().setNodeId(store.nodeId()).setRaftAddr(store.raftAddress()));
            withCredentials(req);
            client.call(target, req.build(), Duration.ofSeconds(5), 0);
        } catch (RuntimeException e) {
            log.debug("notify {} failed: {}", target, e.getMessage());
        }
    }

    private void withCredentials(ClusterRequest.Builder req) {
        if (joinCredentials.username() != null) {
            req.setUsername(joinCredentials.username())
                    .setPassword(joinCredentials.password() == null ? "" : joinCredentials.password())
                    .setHasCredentials(true);
        }
    }

    private boolean isSelf(String target) {
        return target.equals(store.raftAddress()) || target.equals(props.raftAddr());
    }

    private List<String> joinTargets() {
        return props.cluster().join().stream().flatMap(s -> List.of(s.split(",")).stream()).map(String::trim)
                .filter(s -> !s.isEmpty()).toList();
    }

    /** Join targets, plus the A records of the discovery name combined with this node's Raft port. */
    List<String> targets() {
        Set<String> out = new LinkedHashSet<>(joinTargets());
        RaftliteProperties.Cluster c = props.cluster();
        if ("dns".equalsIgnoreCase(c.discoMode())) {
            String name = discoName(c.discoConfig());
            int port = HostPort.parse(props.advertisedRaftAddr(), "raft address").port();
            try {
                for (InetAddress a : InetAddress.getAllByName(name)) {
                    out.add(new HostPort(a.getHostAddress(), port).toString());
                }
            } catch (UnknownHostException e) {
                log.debug("discovery name {} does not resolve yet", name);
            }
        } else if (!c.discoMode().isBlank()) {
            throw new IllegalArgumentException("unsupported -disco-mode " + c.discoMode() + " (supported: dns)");
        }
        return List.copyOf(out);
    }

    static String discoName(String config) {
        String text = config.strip();
        try {
            if (!text.startsWith("{") && Files.exists(Path.of(text))) {
                text = Files.readString(Path.of(text));
            }
            JsonNode root = JsonMapper.builder().build().readTree(expandEnv(text));
            String name = root.path("name").asString("");
            if (name.isEmpty()) {
                throw new IllegalArgumentException("-disco-config needs {\"name\": \"...\"}");
            }
            return name;
        } catch (java.io.IOException | RuntimeException e) {
            throw new IllegalArgumentException("invalid -disco-config: " + e.getMessage(), e);
        }
    }

    private static String expandEnv(String s) {
        StringBuilder out = new StringBuilder();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\$\\{?([A-Za-z_][A-Za-z0-9_]*)}?").matcher(s);
        while (m.find()) {
            String v = System.getenv(m.group(1));
            m.appendReplacement(out, java.util.regex.Matcher.quoteReplacement(v == null ? "" : v));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** With {@code raft.cluster-remove-shutdown}: asks the leader to remove this node before it stops. */
    @Override
    public void close() {
        closed = true;
        idLearner.shutdownNow();
        if (worker != null) {
            worker.interrupt();
        }
        if (props.raft().clusterRemoveShutdown() && store.isOpen()) {
            try {
                if (store.isLeader() && store.voters().size() > 1) {
                    store.transferLeadership(null, Duration.ofSeconds(5));
                }
                removeSelf(Duration.ofSeconds(15));
                log.info("removed this node from the cluster before shutting down");
            } catch (RuntimeException e) {
                log.warn("could not remove this node from the cluster on shutdown: {}", e.getMessage());
            }
        }
    }

    /**
     * Asks the leader to remove this node, retrying until {@code patience} runs out: right after a
     * leadership hand-over this node may not know the new leader yet, or still name the candidate
     * that is about to win ({@code not leader}). A refusal for the credentials is final; a node that is
     * no member any more is done.
     */
    private void removeSelf(Duration patience) {
        long deadline = System.nanoTime() + patience.toNanos();
        while (true) {
            try {
                forwarder.remove(store.nodeId(), joinCredentials, Duration.ofSeconds(5), 0);
                return;
            } catch (LeaderForwarder.UnauthorizedException e) {
                throw e;
            } catch (RuntimeException e) {
                if (e.getMessage() != null && e.getMessage().endsWith(ClusterService.NOT_A_MEMBER)) {
                    return; // removed already
                }
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                log.debug("removal on shutdown not done yet: {}", e.getMessage());
                sleep(Duration.ofMillis(100));
            }
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
