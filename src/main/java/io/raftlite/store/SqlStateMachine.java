package io.raftlite.store;

import com.alipay.sofa.jraft.Closure;
import com.alipay.sofa.jraft.Iterator;
import com.alipay.sofa.jraft.Status;
import com.alipay.sofa.jraft.core.StateMachineAdapter;
import com.alipay.sofa.jraft.error.RaftError;
import com.alipay.sofa.jraft.error.RaftException;
import com.alipay.sofa.jraft.storage.snapshot.SnapshotReader;
import com.alipay.sofa.jraft.storage.snapshot.SnapshotWriter;
import io.raftlite.command.LogEntries;
import io.raftlite.command.LogEntry;
import io.raftlite.db.Database;
import io.raftlite.db.StatementResult;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies log entries, in order, to the SQLite database; saves and loads snapshots.
 *
 * <p>Kept deliberately thin: decode the entry, hand it to {@link Database}, record the index. An
 * entry whose SQL fails still counts as applied, so every replica stays identical; any other failure
 * stops the node applying (see {@link #onApply}). Entries at or below {@code skipThrough} are already
 * in the database (it was closed cleanly at that index, or restored from a snapshot at it) and are
 * not applied again when Raft replays its log.
 *
 * <p>Called by jraft on its apply thread; snapshot copies run on a thread of their own. The indexes
 * it reports are safe to read from any thread.
 */
final class SqlStateMachine extends StateMachineAdapter {
    private static final Logger log = LoggerFactory.getLogger(SqlStateMachine.class);
    static final String SNAPSHOT_FILE = "db.sqlite";

    private final Database db;
    private final StoreMetrics metrics;
    private final ExecutorService snapshotCopier = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "raftlite-snapshot-copy");
        t.setDaemon(true);
        return t;
    });
    private volatile long skipThrough;
    private final AtomicLong appliedIndex = new AtomicLong();
    private volatile long appliedAtMillis;
    private volatile long leaderTerm = -1;
    private volatile long lastSnapshotIndex;
    private volatile boolean errored;
    private final AtomicLong snapshots = new AtomicLong();

    SqlStateMachine(Database db, long cleanIndex, StoreMetrics metrics) {
        this.db = db;
        this.metrics = metrics;
        this.skipThrough = Math.max(0, cleanIndex);
        this.appliedIndex.set(Math.max(0, cleanIndex));
    }

    long appliedIndex() {
        return appliedIndex.get();
    }

    long appliedAtMillis() {
        return appliedAtMillis;
    }

    boolean isLeader() {
        return leaderTerm > 0;
    }

    long leaderTerm() {
        return leaderTerm;
    }

    long lastSnapshotIndex() {
        return lastSnapshotIndex;
    }

    long snapshotCount() {
        return snapshots.get();
    }

    boolean errored() {
        return errored;
    }

    /**
     * Applies the entries jraft hands over, in order, each exactly once.
     *
     * <p>Never throws. An exception escaping {@code onApply} would be logged by jraft's event loop and
     * forgotten: the closures of the batch would be lost (their clients wait until the apply timeout)
     * and jraft, which had not recorded the batch as applied, would hand the same entries over again
     * with the next commit, applying the ones before the failure twice. So an unexpected failure (an
     * I/O error, a corrupt entry; SQL errors are not failures, they are results) instead puts the
     * state machine into jraft's error state with the failing entry rolled back: it is not counted as
     * applied, its client and those after it get an error, this node stops applying (reported by
     * {@link #errored()} and {@code /readyz}), and a restart rebuilds the database and retries.
     */
    @Override
    public void onApply(Iterator it) {
        while (it.hasNext()) {
            long index = it.getIndex();
            Closure done = it.done();
            ApplyClosure closure = done instanceof ApplyClosure a ? a : null;
            if (index <= skipThrough) {
                // Already in the database: replayed from the log after a clean shutdown.
                if (done != null) {
                    done.run(Status.OK());
                }
                it.next();
                continue;
            }
            List<List<StatementResult>> results;
            long start = System.nanoTime();
            try {
                LogEntry entry = closure != null ? closure.entry() : LogEntries.parse(bytes(it.getData()));
                results = applyEntry(entry, closure != null);
            } catch (RuntimeException e) {
                log.error("cannot apply log entry {}; this node stops applying entries", index, e);
                errored = true;
                it.setErrorAndRollback(1, new Status(RaftError.ESTATEMACHINE, "cannot apply log entry %d: %s",
                        index, String.valueOf(e.getMessage())));
                return;
            }
            metrics.recordApply(System.nanoTime() - start);
            appliedIndex.set(index);
            appliedAtMillis = System.currentTimeMillis();
            if (closure != null) {
                closure.applied(results, index);
            }
            if (done != null) {
                done.run(Status.OK());
            }
            it.next();
        }
    }

    /**
     * Applies one log entry: its results, one list per request it carries (several for a batch).
     * The requests of a batch are applied one after another, each as it would be alone.
     */
    private List<List<StatementResult>> applyEntry(LogEntry entry, boolean resultsWanted) {
        if (entry.getBodyCase() == LogEntry.BodyCase.EXECUTE) {
            return db.executeGroup(List.of(writeRequest(entry)));
        }
        if (entry.getBodyCase() != LogEntry.BodyCase.BATCH) {
            return List.of(apply(entry, resultsWanted));
        }
        // Consecutive /db/execute requests go to the database together (Database.executeGroup may run
        // them in one SQLite transaction); anything else is applied on its own, in order.
        List<List<StatementResult>> perRequest = new java.util.ArrayList<>(entry.getBatch().getEntriesCount());
        List<Database.WriteRequest> writes = new java.util.ArrayList<>();
        for (LogEntry request : entry.getBatch().getEntriesList()) {
            if (request.getBodyCase() == LogEntry.BodyCase.EXECUTE) {
                writes.add(writeRequest(request));
                continue;
            }
            if (!writes.isEmpty()) {
                perRequest.addAll(db.executeGroup(writes));
                writes = new java.util.ArrayList<>();
            }
            perRequest.add(apply(request, resultsWanted));
        }
        if (!writes.isEmpty()) {
            perRequest.addAll(db.executeGroup(writes));
        }
        return perRequest;
    }

    private static Database.WriteRequest writeRequest(LogEntry entry) {
        return new Database.WriteRequest(LogEntries.statements(entry.getExecute()), LogEntries.options(entry.getExecute()));
    }

    private List<StatementResult> apply(LogEntry entry, boolean resultsWanted) {
        return switch (entry.getBodyCase()) {
            case EXECUTE -> db.execute(LogEntries.statements(entry.getExecute()), LogEntries.options(entry.getExecute()));
            case REQUEST -> db.request(LogEntries.statements(entry.getRequest()), LogEntries.options(entry.getRequest()));
            // A strong read changes nothing: only the node that will answer it needs to run it.
            case QUERY -> resultsWanted
                    ? db.query(LogEntries.statements(entry.getQuery()), LogEntries.options(entry.getQuery()))
                    : List.of();
            case LOAD -> {
                loadDatabase(entry);
                yield List.of();
            }
            case NOOP, BODY_NOT_SET -> List.of();
            case BATCH -> throw new IllegalStateException("a batch inside a batch");
        };
    }

    private void loadDatabase(LogEntry entry) {
        Path tmp = null;
        try {
            tmp = Files.createTempFile(db.path().getParent(), "load-", ".sqlite");
            try (InputStream in = LogEntries.sqliteFile(entry.getLoad())) {
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            }
            db.replaceWith(tmp);
        } catch (IOException e) {
            throw new IllegalStateException("cannot load database: " + e.getMessage(), e);
        } finally {
            deleteQuietly(tmp);
        }
    }

    /**
     * Pins the database at the applied index on the apply thread, then copies the pinned state on a
     * background thread while later entries keep being applied.
     *
     * <p>A failed snapshot is reported with {@link RaftError#EINTERNAL}, never {@link RaftError#EIO}:
     * jraft treats an {@code EIO} from the state machine as fatal and stops the node, whereas a failed
     * snapshot only means the log is not compacted this time (a {@code /db/load} that replaces the
     * database while a copy is running invalidates that copy, for instance). {@code done} runs exactly
     * once whatever happens, or jraft would consider a snapshot in progress for ever.
     */
    @Override
    public void onSnapshotSave(SnapshotWriter writer, Closure done) {
        long index = appliedIndex.get();
        long start = System.nanoTime();
        Database.PinnedCopy pinned;
        try {
            db.checkpoint();
            pinned = db.pin();
        } catch (RuntimeException e) {
            log.warn("snapshot at index {} not taken: cannot pin the database", index, e);
            done.run(new Status(RaftError.EINTERNAL, "cannot pin database for snapshot: %s", e.getMessage()));
            return;
        }
        // The copy runs beside the apply thread: writes go on while the pinned state is copied.
        try {
            snapshotCopier.execute(() -> copy(pinned, writer, done, index, start));
        } catch (RejectedExecutionException e) {
            pinned.close();
            done.run(new Status(RaftError.EINTERNAL, "shutting down, snapshot at index %d not taken", index));
        }
    }

    /** Copies a pinned state into the snapshot; runs on the copier thread and always runs {@code done}. */
    private void copy(Database.PinnedCopy pinned, SnapshotWriter writer, Closure done, long index, long start) {
        Status status = new Status(RaftError.EINTERNAL, "snapshot copy at index %d did not finish", index);
        try (pinned) {
            pinned.copyTo(Path.of(writer.getPath(), SNAPSHOT_FILE));
            if (writer.addFile(SNAPSHOT_FILE)) {
                lastSnapshotIndex = index;
                snapshots.incrementAndGet();
                metrics.recordSnapshot(System.nanoTime() - start);
                status = Status.OK();
            } else {
                status = new Status(RaftError.EINTERNAL, "cannot add %s to the snapshot", SNAPSHOT_FILE);
            }
        } catch (RuntimeException e) {
            log.warn("snapshot at index {} failed", index, e);
            status = new Status(RaftError.EINTERNAL, "snapshot failed: %s", e.getMessage());
        } finally {
            done.run(status);
        }
    }

    @Override
    public boolean onSnapshotLoad(SnapshotReader reader) {
        if (isLeader()) {
            log.warn("leader cannot load a snapshot");
            return false;
        }
        long index = reader.load().getLastIncludedIndex();
        lastSnapshotIndex = Math.max(lastSnapshotIndex, index);
        if (index <= skipThrough) {
            // The database was closed cleanly after this snapshot: it already holds it, and more.
            log.info("database already at index {}, snapshot at {} not restored", skipThrough, index);
            return true;
        }
        Path file = Path.of(reader.getPath(), SNAPSHOT_FILE);
        if (!Files.exists(file)) {
            log.error("snapshot at index {} has no {}", index, SNAPSHOT_FILE);
            return false;
        }
        try {
            db.replaceWith(file);
        } catch (RuntimeException e) {
            // false puts jraft into its error state: better than running on a database of unknown state
            log.error("cannot restore the database from the snapshot at index {}", index, e);
            errored = true;
            return false;
        }
        skipThrough = index;
        appliedIndex.set(index);
        appliedAtMillis = System.currentTimeMillis();
        log.info("database restored from snapshot at index {}", index);
        return true;
    }

    @Override
    public void onLeaderStart(long term) {
        leaderTerm = term;
        metrics.leaderChanged(true);
    }

    @Override
    public void onLeaderStop(Status status) {
        leaderTerm = -1;
        metrics.leaderChanged(false);
    }

    @Override
    public void onError(RaftException e) {
        errored = true;
        log.error("Raft state machine error; this node stops applying entries", e);
    }

    @Override
    public void onShutdown() {
        snapshotCopier.shutdown();
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer b = buffer.slice();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    private static void deleteQuietly(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                log.debug("cannot delete {}", p, e);
            }
        }
    }
}
