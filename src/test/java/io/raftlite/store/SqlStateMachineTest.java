package io.raftlite.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.alipay.sofa.jraft.Closure;
import com.alipay.sofa.jraft.Iterator;
import com.alipay.sofa.jraft.Status;
import com.alipay.sofa.jraft.entity.RaftOutter.SnapshotMeta;
import com.alipay.sofa.jraft.error.RaftError;
import com.alipay.sofa.jraft.storage.snapshot.SnapshotReader;
import com.alipay.sofa.jraft.storage.snapshot.SnapshotWriter;
import com.google.protobuf.Message;
import io.raftlite.command.Batch;
import io.raftlite.command.LogEntries;
import io.raftlite.command.LogEntry;
import io.raftlite.db.Database;
import io.raftlite.db.DatabaseConfig;
import io.raftlite.db.ExecutionOptions;
import io.raftlite.db.Statement;
import io.raftlite.db.StatementResult;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The state machine against a real SQLite database, driven the way jraft drives it. */
class SqlStateMachineTest {
    @TempDir
    Path tmp;

    private Database db;

    @BeforeEach
    void open() {
        db = Database.open(tmp.resolve("db/db.sqlite"), new DatabaseConfig(false, 2, 5000));
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void appliesEveryEntryOnceAndRecordsTheIndex() {
        SqlStateMachine fsm = new SqlStateMachine(db, -1, StoreMetrics.NONE);
        CompletableFuture<StoreResult> inserted = new CompletableFuture<>();
        ApplyClosure insert = new ApplyClosure(execute("INSERT INTO t(v) VALUES('a')"), List.of(inserted), () -> { });
        LogIterator it = new LogIterator(1)
                .add(execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)"), null)
                .add(insert.entry(), insert)
                .add(execute("INSERT INTO nosuch VALUES(1)"), null) // a SQL error is a result, and still applied
                .add(execute("UPDATE t SET v = v || 'b'"), null);
        fsm.onApply(it);
        assertThat(it.hasNext()).isFalse();
        assertThat(fsm.appliedIndex()).isEqualTo(4);
        assertThat(fsm.errored()).isFalse();
        assertThat(inserted).isCompletedWithValueMatching(r -> r.raftIndex() == 2
                && r.results().get(0) instanceof StatementResult.Write w && w.lastInsertId() == 1);
        assertThat(values()).containsExactly("ab");
    }

    @Test
    void aBatchAppliesEachRequestInOrderWithItsOwnResultsAtOneIndex() {
        SqlStateMachine fsm = new SqlStateMachine(db, -1, StoreMetrics.NONE);
        List<CompletableFuture<StoreResult>> answers = List.of(new CompletableFuture<>(), new CompletableFuture<>(),
                new CompletableFuture<>());
        AtomicInteger done = new AtomicInteger();
        LogEntry batch = LogEntry.newBuilder().setBatch(Batch.newBuilder()
                .addEntries(execute("INSERT INTO t(v) VALUES('a')"))
                .addEntries(execute("INSERT INTO nosuch VALUES(1)")) // its error is its own result only
                .addEntries(execute("UPDATE t SET v = v || 'b'"))).build();
        ApplyClosure closure = new ApplyClosure(batch, answers, done::incrementAndGet);
        fsm.onApply(new LogIterator(1)
                .add(execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)"), null)
                .add(batch, closure));
        assertThat(fsm.appliedIndex()).isEqualTo(2);
        assertThat(done).hasValue(1);
        assertThat(answers.get(0)).isCompletedWithValueMatching(r -> r.raftIndex() == 2
                && r.results().get(0) instanceof StatementResult.Write w && w.lastInsertId() == 1);
        assertThat(answers.get(1)).isCompletedWithValueMatching(r -> r.raftIndex() == 2
                && r.results().get(0) instanceof StatementResult.Error e && e.message().contains("no such table"));
        assertThat(answers.get(2)).isCompletedWithValueMatching(r -> r.results().size() == 1
                && r.results().get(0) instanceof StatementResult.Write w && w.rowsAffected() == 1);
        assertThat(values()).containsExactly("ab");

        // A follower (no closure) decodes the same entry from its bytes and ends in the same state.
        Database replica = Database.open(tmp.resolve("replica/db.sqlite"), new DatabaseConfig(false, 2, 5000));
        try {
            SqlStateMachine follower = new SqlStateMachine(replica, -1, StoreMetrics.NONE);
            follower.onApply(new LogIterator(1)
                    .add(execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)"), null)
                    .add(batch, null));
            assertThat(follower.errored()).isFalse();
            StatementResult r = replica.query(List.of(Statement.of("SELECT v FROM t")), ExecutionOptions.DEFAULT).get(0);
            assertThat(((StatementResult.Rows) r).rows()).containsExactly(List.of("ab"));
        } finally {
            replica.close();
        }
    }

    @Test
    void aFailedBatchFailsEveryRequestInItOnce() {
        List<CompletableFuture<StoreResult>> answers = List.of(new CompletableFuture<>(), new CompletableFuture<>());
        AtomicInteger done = new AtomicInteger();
        ApplyClosure closure = new ApplyClosure(LogEntry.getDefaultInstance(), answers, done::incrementAndGet);
        closure.run(new Status(RaftError.EPERM, "Leader stepped down"));
        assertThat(done).hasValue(1);
        for (CompletableFuture<StoreResult> a : answers) {
            assertThat(a).isCompletedExceptionally();
            assertThatThrownBy(a::join).hasCauseInstanceOf(ApplyClosure.RaftFailure.class)
                    .cause().hasMessage("Leader stepped down");
        }
    }

    @Test
    void aFailingEntryStopsApplyingWithoutThrowingAndIsNotCountedAsApplied() {
        SqlStateMachine fsm = new SqlStateMachine(db, -1, StoreMetrics.NONE);
        LogIterator it = new LogIterator(1)
                .add(execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)"), null)
                .add(execute("INSERT INTO t(v) VALUES('a')"), null)
                .addRaw(new byte[] {0x0F, 0x01}, null) // not a LogEntry: invalid wire type
                .add(execute("INSERT INTO t(v) VALUES('never')"), null);
        // An exception escaping onApply would make jraft re-deliver entries 1 and 2 with the next commit.
        assertThatCode(() -> fsm.onApply(it)).doesNotThrowAnyException();
        assertThat(it.rolledBack).as("setErrorAndRollback(1, ...) at index 3").isEqualTo(List.of(3L));
        assertThat(it.errorStatus.getRaftError()).isEqualTo(RaftError.ESTATEMACHINE);
        assertThat(fsm.appliedIndex()).isEqualTo(2);
        assertThat(fsm.errored()).isTrue();
        assertThat(values()).containsExactly("a");
    }

    @Test
    void entriesUpToTheCleanShutdownIndexAreNotAppliedAgain() {
        SqlStateMachine first = new SqlStateMachine(db, -1, StoreMetrics.NONE);
        first.onApply(new LogIterator(1)
                .add(execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)"), null)
                .add(execute("INSERT INTO t(v) VALUES('a')"), null));
        // restart after a clean shutdown at index 2: jraft replays 1..3
        SqlStateMachine again = new SqlStateMachine(db, 2, StoreMetrics.NONE);
        AtomicInteger replayedClosures = new AtomicInteger();
        again.onApply(new LogIterator(1)
                .add(execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)"), st -> replayedClosures.incrementAndGet())
                .add(execute("INSERT INTO t(v) VALUES('a')"), null)
                .add(execute("INSERT INTO t(v) VALUES('b')"), null));
        assertThat(again.errored()).isFalse();
        assertThat(again.appliedIndex()).isEqualTo(3);
        assertThat(replayedClosures).hasValue(1);
        assertThat(values()).containsExactly("a", "b");
    }

    @Test
    void aSnapshotHoldsTheStateAtItsIndexWhileLaterEntriesAreApplied() throws Exception {
        SqlStateMachine fsm = new SqlStateMachine(db, -1, StoreMetrics.NONE);
        fsm.onApply(new LogIterator(1)
                .add(execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)"), null)
                .add(execute("INSERT INTO t(v) VALUES('a')"), null));
        Path dir = Files.createDirectories(tmp.resolve("snap"));
        FakeWriter writer = new FakeWriter(dir);
        CompletableFuture<Status> done = new CompletableFuture<>();
        fsm.onSnapshotSave(writer, done::complete);
        // entries applied after the pin, possibly while the copy runs
        fsm.onApply(new LogIterator(3)
                .add(execute("INSERT INTO t(v) VALUES('b')"), null)
                .add(execute("DELETE FROM t WHERE v = 'a'"), null));
        Status st = done.get(30, TimeUnit.SECONDS);
        assertThat(st.isOk()).as(st.toString()).isTrue();
        assertThat(writer.files).containsExactly(SqlStateMachine.SNAPSHOT_FILE);
        assertThat(fsm.lastSnapshotIndex()).isEqualTo(2);
        assertThat(valuesIn(dir.resolve(SqlStateMachine.SNAPSHOT_FILE))).containsExactly("a");
        assertThat(values()).containsExactly("b");

        // and a node restored from it applies only what came after it
        Path restoredFile = tmp.resolve("restored/db.sqlite");
        Database restored = Database.open(restoredFile, new DatabaseConfig(false, 2, 5000));
        try {
            SqlStateMachine other = new SqlStateMachine(restored, -1, StoreMetrics.NONE);
            assertThat(other.onSnapshotLoad(new FakeReader(dir, 2))).isTrue();
            assertThat(other.appliedIndex()).isEqualTo(2);
            other.onApply(new LogIterator(1)
                    .add(execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)"), null)
                    .add(execute("INSERT INTO t(v) VALUES('a')"), null)
                    .add(execute("INSERT INTO t(v) VALUES('b')"), null)
                    .add(execute("DELETE FROM t WHERE v = 'a'"), null));
            assertThat(other.errored()).isFalse();
            assertThat(restored.query(List.of(Statement.of("SELECT v FROM t ORDER BY id")), ExecutionOptions.DEFAULT).get(0))
                    .isInstanceOfSatisfying(StatementResult.Rows.class, r -> assertThat(r.rows()).containsExactly(List.of("b")));
        } finally {
            restored.close();
        }
    }

    @Test
    void aFailedSnapshotCopyIsReportedOnceAndNotAsAnIoError() throws Exception {
        SqlStateMachine fsm = new SqlStateMachine(db, -1, StoreMetrics.NONE);
        fsm.onApply(new LogIterator(1).add(execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)"), null));
        // a snapshot directory that cannot be created: its parent is a regular file
        Path blocker = Files.writeString(tmp.resolve("not-a-dir"), "x");
        List<Status> statuses = new ArrayList<>();
        CompletableFuture<Status> done = new CompletableFuture<>();
        fsm.onSnapshotSave(new FakeWriter(blocker.resolve("snap")), st -> {
            synchronized (statuses) {
                statuses.add(st);
            }
            done.complete(st);
        });
        Status st = done.get(30, TimeUnit.SECONDS);
        assertThat(st.isOk()).isFalse();
        // jraft stops the whole node when a state machine reports EIO for a snapshot
        assertThat(st.getRaftError()).isNotEqualTo(RaftError.EIO);
        Thread.sleep(100);
        synchronized (statuses) {
            assertThat(statuses).hasSize(1);
        }
        assertThat(fsm.lastSnapshotIndex()).isZero();
        assertThat(fsm.errored()).isFalse();
    }

    // ---------------------------------------------------------------------------------------------

    private static LogEntry execute(String sql) {
        return LogEntry.newBuilder().setExecute(LogEntries.toProto(List.of(Statement.of(sql)), ExecutionOptions.DEFAULT)).build();
    }

    private List<Object> values() {
        StatementResult r = db.query(List.of(Statement.of("SELECT v FROM t ORDER BY id")), ExecutionOptions.DEFAULT).get(0);
        assertThat(r).isInstanceOf(StatementResult.Rows.class);
        return ((StatementResult.Rows) r).rows().stream().map(row -> row.get(0)).toList();
    }

    private static List<String> valuesIn(Path file) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
                ResultSet rs = c.createStatement().executeQuery("SELECT v FROM t ORDER BY id")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    /** jraft's view of a run of committed data entries, with the calls the state machine makes recorded. */
    private static final class LogIterator implements Iterator {
        private final List<byte[]> data = new ArrayList<>();
        private final List<Closure> closures = new ArrayList<>();
        private final long firstIndex;
        private int pos;
        final List<Long> rolledBack = new ArrayList<>();
        Status errorStatus;

        LogIterator(long firstIndex) {
            this.firstIndex = firstIndex;
        }

        LogIterator add(LogEntry entry, Closure done) {
            return addRaw(entry.toByteArray(), done);
        }

        LogIterator addRaw(byte[] bytes, Closure done) {
            data.add(bytes);
            closures.add(done);
            return this;
        }

        @Override
        public boolean hasNext() {
            return errorStatus == null && pos < data.size();
        }

        @Override
        public ByteBuffer next() {
            ByteBuffer b = getData();
            pos++;
            return b;
        }

        @Override
        public ByteBuffer getData() {
            return ByteBuffer.wrap(data.get(pos));
        }

        @Override
        public long getIndex() {
            return firstIndex + pos;
        }

        @Override
        public long getTerm() {
            return 1;
        }

        @Override
        public Closure done() {
            return closures.get(pos);
        }

        @Override
        public void setAutoCommitPerLog(boolean status) {
        }

        @Override
        public boolean commit() {
            return false;
        }

        @Override
        public void commitAndSnapshotSync(Closure done) {
        }

        @Override
        public void setErrorAndRollback(long ntail, Status st) {
            rolledBack.add(getIndex() - (ntail - 1));
            errorStatus = st;
        }
    }

    private static final class FakeWriter extends SnapshotWriter {
        private final Path dir;
        final List<String> files = new ArrayList<>();

        FakeWriter(Path dir) {
            this.dir = dir;
        }

        @Override
        public boolean saveMeta(SnapshotMeta meta) {
            return true;
        }

        @Override
        public boolean addFile(String fileName, Message fileMeta) {
            files.add(fileName);
            return true;
        }

        @Override
        public boolean removeFile(String fileName) {
            return files.remove(fileName);
        }

        @Override
        public void close(boolean keepDataOnError) {
        }

        @Override
        public void close() {
        }

        @Override
        public boolean init(Void opts) {
            return true;
        }

        @Override
        public void shutdown() {
        }

        @Override
        public String getPath() {
            return dir.toString();
        }

        @Override
        public Set<String> listFiles() {
            return Set.copyOf(files);
        }

        @Override
        public Message getFileMeta(String fileName) {
            return null;
        }
    }

    private static final class FakeReader extends SnapshotReader {
        private final Path dir;
        private final long index;

        FakeReader(Path dir, long index) {
            this.dir = dir;
            this.index = index;
        }

        @Override
        public SnapshotMeta load() {
            return SnapshotMeta.newBuilder().setLastIncludedIndex(index).setLastIncludedTerm(1).build();
        }

        @Override
        public String generateURIForCopy() {
            return "";
        }

        @Override
        public void close() {
        }

        @Override
        public boolean init(Void opts) {
            return true;
        }

        @Override
        public void shutdown() {
        }

        @Override
        public String getPath() {
            return dir.toString();
        }

        @Override
        public Set<String> listFiles() {
            return Set.of(SqlStateMachine.SNAPSHOT_FILE);
        }

        @Override
        public Message getFileMeta(String fileName) {
            return null;
        }
    }
}
