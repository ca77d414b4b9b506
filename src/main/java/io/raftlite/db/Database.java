package io.raftlite.db;

import io.raftlite.db.sql.StatementClassifier;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * One SQLite database file: a single read-write connection and a pool of read-only connections.
 *
 * <p>Thread-safety: {@link #execute}, {@link #request} and {@link #replaceWith} must be called from
 * one thread at a time (the Raft apply thread); reads, backups and status may be called from any
 * thread concurrently with them.
 *
 * <p>Batches: an element whose SQL text is the empty string is skipped and produces no entry. SQL
 * errors never throw; they become {@link StatementResult.Error} entries with SQLite's bare
 * message. {@link DatabaseException} is thrown only for infrastructure failures (files, a closed
 * database).
 */
public final class Database implements AutoCloseable {
    private static final List<String> REPORTED_PRAGMAS =
            List.of("synchronous", "journal_mode", "foreign_keys", "wal_autocheckpoint", "busy_timeout");

    private final Path file;
    private final DatabaseConfig config;
    /** Readers (and the writer's batches) hold the read side; replacing and closing hold the write side. */
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
    /** Serialises use of the read-write connection (batches, checkpoints, pragma reads). */
    private final ReentrantLock writer = new ReentrantLock();
    private final Set<Pinned> pins = ConcurrentHashMap.newKeySet();
    private final String sqliteVersion;
    private Conn rw;
    private ReadPool pool;
    private volatile boolean closed;
    /** Shared by every connection's kept statements, through reopening. */
    private final StatementMemory statementMemory;

    private Database(Path file, DatabaseConfig config) {
        this.file = file;
        this.config = config;
        this.statementMemory = new StatementMemory(config.statementCacheBytes());
        openConnections();
        try {
            this.sqliteVersion = rw.jdbc().libversion();
        } catch (SQLException e) {
            closeConnections();
            throw new DatabaseException("cannot read the SQLite version: " + e.getMessage(), e);
        }
    }

    /** Opens (creating if needed) the database at {@code file} in WAL mode. */
    public static Database open(Path file, DatabaseConfig config) {
        Path abs = file.toAbsolutePath();
        try {
            if (abs.getParent() != null) {
                Files.createDirectories(abs.getParent());
            }
        } catch (IOException e) {
            throw new DatabaseException("cannot create directory for " + abs + ": " + e.getMessage(), e);
        }
        return new Database(abs, config == null ? DatabaseConfig.DEFAULT : config);
    }

    /** Runs writes on the read-write connection; a statement flagged {@code returnsRows} yields rows. */
    public List<StatementResult> execute(List<Statement> statements, ExecutionOptions options) {
        return onWriter(() -> runOnWriter(statements, opts(options), false));
    }

    /** One write request for {@link #executeGroup}: what {@link #execute} takes. */
    public record WriteRequest(List<Statement> statements, ExecutionOptions options) {
    }

    /**
     * Runs write requests in order, each with exactly the results {@link #execute} would give it
     * alone, in one SQLite transaction when that cannot change what happens. On their own, plain
     * statements each commit separately, and a commit (writing the WAL) costs several times the
     * statement itself; in one transaction the pages they share are written once.
     *
     * <p>Grouped only when every statement is plain DML or SELECT ({@link StatementClassifier#isPlainDml})
     * and no request asks for {@code transaction} or a timeout: then each statement behaves inside the
     * transaction as it would alone (a failing one is undone by itself and the others go on), unless
     * SQLite rolls the whole transaction back (a {@code ROLLBACK} conflict clause or
     * {@code RAISE(ROLLBACK)}, an I/O error) or refuses the {@code COMMIT} (a deferred foreign key).
     * Both are detected (after any failed statement, a probing {@code BEGIN} tells whether the
     * transaction is still open), nothing of the group is left then, and the requests are run again
     * one statement at a time. If a transaction was already open on the connection (a client's own
     * {@code BEGIN}), the requests run inside it as before.
     */
    public List<List<StatementResult>> executeGroup(List<WriteRequest> requests) {
        return onWriter(() -> {
            if (groupable(requests)) {
                List<List<StatementResult>> grouped = runGrouped(requests);
                if (grouped != null) {
                    return grouped;
                }
            }
            List<List<StatementResult>> out = new ArrayList<>(requests.size());
            for (WriteRequest r : requests) {
                out.add(runOnWriter(r.statements(), opts(r.options()), false));
            }
            return Collections.unmodifiableList(out);
        });
    }

    private boolean groupable(List<WriteRequest> requests) {
        int statements = 0;
        for (WriteRequest r : requests) {
            ExecutionOptions o = r.options();
            if (o.transaction() || o.timeout() != null) {
                return false;
            }
            for (Statement st : r.statements()) {
                if (st.sql().isEmpty()) {
                    continue;
                }
                if (!rw.parsed(st.sql()).plainDml()) {
                    return false;
                }
                statements++;
            }
        }
        return statements > 1;
    }

    /** The group's results, or null if its transaction was lost; nothing of the group remains then. */
    private List<List<StatementResult>> runGrouped(List<WriteRequest> requests) {
        try {
            rw.exec("BEGIN");
        } catch (SQLException e) {
            return null; // a transaction is already open: not ours to commit or roll back
        }
        List<List<StatementResult>> out = new ArrayList<>(requests.size());
        for (WriteRequest r : requests) {
            ExecutionOptions o = opts(r.options());
            List<StatementResult> results = new ArrayList<>(r.statements().size());
            for (Statement st : r.statements()) {
                if (st.sql().isEmpty()) {
                    continue;
                }
                StatementResult result = StatementRunner.execute(rw, st, o);
                results.add(result);
                if (result instanceof StatementResult.Error && !groupStillOpen()) {
                    return null;
                }
            }
            out.add(Collections.unmodifiableList(results));
        }
        try {
            rw.exec("COMMIT");
        } catch (SQLException e) {
            rw.rollbackQuietly();
            return null;
        }
        return Collections.unmodifiableList(out);
    }

    /**
     * After a failed statement: whether the group's transaction survived it (SQLite may have rolled
     * it all back). Asked by trying to open another: SQLite refuses a {@code BEGIN} inside an open
     * transaction and changes nothing. If the {@code BEGIN} succeeds, the group's transaction was
     * gone and the probe's own empty one is rolled back; any other refusal counts as gone too, after
     * a rollback, so that no later statement of the group can run outside a transaction.
     */
    private boolean groupStillOpen() {
        try {
            rw.exec("BEGIN");
        } catch (SQLException e) {
            String message = e.getMessage();
            if (message != null && message.contains("within a transaction")) {
                return true;
            }
        }
        rw.rollbackQuietly();
        return false;
    }

    /** Runs reads on a read-only connection; writes fail with {@code attempt to change database via query operation}. */
    public List<StatementResult> query(List<Statement> statements, ExecutionOptions options) {
        ExecutionOptions o = opts(options);
        return withReader(statements.isEmpty() ? null : statements.get(0).sql(), conn -> {
            List<StatementResult> results = new ArrayList<>(statements.size());
            boolean tx = o.transaction();
            boolean began = false;
            if (tx) {
                try {
                    conn.exec("BEGIN");
                    began = true;
                } catch (SQLException e) {
                    results.add(new StatementResult.Error(SqliteErrors.message(e)));
                    return Collections.unmodifiableList(results);
                }
            }
            boolean mayLeaveTransaction = false;
            try {
                for (Statement st : statements) {
                    if (st.sql().isEmpty()) {
                        continue;
                    }
                    mayLeaveTransaction |= mentionsTransaction(st.sql());
                    results.add(StatementRunner.query(conn, st, o));
                }
            } finally {
                if (began || mayLeaveTransaction) {
                    // a read transaction has nothing to commit; ending it any way releases the snapshot
                    conn.rollbackQuietly();
                }
            }
            return Collections.unmodifiableList(results);
        });
    }

    /** Runs a mixed batch on the read-write connection: read-only statements give rows, others counters. */
    public List<StatementResult> request(List<Statement> statements, ExecutionOptions options) {
        return onWriter(() -> runOnWriter(statements, opts(options), true));
    }

    /**
     * Whether {@code sql} only reads, as SQLite's {@code sqlite3_stmt_readonly} would say: every
     * statement in it is a read by its text, and it prepares against the current schema. Text that
     * cannot be prepared (a missing table, a syntax error) counts as a write, as in rqlite, so a
     * mixed request holding it goes through the log. Safe from any thread.
     */
    public boolean isReadOnly(String sql) {
        if (!io.raftlite.db.sql.StatementClassifier.isReadOnly(sql)) {
            return false;
        }
        return withReader(conn -> {
            for (io.raftlite.db.sql.SqlStatementText piece : io.raftlite.db.sql.SqlScript.split(sql)) {
                try (java.sql.PreparedStatement ps = conn.prepare(piece.sql())) {
                    // prepared: fine
                } catch (java.sql.SQLException e) {
                    return false;
                }
            }
            return true;
        });
    }

    /** Writes a consistent copy of the database as a SQLite file (WAL content included). */
    public void backupTo(Path target) {
        withReader(conn -> {
            try {
                beginSnapshot(conn);
                copy(conn, target);
            } catch (SQLException e) {
                throw new DatabaseException("backup failed: " + SqliteErrors.message(e), e);
            } finally {
                conn.rollbackQuietly();
            }
            return null;
        });
    }

    /** Writes the database as SQL text in the layout of {@code sqlite3 .dump}; null or empty tables = all. */
    public void dumpSql(OutputStream out, List<String> tables) throws IOException {
        IOException failure = withReader(conn -> {
            try {
                beginSnapshot(conn);
                SqlDumper.dump(conn, out, tables);
                return null;
            } catch (IOException e) {
                return e;
            } catch (SQLException e) {
                throw new DatabaseException("dump failed: " + SqliteErrors.message(e), e);
            } finally {
                conn.rollbackQuietly();
            }
        });
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * Pins the current state (a read transaction on a dedicated connection) so that it can be copied
     * later, from another thread, while writes go on. Call on the apply thread.
     */
    public PinnedCopy pin() {
        lifecycle.readLock().lock();
        try {
            ensureOpen();
            Conn conn;
            try {
                conn = Conn.openReadOnly(file, config, statementMemory, Conn.Keeping.NOTHING);
            } catch (SQLException e) {
                throw new DatabaseException("cannot open a connection to pin: " + SqliteErrors.message(e), e);
            }
            try {
                beginSnapshot(conn);
            } catch (SQLException e) {
                conn.rollbackQuietly();
                conn.close();
                throw new DatabaseException("cannot pin: " + SqliteErrors.message(e), e);
            }
            Pinned p = new Pinned(conn);
            pins.add(p);
            return p;
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    /** Replaces the whole database with the SQLite file at {@code source}; waits for running reads. */
    public void replaceWith(Path source) {
        // Copy and check the new file before touching the live one: a file that is not a sound
        // SQLite database is refused and the current data stays.
        Path tmp = file.resolveSibling(file.getFileName() + ".replace.tmp");
        try {
            Files.copy(source, tmp, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new DatabaseException("cannot replace " + file + " with " + source + ": " + e.getMessage(), e);
        }
        try {
            verify(tmp);
        } catch (DatabaseException e) {
            deleteQuietly(tmp);
            throw e;
        }
        lifecycle.writeLock().lock();
        try {
            ensureOpen();
            for (Pinned p : List.copyOf(pins)) {
                p.invalidate();
            }
            closeConnections();
            try {
                try {
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
                }
                Files.deleteIfExists(sibling(file, "-wal"));
                Files.deleteIfExists(sibling(file, "-shm"));
            } catch (IOException e) {
                throw new DatabaseException("cannot replace " + file + " with " + source + ": " + e.getMessage(), e);
            } finally {
                openConnections();
            }
        } finally {
            lifecycle.writeLock().unlock();
        }
    }

    /**
     * Checks that {@code candidate} is a SQLite database that passes {@code PRAGMA quick_check}.
     *
     * @throws DatabaseException with SQLite's message if it is not
     */
    public static void verify(Path candidate) {
        String url = "jdbc:sqlite:file:" + candidate.toAbsolutePath() + "?immutable=1";
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(url);
                java.sql.Statement st = c.createStatement();
                java.sql.ResultSet rs = st.executeQuery("PRAGMA quick_check")) {
            String result = rs.next() ? rs.getString(1) : "no result";
            if (!"ok".equals(result)) {
                throw new DatabaseException("invalid SQLite data: " + result);
            }
        } catch (java.sql.SQLException e) {
            throw new DatabaseException("invalid SQLite data: " + SqliteErrors.message(e), e);
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // a leftover scratch file is removed on the next replace
        }
    }

    /** Size in bytes of the main file and of the WAL file. */
    public long fileSize() {
        return sizeOf(file);
    }

    public long walSize() {
        return sizeOf(sibling(file, "-wal"));
    }

    public Path path() {
        return file;
    }

    /** SQLite library version, e.g. {@code 3.50.4}. */
    public String sqliteVersion() {
        return sqliteVersion;
    }

    /** The pragmas rqlite reports, as strings: {@code {"rw":{...},"ro":{...}}}. */
    public Map<String, Map<String, String>> pragmas() {
        Map<String, String> rwPragmas = onWriter(() -> readPragmas(rw));
        Map<String, String> roPragmas = withReader(this::readPragmas);
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        out.put("rw", rwPragmas);
        out.put("ro", roPragmas);
        return Collections.unmodifiableMap(out);
    }

    /**
     * Checkpoints the WAL into the main file (TRUNCATE) if no reader prevents it. It does not wait for
     * readers (the busy timeout is lifted for the checkpoint): a reader holding an older snapshot, such
     * as a {@link #pin() pinned copy}, leaves the WAL in place until a later checkpoint.
     */
    public void checkpoint() {
        onWriter(() -> {
            try {
                rw.exec("PRAGMA busy_timeout=0");
                try {
                    rw.exec("PRAGMA wal_checkpoint(TRUNCATE)");
                } finally {
                    rw.exec("PRAGMA busy_timeout=" + config.busyTimeoutMillis());
                }
            } catch (SQLException e) {
                throw new DatabaseException("checkpoint failed: " + SqliteErrors.message(e), e);
            }
            return null;
        });
    }

    @Override
    public void close() {
        lifecycle.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            for (Pinned p : List.copyOf(pins)) {
                p.invalidate();
            }
            closeConnections();
        } finally {
            lifecycle.writeLock().unlock();
        }
    }

    /** A pinned, consistent view of the database that can be copied once to a file, then closed. */
    public interface PinnedCopy extends AutoCloseable {
        void copyTo(Path target);

        @Override
        void close();
    }

    // ---------------------------------------------------------------------------------------------

    private final class Pinned implements PinnedCopy {
        private Conn conn;

        Pinned(Conn conn) {
            this.conn = conn;
        }

        @Override
        public void copyTo(Path target) {
            lifecycle.readLock().lock();
            try {
                synchronized (this) {
                    if (conn == null) {
                        throw new DatabaseException("pinned copy is closed or was invalidated by a replace");
                    }
                    try {
                        copy(conn, target);
                    } catch (SQLException e) {
                        throw new DatabaseException("copy of pinned state failed: " + SqliteErrors.message(e), e);
                    }
                }
            } finally {
                lifecycle.readLock().unlock();
            }
        }

        synchronized void invalidate() {
            if (conn != null) {
                conn.rollbackQuietly();
                conn.close();
                conn = null;
            }
            pins.remove(this);
        }

        @Override
        public void close() {
            invalidate();
        }
    }

    private List<StatementResult> runOnWriter(List<Statement> statements, ExecutionOptions o, boolean classify) {
        List<StatementResult> results = new ArrayList<>(statements.size());
        boolean tx = o.transaction();
        if (tx) {
            try {
                rw.exec("BEGIN");
            } catch (SQLException e) {
                results.add(new StatementResult.Error(SqliteErrors.message(e)));
                return Collections.unmodifiableList(results);
            }
        }
        for (Statement st : statements) {
            if (st.sql().isEmpty()) {
                continue;
            }
            StatementResult r = classify && StatementClassifier.isReadOnly(st.sql())
                    ? StatementRunner.query(rw, st, o)
                    : StatementRunner.execute(rw, st, o);
            results.add(r);
            if (tx && r instanceof StatementResult.Error) {
                rw.rollbackQuietly();
                return Collections.unmodifiableList(results);
            }
        }
        if (tx) {
            try {
                rw.exec("COMMIT");
            } catch (SQLException e) {
                results.add(new StatementResult.Error(SqliteErrors.message(e)));
                rw.rollbackQuietly();
            }
        }
        return Collections.unmodifiableList(results);
    }

    private Map<String, String> readPragmas(Conn conn) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String name : REPORTED_PRAGMAS) {
            try {
                out.put(name, conn.queryString("PRAGMA " + name));
            } catch (SQLException e) {
                throw new DatabaseException("cannot read PRAGMA " + name + ": " + SqliteErrors.message(e), e);
            }
        }
        return Collections.unmodifiableMap(out);
    }

    /** Starts a read transaction and reads, so that the connection holds a snapshot. */
    private static void beginSnapshot(Conn conn) throws SQLException {
        conn.exec("BEGIN");
        conn.queryString("SELECT count(*) FROM sqlite_master");
    }

    /** Copies the state {@code conn} sees (its open read transaction, if any) to {@code target} with the online backup API. */
    private static void copy(Conn conn, Path target) throws SQLException {
        try {
            Path abs = target.toAbsolutePath();
            Files.deleteIfExists(abs);
            Files.deleteIfExists(sibling(abs, "-wal"));
            Files.deleteIfExists(sibling(abs, "-shm"));
            Files.deleteIfExists(sibling(abs, "-journal"));
            if (abs.getParent() != null) {
                Files.createDirectories(abs.getParent());
            }
            int rc = conn.db().backup("main", abs.toString(), null);
            if (rc != 0 && rc != 101) {
                throw new DatabaseException("backup to " + abs + " failed with SQLite code " + rc);
            }
        } catch (IOException e) {
            throw new DatabaseException("cannot prepare backup target " + target + ": " + e.getMessage(), e);
        }
    }

    private static boolean mentionsTransaction(String sql) {
        String s = sql.toLowerCase(Locale.ROOT);
        return s.contains("begin") || s.contains("savepoint");
    }

    private static ExecutionOptions opts(ExecutionOptions o) {
        return o == null ? ExecutionOptions.DEFAULT : o;
    }

    private static Path sibling(Path p, String suffix) {
        return p.resolveSibling(p.getFileName() + suffix);
    }

    private static long sizeOf(Path p) {
        try {
            return Files.size(p);
        } catch (java.nio.file.NoSuchFileException e) {
            return 0;
        } catch (IOException e) {
            throw new DatabaseException("cannot stat " + p + ": " + e.getMessage(), e);
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new DatabaseException("database " + file + " is closed");
        }
    }

    private <T> T onWriter(Supplier<T> work) {
        lifecycle.readLock().lock();
        try {
            ensureOpen();
            writer.lock();
            try {
                return work.get();
            } finally {
                writer.unlock();
            }
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    private interface ReaderWork<T> {
        T run(Conn conn);
    }

    private <T> T withReader(ReaderWork<T> work) {
        return withReader(null, work);
    }

    /** Runs {@code work} on a read-only connection, the one that keeps {@code sql} prepared if it is idle. */
    private <T> T withReader(String sql, ReaderWork<T> work) {
        lifecycle.readLock().lock();
        try {
            ensureOpen();
            ReadPool p = pool;
            Conn conn = p.borrowFor(sql);
            try {
                return work.run(conn);
            } finally {
                p.release(conn);
            }
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    private void openConnections() {
        try {
            rw = Conn.openReadWrite(file, config, statementMemory);
        } catch (SQLException e) {
            throw new DatabaseException("cannot open " + file + ": " + SqliteErrors.message(e), e);
        }
        try {
            pool = ReadPool.open(file, config, statementMemory);
        } catch (SQLException e) {
            rw.close();
            rw = null;
            throw new DatabaseException("cannot open read connections to " + file + ": " + SqliteErrors.message(e), e);
        }
    }

    private void closeConnections() {
        if (pool != null) {
            pool.close();
            pool = null;
        }
        if (rw != null) {
            rw.close();
            rw = null;
        }
    }
}
