package io.raftlite.store;

import com.alipay.sofa.jraft.Node;
import com.alipay.sofa.jraft.RaftGroupService;
import com.alipay.sofa.jraft.Status;
import com.alipay.sofa.jraft.closure.ReadIndexClosure;
import com.alipay.sofa.jraft.conf.Configuration;
import com.alipay.sofa.jraft.core.NodeImpl;
import com.alipay.sofa.jraft.entity.PeerId;
import com.alipay.sofa.jraft.error.RaftError;
import com.alipay.sofa.jraft.option.NodeOptions;
import com.alipay.sofa.jraft.option.RaftOptions;
import com.alipay.sofa.jraft.rpc.RaftRpcServerFactory;
import com.alipay.sofa.jraft.rpc.RpcServer;
import com.alipay.sofa.jraft.util.Endpoint;
import io.raftlite.command.LogEntries;
import io.raftlite.command.LogEntry;
import io.raftlite.command.SqlRequest;
import io.raftlite.config.HostPort;
import io.raftlite.config.RaftliteProperties;
import io.raftlite.db.Database;
import io.raftlite.db.DatabaseConfig;
import io.raftlite.db.ExecutionOptions;
import io.raftlite.db.Statement;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node: a SOFAJRaft node whose state machine is a SQLite database. Decides, for every request,
 * whether it can be served here at the consistency asked for; if it needs the leader and this node is
 * not the leader it throws {@link NotLeaderException} and the caller forwards or redirects.
 *
 * <p>Restart safety: the Raft log is replayed from the last snapshot on every start. If the node was
 * shut down cleanly, a marker file records the index the database holds and replayed entries up to it
 * are skipped. Otherwise (a crash) the database is discarded and rebuilt from the last snapshot plus
 * the log, so nothing is lost and nothing applied twice. The package documentation has the details.
 *
 * <p>Thread-safe.
 */
