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
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies log entries, in order, to the SQLite database; saves and loads snapshots.
 *
 * <p>Kept deliberately thin: decode the entry, hand it to {@link Database}, record the index. An
 * entry whose SQL fails still counts as applied, so every replica stays identical. Entries at or
 * below {@code skipThrough} are already in the database (it was closed cleanly at that index) and
 * are not applied again when Raft replays its log on start.
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

    @Override
    public void onApply(Iterator it) {
        while (it.hasNext()) {
            long index = it.getIndex();
            Closure done = it.done();
            ApplyClosure closure = done instanceof ApplyClosure a ? a : null;
            if (index <= skipThrough) {
                if (done != null) {
                    done.run(Status.OK());
                }
                it.next();
                continue;
            }
            LogEntry entry = closure != null ? closure.entry() : LogEntries.parse(bytes(it.getData()));
            long start = System.nanoTime();
            List<StatementResult> results = apply(entry, closure != null);
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

    @Override
    public void onSnapshotSave(SnapshotWriter writer, Closure done) {
        long index = appliedIndex.get();
        long start = System.nanoTime();
        Database.PinnedCopy pinned;
        try {
            db.checkpoint();
            pinned = db.pin();
        } catch (RuntimeException e) {
            done.run(new Status(RaftError.EIO, "cannot pin database for snapshot: %s", e.getMessage()));
            return;
        }
        // The copy runs beside the apply thread: writes go on while the pinned state is copied.
        snapshotCopier.execute(() -> {
            try (pinned) {
                pinned.copyTo(Path.of(writer.getPath(), SNAPSHOT_FILE));
                if (!writer.addFile(SNAPSHOT_FILE)) {
                    done.run(new Status(RaftError.EIO, "cannot add snapshot file"));
                    return;
                }
                lastSnapshotIndex = index;
                snapshots.incrementAndGet();
                metrics.recordSnapshot(System.nanoTime() - start);
                done.run(Status.OK());
            } catch (RuntimeException e) {
                log.error("snapshot at index {} failed", index, e);
                done.run(new Status(RaftError.EIO, "snapshot failed: %s", e.getMessage()));
            }
        });
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
        db.replaceWith(file);
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