public final class Store implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Store.class);
    static final String GROUP = "raftlite";
    private static final String CLEAN_MARKER = "clean-shutdown";
    /**
     * How many entries the log may be applied behind the commit index this node knows of while the
     * node still counts as ready. Under a steady write load the state machine is always an entry or
     * a few behind the commit index (it applies them one batch after the other), so a node without
     * any slack answered about one readiness probe in nine with 503 at 32 writing clients. A node
     * further behind, such as one applying a long log again after a restart, is still not ready.
     */
    static final long READY_APPLY_SLACK = 64;
    /**
     * Two fields of SOFAJRaft's node that its {@code Node} interface does not expose: the current
     * term, and when a leader was last heard from. Looked up once; null if a SOFAJRaft version
     * renamed them, in which case {@link #term()} and {@link #millisSinceLeaderContact()} fall back.
     */
    private static final Field CURRENT_TERM = nodeField("currTerm");
    private static final Field LAST_LEADER_CONTACT = nodeField("lastLeaderTimestamp");

    private final RaftliteProperties props;
    private final StoreMetrics metrics;
    private final Path dataDir;
    private final Path dbDir;
    private Database db;
    private SqlStateMachine fsm;
    private RaftGroupService raftGroup;
    private RpcServer rpcServer;
    private Node node;
    private RaftOptions raftOptions;
    private final AtomicReference<ScheduledFuture<?>> firstElection = new AtomicReference<>();
    private GroupCommit groupCommit;
    private PeerId self;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "raftlite-store-timer");
        t.setDaemon(true);
        return t;
    });
    /** Its own thread: a connection attempt to a peer that is down blocks for up to a second. */
    private final ScheduledExecutorService linkChecker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "raftlite-replication-links");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean open;
    private boolean hadRaftState;
    private boolean listening;
    /** An operator's {@code raft/peers.json} not yet in effect; null when there is none or once it is. */
    private volatile PeersRecovery recovery;
    private List<PeersRecovery.Peer> recoveryPeers = List.of();
    private long lastLogIndexBeforeRecovery;
    private final long startedAtMillis = System.currentTimeMillis();

    public Store(RaftliteProperties props, StoreMetrics metrics) {
        this.props = props;
        this.metrics = metrics;
        this.dataDir = props.dataDir().toAbsolutePath();
        this.dbDir = dataDir.resolve("db");
    }

    /**
     * Opens the database and binds the Raft port (so the cluster service can answer), without
     * starting the Raft node: {@link #startRaft} does that once the start-up decision is made.
     */
    public synchronized void open() {
        try {
            Files.createDirectories(dbDir);
            Files.createDirectories(dataDir.resolve("raft"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create data directory " + dataDir, e);
        }
        hadRaftState = Files.exists(dataDir.resolve("raft/meta/raft_meta"));
        findRecoveryFile();
        long cleanIndex = takeCleanMarker();
        deleteScratchFiles();
        Path dbFile = dbDir.resolve("db.sqlite");
        if (cleanIndex < 0) {
            // Unknown state (first start or a crash): rebuild from snapshot + log.
            deleteDatabaseFiles(dbFile);
        }
        db = Database.open(dbFile, new DatabaseConfig(props.foreignKeys(), props.raft().readPoolSize(), 5000,
                props.raft().statementCacheBytes()));
        fsm = new SqlStateMachine(db, cleanIndex, metrics);

        HostPort adv = HostPort.parse(props.advertisedRaftAddr(), "raft advertised address");
        HostPort bind = HostPort.parse(props.raftAddr(), "raft address");
        self = new PeerId(new Endpoint(adv.host(), adv.port()), 0);
        // SOFAJRaft's factory binds every interface; bind only the address the operator gave.
        rpcServer = ReplicationThreads.server(new com.alipay.remoting.rpc.RpcServer(bind.host(), bind.port(), true));
        RaftRpcServerFactory.addRaftRequestProcessors(rpcServer);
    }

    /**
     * Starts accepting connections on the Raft port. Separate from {@link #open} so that the cluster
     * service can register its processor first and no early caller finds the port without it.
     * Idempotent.
     */
    public synchronized void listen() {
        if (listening) {
            return;
        }
        if (!rpcServer.init(null)) {
            throw new IllegalStateException("cannot listen on Raft address " + props.raftAddr());
        }
        listening = true;
    }

    /** True if this node has Raft state from an earlier run (it is, or was, a cluster member). */
    public boolean hasRaftState() {
        return hadRaftState;
    }

    /** Registers a processor for the cluster's own messages on the Raft port. */
    public void registerProcessor(com.alipay.sofa.jraft.rpc.RpcProcessor<?> processor) {
        rpcServer.registerProcessor(processor);
    }

    /** This node's own Raft identity (its advertised Raft address). */
    public PeerId self() {
        return self;
    }

    /**
     * Starts the Raft node.
     *
     * @param initialVoters the configuration a brand-new cluster starts with: just this node for a
     *     single-node cluster, nobody for a node that waits to be added (join) or to learn the
     *     configuration at bootstrap. Ignored when the node has Raft state already.
     */
    public synchronized void startRaft(List<PeerId> initialVoters) {
        if (node != null) {
            return;
        }
        listen();
        LogStorageOptions.limit(props.raft().logMemtableBytes());
        NodeOptions options = new NodeOptions();
        options.setFsm(fsm);
        options.setLogUri(dataDir.resolve("raft/log").toString());
        options.setRaftMetaUri(dataDir.resolve("raft/meta").toString());
        options.setSnapshotUri(dataDir.resolve("raft/snapshot").toString());
        options.setElectionTimeoutMs((int) props.raft().electionTimeout().toMillis());
        options.setSnapshotIntervalSecs(0); // snapshots are taken by threshold, below
        options.setInitialConf(new Configuration(initialVoters));
        options.setSharedTimerPool(true);
        // SOFAJRaft's own election, vote, step-down and snapshot timers are hashed wheels that wake
        // every millisecond, each on a thread of its own: up to 4,000 wake-ups a second on an idle
        // node. The shared ones are scheduled executors, which wake only when a timeout is due.
        options.setSharedElectionTimer(true);
        options.setSharedVoteTimer(true);
        options.setSharedStepDownTimer(true);
        options.setSharedSnapshotTimer(true);
        raftOptions = new RaftOptions();
        raftOptions.setSync(props.raft().sync());
        raftOptions.setSyncMeta(true);
        options.setRaftOptions(raftOptions);

        raftGroup = new RaftGroupService(GROUP, self, options, rpcServer);
        node = raftGroup.start(false);
        if (node == null) {
            throw new IllegalStateException("cannot start the Raft node");
        }
        groupCommit = new GroupCommit(node::apply, metrics, props.raft().proposalsInFlight(),
                props.raft().proposalMaxRequests(), props.raft().proposalMaxBytes(),
                props.raft().proposalGatherTime().toNanos(), scheduler);
        open = true;
        long every = Math.max(100, props.raft().snapshotInterval().toMillis());
        scheduler.scheduleWithFixedDelay(this::snapshotIfDue, every, every, TimeUnit.MILLISECONDS);
        ReplicationLinks links = new ReplicationLinks(() -> node, () -> {
            List<PeerId> all = new java.util.ArrayList<>(voters());
            all.addAll(learners());
            return all;
        }, self, 3);
        linkChecker.scheduleWithFixedDelay(() -> {
            try {
                links.check();
            } catch (RuntimeException e) {
                log.debug("replication link check failed", e);
            }
        }, 1, 1, TimeUnit.SECONDS);
        log.info("node {} open: raft {} data {} initial voters {}", nodeId(), self, dataDir, initialVoters);
        if (recovery != null) {
            resetPeersFromRecoveryFile();
        }
    }

    // ---- quorum-loss recovery (raft/peers.json) ----

    /**
     * Reads and checks {@code raft/peers.json} before anything else happens, so that a file that
     * cannot be used stops the node before it has touched its data.
     */
    private void findRecoveryFile() {
        try {
            recovery = PeersRecovery.find(dataDir.resolve("raft"), props.advertisedRaftAddr(), nodeId()).orElse(null);
            if (recovery != null && !hadRaftState) {
                throw new PeersRecovery.InvalidFileException(recovery.file(), "this node has no Raft state to"
                        + " recover (no " + dataDir.resolve("raft/meta") + "); is this the data directory of a"
                        + " surviving node?");
            }
        } catch (PeersRecovery.InvalidFileException e) {
            log.error("refusing to start: {}", e.getMessage());
            throw e;
        }
        if (recovery != null) {
            recoveryPeers = recovery.peers();
        }
    }

    /**
     * Replaces the configuration loaded from the log with the one in {@code raft/peers.json}
     * (SOFAJRaft's {@code resetPeers}: this node alone, no replication, meant for a lost majority).
     * The reset lives in memory until a leader of the new configuration appends it to the log, so the
     * file stays until then ({@link #renameRecoveryFileOnceCommitted}): a restart before that resets
     * again.
     */
    private void resetPeersFromRecoveryFile() {
        PeersRecovery r = recovery;
        Configuration before = currentConf();
        if (r.isIn(before)) {
            log.warn("quorum-loss recovery: {} lists the configuration this node already has ({}); nothing to reset",
                    r.file(), before);
            renameRecoveryFile(r);
            return;
        }
        lastLogIndexBeforeRecovery = node.getLastLogIndex();
        Status st = node.resetPeers(r.configuration());
        for (int i = 0; i < 100 && st.getRaftError() == RaftError.EBUSY; i++) {
            sleepQuietly(50); // a configuration change of this node's own is still in flight
            st = node.resetPeers(r.configuration());
        }
        if (!st.isOk()) {
            throw new IllegalStateException("quorum-loss recovery: cannot reset the Raft configuration to " + r.file()
                    + ": " + st);
        }
        log.warn("quorum-loss recovery: Raft configuration reset from voters {} non-voters {} to voters {} non-voters {},"
                + " as {} says. This node keeps its log (last index {}) and snapshot. The file is renamed to {} once a"
                + " leader has committed the new configuration; the renamed copy is kept as a record and never triggers"
                + " a recovery again (rqlite deletes the file instead)",
                before.getPeers(), before.getLearners(), r.configuration().getPeers(), r.configuration().getLearners(),
                r.file(), lastLogIndexBeforeRecovery, r.appliedFile());
        scheduler.schedule(this::renameRecoveryFileOnceCommitted, 100, TimeUnit.MILLISECONDS);
    }

    /**
     * Renames the file once the new configuration is committed: a leader is known, the configuration
     * is the recovered one, and an entry past this node's old log has been applied. A new leader's
     * first entry is its configuration, so on the leader that entry is in the log. A follower far
     * behind could count an older entry it was sent first; should it restart in that moment, it starts
     * with the old configuration, follows the recovered leader (whose log is ahead of its own) and
     * receives the configuration entry from it.
     */
    private void renameRecoveryFileOnceCommitted() {
        PeersRecovery r = recovery;
        if (r == null || !open) {
            return;
        }
        try {
            if (!leaderRaftAddress().isEmpty() && node.getLastAppliedLogIndex() > lastLogIndexBeforeRecovery
                    && r.isIn(currentConf())) {
                log.warn("quorum-loss recovery: configuration {} committed (leader {})", currentConf(),
                        leaderRaftAddress());
                renameRecoveryFile(r);
                return;
            }
        } catch (RuntimeException e) {
            log.debug("quorum-loss recovery: cannot check the configuration yet", e);
        }
        try {
            scheduler.schedule(this::renameRecoveryFileOnceCommitted, 100, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closing: the file stays and the next start applies it again
        }
    }

    private void renameRecoveryFile(PeersRecovery r) {
        recovery = null;
        try {
            r.markApplied();
            log.warn("quorum-loss recovery done: renamed {} to {}; delete it whenever you like", r.file(),
                    r.appliedFile());
        } catch (IOException e) {
            log.error("quorum-loss recovery: cannot rename {} to {} ({}); remove it by hand, or the next start"
                    + " applies it again", r.file(), r.appliedFile(), e.toString());
        }
    }

    /**
     * The members an operator's {@code raft/peers.json} listed at this start (with their node IDs),
     * empty if there was none.
     */
    public List<PeersRecovery.Peer> recoveryPeers() {
        return recoveryPeers;
    }

    /**
     * Sets the configuration of a node that has no Raft state yet (the bootstrap of a new cluster,
     * where every expected node derives the same set). Refused once the node has a configuration.
     */
    public synchronized boolean bootstrap(List<PeerId> voters) {
        if (!open || !currentConf().listPeers().isEmpty()) {
            return false;
        }
        long term = term();
        if (term > 0) {
            // A candidate of this cluster reached the node first (SOFAJRaft grants votes to nodes
            // without a configuration too). Setting the configuration now would raise its term
            // past the new leader's and depose it; the leader hands it the configuration instead.
            log.info("not bootstrapping: already in term {} of a forming cluster", term);
            return false;
        }
        Status st = node.resetPeers(new Configuration(voters));
        log.info("bootstrapping a new cluster with voters {}: {}", voters, st);
        if (st.isOk() && voters.size() > 1 && voters.get(0).equals(self)) {
            standForFirstElectionNow();
        }
        return st.isOk();
    }

    /** How long the first voter of a new cluster waits before standing (see below). */
    static final int FIRST_ELECTION_TIMEOUT_MS = 50;

    /**
     * The first election of a new cluster, without the wait of a lost leader. Every node of a
     * bootstrap derives the same voter list, and only its first voter stands at once: it waits
     * {@value #FIRST_ELECTION_TIMEOUT_MS} ms (so the others have set their configuration too),
     * without the random spread, and asks for pre-votes again every
     * {@value #FIRST_ELECTION_TIMEOUT_MS} ms while it has no leader; the others keep the usual
     * timeout (1 to 2 times {@code election-timeout}), so there is no split vote to resolve. Once a
     * leader is known, or after one {@code election-timeout}, the node's own timeout and spread are
     * back. This is only a matter of timing: the election is an ordinary pre-vote and vote (a vote
     * that fails still waits SOFAJRaft's vote timeout, which this does not shorten).
     *
     * <p>In SOFAJRaft 1.4.1 {@code resetElectionTimeoutMs} changes the election timer and the leader
     * lease ({@code electionTimeout} times 0.9), not the replicators' heartbeat interval, which is
     * fixed when they start. The spread is a plain field of the options the node shares with us: it
     * is written before {@code resetElectionTimeoutMs} on this thread, and that call takes the
     * node's and the timer's locks, which the timer threads take before they read it.
     */
    private void standForFirstElectionNow() {
        int usual = (int) props.raft().electionTimeout().toMillis();
        int usualSpread = raftOptions.getMaxElectionDelayMs();
        if (usual <= FIRST_ELECTION_TIMEOUT_MS) {
            return;
        }
        raftOptions.setMaxElectionDelayMs(1); // SOFAJRaft draws the timeout from [t, t + spread)
        node.resetElectionTimeoutMs(FIRST_ELECTION_TIMEOUT_MS);
        long giveUpAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(usual);
        firstElection.set(scheduler.scheduleWithFixedDelay(() -> endFirstElection(usual, usualSpread, giveUpAt), 5, 5,
                TimeUnit.MILLISECONDS));
    }

    /**
     * Gives the first voter its own timeout and spread back once a leader is known (or at
     * {@code giveUpAt}). Takes no lock of this store: it runs on the scheduler that group commit's
     * timer uses too, and must not wait for {@link #close} handing leadership over.
     */
    private void endFirstElection(int usualTimeout, int usualSpread, long giveUpAt) {
        ScheduledFuture<?> watch = firstElection.get();
        boolean stillStanding = open && leaderRaftAddress().isEmpty() && System.nanoTime() < giveUpAt;
        if (watch == null || stillStanding || !firstElection.compareAndSet(watch, null)) {
            return; // the one run that gets here restores
        }
        watch.cancel(false);
        if (!open) {
            return;
        }
        raftOptions.setMaxElectionDelayMs(usualSpread);
        node.resetElectionTimeoutMs(usualTimeout);
        String leader = leaderRaftAddress();
        log.info("first election: {}", leader.isEmpty() ? "no leader yet, back to the usual timeout" : "leader " + leader);
    }

    // ---- membership (leader only) ----

    /** Adds a voter (or, with {@code voter} false, a learner: a read replica); waits for the change to commit. */
    public void addMember(PeerId peer, boolean voter, Duration timeout) {
        requireLeader();
        CompletableFuture<Status> done = new CompletableFuture<>();
        if (voter) {
            node.addPeer(peer, done::complete);
        } else {
            node.addLearners(List.of(peer), done::complete);
        }
        awaitMembership(done, timeout, "add " + peer);
    }

    /** Removes a voter or learner; waits for the change to commit. */
    public void removeMember(PeerId peer, Duration timeout) {
        requireLeader();
        CompletableFuture<Status> done = new CompletableFuture<>();
        if (currentConf().listLearners().contains(peer)) {
            node.removeLearners(List.of(peer), done::complete);
        } else {
            node.removePeer(peer, done::complete);
        }
        awaitMembership(done, timeout, "remove " + peer);
    }

    private void awaitMembership(CompletableFuture<Status> done, Duration timeout, String what) {
        try {
            Status st = done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!st.isOk()) {
                if (st.getRaftError() == RaftError.EPERM) {
                    throw new NotLeaderException(leaderRaftAddress());
                }
                throw new StoreException(what + ": " + st.getErrorMsg());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted");
        } catch (ExecutionException | TimeoutException e) {
            throw new StoreException(what + ": timed out");
        }
    }

    /**
     * Hands leadership to {@code target}, or to the most up-to-date voter if null, and waits until
     * this node is no longer leader. A leader that is still committing a configuration change (a
     * node joining, say, right after the cluster formed) refuses to transfer with EBUSY; that is
     * waited out within the same timeout, as a client asking for a new leader would expect.
     */
    public void transferLeadership(PeerId target, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        PeerId to = target == null ? PeerId.ANY_PEER : target;
        requireLeader();
        Status st = node.transferLeadershipTo(to);
        while (st.getRaftError() == RaftError.EBUSY && System.nanoTime() < deadline
                && !Thread.currentThread().isInterrupted()) {
            sleepQuietly(20);
            requireLeader();
            st = node.transferLeadershipTo(to);
        }
        if (!st.isOk()) {
            throw new StoreException(st.getErrorMsg() == null ? st.toString() : st.getErrorMsg());
        }
        while (node.isLeader() && System.nanoTime() < deadline) {
            sleepQuietly(10);
        }
        if (node.isLeader()) {
            throw new StoreException("leadership transfer timed out");
        }
    }

    /**
     * The configuration this node currently knows (voters and learners). SOFAJRaft's
     * {@code listPeers()} answers only on the leader; every node knows the configuration.
     */
    private Configuration currentConf() {
        if (node instanceof NodeImpl impl) {
            Configuration c = impl.getCurrentConf();
            return c == null ? new Configuration() : c;
        }
        return new Configuration();
    }

    /** Voters in the current configuration. */
    public List<PeerId> voters() {
        return open ? List.copyOf(currentConf().listPeers()) : List.of();
    }

    /** Learners (read replicas) in the current configuration. */
    public List<PeerId> learners() {
        return open ? List.copyOf(currentConf().listLearners()) : List.of();
    }

    /** True unless this node is a learner (read replica). */
    public boolean isVoter() {
        return !open || !currentConf().listLearners().contains(self);
    }

    /** Milliseconds since this node last heard from a leader; 0 on the leader, MAX_VALUE if never. */
    public long millisSinceLeaderContact() {
        if (!open) {
            return Long.MAX_VALUE;
        }
        if (node.isLeader()) {
            return 0;
        }
        long last = nodeLong(LAST_LEADER_CONTACT);
        return last <= 0 ? Long.MAX_VALUE : Math.max(0, com.alipay.sofa.jraft.util.Utils.monotonicMs() - last);
    }

    /** One of the node's fields looked up by {@link #nodeField}, or -1 if it cannot be read. */
    private long nodeLong(Field field) {
        if (field == null || !(node instanceof NodeImpl)) {
            return -1;
        }
        try {
            return field.getLong(node);
        } catch (IllegalAccessException e) {
            return -1;
        }
    }

    private static Field nodeField(String name) {
        try {
            Field f = NodeImpl.class.getDeclaredField(name);
            f.setAccessible(true);
            return f.getType() == long.class ? f : null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.warn("SOFAJRaft's node has no accessible field {}: {}", name, e.toString());
            return null;
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- writes ----

    /** Applies writes through the log on the leader, waiting until they are applied. */
    public StoreResult execute(List<Statement> statements, ExecutionOptions options) {
        return await(executeAsync(statements, options));
    }

    /**
     * As {@link #execute}, without holding the calling thread while the entry commits. The future
     * fails with {@link NotLeaderException} on a follower, {@link StoreException} otherwise; it always
     * completes, at the latest after the apply timeout.
     */
    public CompletableFuture<StoreResult> executeAsync(List<Statement> statements, ExecutionOptions options) {
        try {
            requireLeader();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return proposeAsync(LogEntry.newBuilder().setExecute(LogEntries.toProto(statements, options)).build());
    }

    /**
     * Replaces the whole database with a SQLite file, through the log.
     *
     * <p>The file is checked ({@code PRAGMA quick_check} on a scratch copy) before it is proposed: a
     * load entry is applied again on every replay, so a file that cannot be opened would otherwise
     * fail on every replica and on every restart.
     *
     * @throws StoreException if the data is not a usable SQLite database; nothing is changed then
     */
    public StoreResult load(byte[] sqliteFile) {
        requireLeader();
        checkSqliteFile(sqliteFile);
        return await(proposeAsync(LogEntries.load(sqliteFile)));
    }

    private void checkSqliteFile(byte[] data) {
        Path tmp = null;
        try {
            tmp = Files.createTempFile(dbDir, "load-check-", ".sqlite");
            Files.write(tmp, data);
            Database.verify(tmp);
        } catch (io.raftlite.db.DatabaseException e) {
            throw new InvalidInputException(e.getMessage());
        } catch (IOException e) {
            throw new StoreException("cannot check the SQLite data: " + e.getMessage());
        } finally {
            if (tmp != null) {
                deleteQuietly(tmp, "", "-wal", "-shm", "-journal");
            }
        }
    }

    // ---- reads ----

    /** A read at the level asked for, waiting for it. */
    public StoreResult query(ReadRequest request) {
        return await(queryAsync(request, Runnable::run));
    }

    /**
     * A read at the level asked for. Reads served from the local database (weak, none, auto) run on
     * the calling thread and return a completed future; strong reads go through the log, and
     * linearizable reads wait for the leader to confirm its read index, then run on
     * {@code continuation}, so that no thread is held while they wait. The future fails as
     * {@link #executeAsync}'s does.
     */
    public CompletableFuture<StoreResult> queryAsync(ReadRequest request, Executor continuation) {
        try {
            ConsistencyLevel level = request.level();
            if (level == ConsistencyLevel.AUTO) {
                level = isVoter() ? ConsistencyLevel.WEAK : ConsistencyLevel.NONE;
            }
            return switch (level) {
                case STRONG -> {
                    requireLeader();
                    yield proposeAsync(LogEntry.newBuilder().setQuery(proto(request)).build());
                }
                case LINEARIZABLE -> linearizableRead(request, request.linearizableTimeout(), continuation);
                case WEAK -> {
                    requireLeader();
                    yield local(request);
                }
                default -> {
                    checkFreshness(request);
                    yield local(request);
                }
            };
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** A mixed batch, waiting for it. */
    public StoreResult request(ReadRequest request) {
        return await(requestAsync(request, Runnable::run));
    }

    /**
     * A mixed batch: through the log if it writes or is strong, else read at the level asked for, as
     * {@link #queryAsync} does.
     */
    public CompletableFuture<StoreResult> requestAsync(ReadRequest request, Executor continuation) {
        try {
            boolean writes = request.statements().stream().anyMatch(s -> s.returnsRows() || !db.isReadOnly(s.sql()));
            if (writes || request.level() == ConsistencyLevel.STRONG) {
                requireLeader();
                return proposeAsync(LogEntry.newBuilder().setRequest(proto(request)).build());
            }
            return switch (request.level()) {
                case WEAK -> {
                    requireLeader();
                    yield local(request);
                }
                case LINEARIZABLE -> linearizableRead(request, Duration.ofSeconds(1), continuation);
                case NONE -> {
                    checkFreshness(request);
                    yield local(request);
                }
                default -> local(request); // auto: local, unchecked
            };
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private CompletableFuture<StoreResult> local(ReadRequest request) {
        return CompletableFuture.completedFuture(new StoreResult(db.query(request.statements(), request.options()), 0));
    }

    private SqlRequest proto(ReadRequest r) {
        return LogEntries.toProto(r.statements(), r.options());
    }

    private CompletableFuture<StoreResult> linearizableRead(ReadRequest request, Duration timeout, Executor continuation) {
        // Any node may serve it: the read index is confirmed by the leader with a quorum, then this
        // node waits until it has applied that index. No SQL travels.
        requireOpen();
        if (leaderRaftAddress().isEmpty()) {
            throw new NotLeaderException("");
        }
        CompletableFuture<Long> ready = new CompletableFuture<>();
        node.readIndex(new byte[0], new ReadIndexClosure() {
            @Override
            public void run(Status status, long index, byte[] reqCtx) {
                if (status.isOk()) {
                    ready.complete(index);
                } else {
                    ready.completeExceptionally(new ApplyClosure.RaftFailure(status));
                }
            }
        });
        CompletableFuture<StoreResult> result = new CompletableFuture<>();
        ready.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).whenComplete((index, error) -> {
            Throwable cause = unwrap(error);
            if (cause == null) {
                // The closure runs on a jraft thread; the query does not.
                try {
                    continuation.execute(() -> {
                        try {
                            result.complete(new StoreResult(db.query(request.statements(), request.options()), 0));
                        } catch (RuntimeException e) {
                            result.completeExceptionally(e);
                        }
                    });
                } catch (RuntimeException e) {
                    result.completeExceptionally(e);
                }
            } else if (cause instanceof TimeoutException) {
                result.completeExceptionally(
                        new StoreException("index " + node.getLastCommittedIndex() + ": timeout waiting for fsm"));
            } else if (cause instanceof ApplyClosure.RaftFailure f && f.status().getRaftError() == RaftError.EAGAIN) {
                // The leader has not committed an entry in its term yet: read through the log instead.
                proposeAsync(LogEntry.newBuilder().setQuery(proto(request)).build()).whenComplete((r, e) -> {
                    if (e == null) {
                        result.complete(r);
                    } else {
                        result.completeExceptionally(unwrap(e));
                    }
                });
            } else {
                result.completeExceptionally(translate(cause));
            }
        });
        return result;
    }

    private void checkFreshness(ReadRequest request) {
        // Freshness applies to followers only; a single node is always its own leader.
        if (request.freshness() == null || request.freshness().isZero() || isLeader()) {
            return;
        }
        long limit = request.freshness().toMillis();
        if (millisSinceLeaderContact() > limit) {
            throw new StoreException("stale read");
        }
        // Strict: data this node knows to be committed but has not applied must not be older than
        // the limit either (measured from this node's last apply).
        if (request.freshnessStrict() && raftAppliedIndex() < commitIndex()
                && System.currentTimeMillis() - fsm.appliedAtMillis() > limit) {
            throw new StoreException("stale read");
        }
    }

    /**
     * Proposes an entry (with others, see {@link GroupCommit}); the future completes when it is
     * applied, fails as {@link #translate} says, or fails with "timeout applying to Raft log" after
     * the apply timeout. The entry may still be applied after a timeout, as before.
     */
    private CompletableFuture<StoreResult> proposeAsync(LogEntry entry) {
        CompletableFuture<StoreResult> result = new CompletableFuture<>();
        groupCommit.submit(entry)
                .orTimeout(props.raft().applyTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((r, error) -> {
                    if (error == null) {
                        result.complete(r);
                        return;
                    }
                    Throwable cause = unwrap(error);
                    result.completeExceptionally(cause instanceof TimeoutException
                            ? new StoreException("timeout applying to Raft log") : translate(cause));
                });
        return result;
    }

    /** Waits for a future of this class, which always completes; rethrows its failure as it is. */
    private static StoreResult await(CompletableFuture<StoreResult> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new StoreException(String.valueOf(e.getCause()));
        }
    }

    private static Throwable unwrap(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }

    /**
     * Whether a failed proposal certainly never reached the log, so that sending it to the leader is
     * safe. SOFAJRaft fails a task with EPERM in two cases: "Is not leader." when it is refused before
     * being appended, and "Leader stepped down" when the leader loses leadership while the appended
     * entry waits to commit; only the first is certain.
     */
    static boolean neverAppended(Status status) {
        return status.getRaftError() == RaftError.EPERM && status.getErrorMsg() != null
                && status.getErrorMsg().startsWith("Is not leader");
    }

    private RuntimeException translate(Throwable cause) {
        if (cause instanceof ApplyClosure.RaftFailure f) {
            if (neverAppended(f.status())) {
                return new NotLeaderException(leaderRaftAddress());
            }
            if (f.status().getRaftError() == RaftError.EPERM) {
                // Appended, then leadership was lost before the entry committed: a new leader may still
                // commit it. Forwarding the request again could apply it twice (found by the Jepsen set
                // workload), so the outcome is reported as unknown, as rqlite does.
                return new StoreException("leadership lost while committing log");
            }
            return new StoreException(f.getMessage());
        }
        if (cause instanceof RuntimeException r) {
            return r;
        }
        return new StoreException(String.valueOf(cause));
    }

    private void requireOpen() {
        if (!open) {
            throw new StoreException("store not open");
        }
    }

    private void requireLeader() {
        if (!open) {
            throw new StoreException("store not open");
        }
        if (!node.isLeader()) {
            throw new NotLeaderException(leaderRaftAddress());
        }
    }

    // ---- backups and snapshots ----

    /**
     * Writes a consistent SQLite copy of the local database to {@code out}, optionally VACUUMed or
     * in the DELETE journal mode.
     */
    public void backup(OutputStream out, boolean vacuum, boolean deleteJournalMode) throws IOException {
        Path tmp = Files.createTempFile(dbDir, "backup-", ".sqlite");
        try {
            Files.delete(tmp);
            db.backupTo(tmp);
            io.raftlite.db.BackupCopies.finish(tmp, vacuum, deleteJournalMode);
            Files.copy(tmp, out);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Writes the local database as SQL text, optionally only some tables. */
    public void dumpSql(OutputStream out, List<String> tables) throws IOException {
        db.dumpSql(out, tables);
    }

    /**
     * Takes a snapshot now (after the automatic one being saved, if any) and lets jraft compact the
     * log. Returns once the snapshot is saved; writes go on meanwhile.
     *
     * @return false if there was nothing new to snapshot
     */
    public boolean snapshot() {
        if (fsm.appliedIndex() <= fsm.lastSnapshotIndex()) {
            return false;
        }
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        try {
            while (true) {
                CompletableFuture<Status> done = new CompletableFuture<>();
                node.snapshot(done::complete);
                Status st = done.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (st.isOk()) {
                    return true;
                }
                // An automatic snapshot is being saved: wait for it, then take ours.
                if (st.getRaftError() != RaftError.EBUSY || System.nanoTime() > deadline) {
                    throw new StoreException("snapshot: " + st.getErrorMsg());
                }
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted");
        } catch (ExecutionException | TimeoutException e) {
            throw new StoreException("snapshot: " + e.getMessage());
        }
    }

    private void snapshotIfDue() {
        try {
            if (open && fsm.appliedIndex() - fsm.lastSnapshotIndex() >= props.raft().snapshotThreshold()) {
                node.snapshot(st -> {
                    if (!st.isOk()) {
                        log.warn("automatic snapshot failed: {}", st);
                    }
                });
            }
        } catch (RuntimeException e) {
            log.warn("automatic snapshot check failed", e);
        }
    }

    // ---- state ----

    public boolean isOpen() {
        return open;
    }

    public boolean isLeader() {
        return open && node.isLeader();
    }

    /** The leader's Raft address, or empty if none is known. */
    public String leaderRaftAddress() {
        if (!open) {
            return "";
        }
        PeerId leader = node.getLeaderId();
        return leader == null || leader.isEmpty() ? "" : leader.getEndpoint().toString();
    }

    /**
     * Open, leader known, and the log applied up to what this node knows is committed, less
     * {@link #READY_APPLY_SLACK} entries.
     */
    public boolean isReady() {
        return open && !fsm.errored() && !leaderRaftAddress().isEmpty()
                && raftAppliedIndex() >= node.getLastCommittedIndex() - READY_APPLY_SLACK;
    }

    public String nodeId() {
        return props.effectiveNodeId();
    }

    public String raftAddress() {
        return self == null ? props.advertisedRaftAddr() : self.getEndpoint().toString();
    }

    public long appliedIndex() {
        return fsm == null ? 0 : fsm.appliedIndex();
    }

    /**
     * The index Raft has applied, counting configuration entries that never reach SQLite; compare
     * this, not {@link #appliedIndex()}, with the commit index.
     */
    public long raftAppliedIndex() {
        return open ? node.getLastAppliedLogIndex() : 0;
    }

    public long commitIndex() {
        return open ? node.getLastCommittedIndex() : 0;
    }

    public long lastLogIndex() {
        return open ? node.getLastLogIndex() : 0;
    }

    /** Snapshots saved since this node started. */
    public long snapshotCount() {
        return fsm == null ? 0 : fsm.snapshotCount();
    }

    public long lastSnapshotIndex() {
        return fsm == null ? 0 : fsm.lastSnapshotIndex();
    }

    /**
     * The election timeout the node uses now: the configured one, except while the first voter of a
     * new cluster stands for the first election (see {@link #bootstrap}).
     */
    public Duration electionTimeout() {
        Node n = open ? node : null;
        return n == null ? props.raft().electionTimeout() : Duration.ofMillis(n.getOptions().getElectionTimeoutMs());
    }

    /** The current Raft term. */
    public long term() {
        if (!open) {
            return 0;
        }
        long term = nodeLong(CURRENT_TERM);
        return term >= 0 ? term : Math.max(0, fsm.leaderTerm());
    }

    public String raftState() {
        if (!open) {
            return "Shutdown";
        }
        if (node.isLeader()) {
            return "Leader";
        }
        return leaderRaftAddress().isEmpty() ? "Candidate" : "Follower";
    }

    public List<PeerId> peers() {
        return open ? currentConf().listPeers() : List.of();
    }

    public Database database() {
        return db;
    }

    public Path dataDir() {
        return dataDir;
    }

    public long startedAtMillis() {
        return startedAtMillis;
    }

    // ---- lifecycle ----

    /**
     * Stops the node and closes the database. Waits for the Raft node to stop, which includes the
     * entries already committed being applied and a running snapshot copy finishing; requests still
     * waiting then fail. Records the applied index in the clean-shutdown marker only when the database
     * is known to hold exactly the entries up to it: not if waiting was interrupted (the apply thread
     * may still be running) and not after a state machine error (an entry may be half applied).
     */
    @Override
    public synchronized void close() {
        if (!open) {
            if (rpcServer != null) {
                rpcServer.shutdown();
            }
            if (db != null) {
                db.close();
            }
            return;
        }
        handOverLeadership();
        open = false;
        scheduler.shutdownNow();
        groupCommit.close(); // its gathering timer was the scheduler: what is queued goes now
        linkChecker.shutdownNow();
        raftGroup.shutdown();
        boolean stopped = false;
        try {
            raftGroup.join();
            stopped = true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        long index = fsm.appliedIndex();
        db.close();
        if (stopped && !fsm.errored()) {
            writeCleanMarker(index);
            log.info("node {} closed at applied index {}", nodeId(), index);
        } else {
            log.warn("node {} closed without a clean-shutdown marker; the next start rebuilds the database", nodeId());
        }
    }

    /**
     * A leader that stops hands leadership over first, so the cluster does not wait out an election.
     * Called early in shutdown, while this node still serves requests (so that requests in flight are
     * forwarded to the new leader rather than refused), and again by {@link #close()}, where it does
     * nothing if the node is no longer leader. Waits until another node has taken over, or up to 5 s.
     */
    public void handOverLeadership() {
        if (!open || !props.raft().shutdownStepdown() || !node.isLeader() || currentConf().listPeers().size() < 2) {
            return;
        }
        try {
            transferLeadership(null, Duration.ofSeconds(5));
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            String successor = leaderRaftAddress();
            while ((successor.isEmpty() || successor.equals(raftAddress())) && System.nanoTime() < deadline) {
                sleepQuietly(10);
                successor = leaderRaftAddress();
            }
            if (successor.isEmpty() || successor.equals(raftAddress())) {
                log.info("stepped down before shutting down; no successor known yet");
            } else {
                log.info("handed leadership over to {} before shutting down", successor);
            }
        } catch (RuntimeException e) {
            log.warn("could not hand leadership over before shutting down: {}", e.getMessage());
        }
    }

    /**
     * Reads and removes the clean-shutdown marker: -1 if there is none (first start or a crash). The
     * marker is removed, durably, before anything is applied, so that a crash after this start is not
     * mistaken for a clean shutdown; if it cannot be removed the node does not start.
     */
    private long takeCleanMarker() {
        Path marker = dbDir.resolve(CLEAN_MARKER);
        long index = -1;
        try {
            if (Files.exists(marker) && Files.exists(dbDir.resolve("db.sqlite"))) {
                index = Long.parseLong(Files.readString(marker, StandardCharsets.US_ASCII).trim());
            }
        } catch (IOException | NumberFormatException e) {
            log.warn("ignoring unreadable clean-shutdown marker; rebuilding the database", e);
            index = -1;
        }
        try {
            if (Files.deleteIfExists(marker)) {
                fsyncDirectory(dbDir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the clean-shutdown marker " + marker, e);
        }
        return index;
    }

    private void writeCleanMarker(long index) {
        try {
            Path tmp = dbDir.resolve(CLEAN_MARKER + ".tmp");
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ch.write(java.nio.ByteBuffer.wrap(Long.toString(index).getBytes(StandardCharsets.US_ASCII)));
                ch.force(true);
            }
            // The database runs with synchronous=OFF: make what it holds durable before vouching for it.
            for (String suffix : List.of("", "-wal")) {
                Path f = dbDir.resolve("db.sqlite" + suffix);
                if (Files.exists(f)) {
                    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
                        ch.force(true);
                    }
                }
            }
            Files.move(tmp, dbDir.resolve(CLEAN_MARKER), StandardCopyOption.ATOMIC_MOVE);
            fsyncDirectory(dbDir);
        } catch (IOException e) {
            log.warn("cannot write clean-shutdown marker; the next start rebuilds the database", e);
        }
    }

    private static void deleteDatabaseFiles(Path dbFile) {
        try {
            for (String suffix : List.of("", "-wal", "-shm")) {
                Files.deleteIfExists(Path.of(dbFile + suffix));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Scratch copies a killed node may have left behind (loads, load checks, backups). */
    private void deleteScratchFiles() {
        try (var files = Files.newDirectoryStream(dbDir, "{load-,backup-}*")) {
            for (Path f : files) {
                Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            log.warn("cannot remove scratch files in {}", dbDir, e);
        }
    }

    private static void deleteQuietly(Path file, String... suffixes) {
        for (String suffix : suffixes) {
            try {
                Files.deleteIfExists(Path.of(file + suffix));
            } catch (IOException e) {
                log.debug("cannot delete {}{}", file, suffix, e);
            }
        }
    }

    private static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }
}
