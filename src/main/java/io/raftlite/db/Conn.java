package io.raftlite.db;

import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import org.sqlite.ProgressHandler;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteConnection;
import org.sqlite.core.CoreStatement;
import org.sqlite.core.DB;

/**
 * One sqlite-jdbc connection plus what raftlite keeps beside it: a per-statement deadline enforced
 * by a progress handler. Not thread-safe: one user at a time.
 */
final class Conn implements AutoCloseable {
    /** How many SQLite VM instructions run between two deadline checks. */
    private static final int PROGRESS_INTERVAL = 1000;

    private final SQLiteConnection jdbc;
    private final boolean readOnly;
    private volatile long deadlineNanos;
    private boolean handlerInstalled;
    private boolean deadlineHit;
    private PreparedStatement countersStatement;
    /**
     * Client SQL prepared on this connection, by its exact text, least recently used first, as many as
     * the database's {@link StatementMemory} allows. A statement stays in the map while it is out for
     * use ({@link #statement}, {@link #release}), marked as out: taking it out and putting it back
     * made a new map entry at every run, and those entries, alive until the text's next run, lived
     * long enough to fill the heap's old generation (about 2.9 MB/s at 28,000 reads/s of a thousand
     * texts).
     */
    private final RecentlyUsed<String, Kept> statements;

    /** A statement kept for reuse, and whether it is out for use now. */
    private static final class Kept {
        final PreparedStatement ps;
        boolean out;

        Kept(PreparedStatement ps) {
            this.ps = ps;
        }
    }

    /** Texts whose {@link ParsedSql} a connection keeps. */
    static final int PARSED_TEXTS = 128;

    private final ParsedSql.Cache parsed;
    /** raftlite's own fixed SQL ({@link #exec}), each text prepared once for the connection's life. */
    private final java.util.Map<String, PreparedStatement> fixedStatements = new java.util.HashMap<>();

    private final Keeping keeping;
    private final StatementMemory statementMemory;

    /**
     * Which client statements a connection may keep prepared: a text from its second run on
     * ({@link SecondRuns}). The connections of a {@link ReadPool} share one that also lets a text be
     * kept by one of them only ({@link ReadPool#borrowFor} then lends that one), so the pool holds
     * one copy of each.
     */
    interface Keeping {
        /** True if {@code conn} may keep {@code sql}; it then does until {@link #drop}. */
        boolean claim(String sql, Conn conn);

        /** {@code conn} no longer keeps {@code sql}. */
        void drop(String sql, Conn conn);

        /** Keeps nothing: for a connection that runs only raftlite's own SQL. */
        Keeping NOTHING = new Keeping() {
            @Override
            public boolean claim(String sql, Conn conn) {
                return false;
            }

            @Override
            public void drop(String sql, Conn conn) {
            }
        };

        /** For one connection alone: it keeps what ran before. */
        static Keeping secondRuns() {
            SecondRuns runs = new SecondRuns();
            return new Keeping() {
                @Override
                public boolean claim(String sql, Conn conn) {
                    return runs.ranBefore(sql);
                }

                @Override
                public void drop(String sql, Conn conn) {
                }
            };
        }
    }

    private Conn(SQLiteConnection jdbc, boolean readOnly, StatementMemory statementMemory, Keeping keeping) {
        this.jdbc = jdbc;
        this.readOnly = readOnly;
        this.keeping = keeping;
        this.statementMemory = statementMemory;
        this.statements = new RecentlyUsed<>(Integer.MAX_VALUE, statementMemory, StatementMemory::estimate, this::evicted);
        this.parsed = new ParsedSql.Cache(PARSED_TEXTS, !readOnly);
    }

    /** The read-write connection: WAL, synchronous=OFF, wal_autocheckpoint=0, foreign keys per config. */
    static Conn openReadWrite(Path file, DatabaseConfig config, StatementMemory statementMemory) throws SQLException {
        SQLiteConfig c = baseConfig(config);
        c.enforceForeignKeys(config.foreignKeys());
        SQLiteConnection jdbc = (SQLiteConnection) c.createConnection("jdbc:sqlite:" + file);
        Conn conn = new Conn(jdbc, false, statementMemory, Keeping.secondRuns());
        try {
            String mode = conn.queryString("PRAGMA journal_mode=WAL");
            if (!"wal".equalsIgnoreCase(mode)) {
                throw new SQLException("cannot switch to WAL mode, journal_mode is " + mode);
            }
            conn.exec("PRAGMA synchronous=OFF");
            conn.exec("PRAGMA wal_autocheckpoint=0");
            conn.exec("PRAGMA busy_timeout=" + config.busyTimeoutMillis());
            conn.exec("PRAGMA foreign_keys=" + (config.foreignKeys() ? "ON" : "OFF"));
        } catch (SQLException e) {
            conn.close();
            throw e;
        }
        return conn;
    }

    /**
     * A read-only connection: opened read-only, query_only=1, wal_autocheckpoint=1000, foreign keys
     * per config like the read-write one (rqlite's read connections report the same
     * {@code foreign_keys}; a client checking {@code PRAGMA foreign_keys} through {@code /db/query}
     * sees what writes enforce).
     */
    static Conn openReadOnly(Path file, DatabaseConfig config, StatementMemory statementMemory, Keeping keeping)
            throws SQLException {
        SQLiteConfig c = baseConfig(config);
        c.setReadOnly(true);
        c.enforceForeignKeys(config.foreignKeys());
        SQLiteConnection jdbc = (SQLiteConnection) c.createConnection("jdbc:sqlite:" + file);
        Conn conn = new Conn(jdbc, true, statementMemory, keeping);
        try {
            conn.exec("PRAGMA query_only=1");
            conn.exec("PRAGMA synchronous=OFF");
            conn.exec("PRAGMA busy_timeout=" + config.busyTimeoutMillis());
            conn.exec("PRAGMA wal_autocheckpoint=1000");
        } catch (SQLException e) {
            conn.close();
            throw e;
        }
        return conn;
    }

    /**
     * Settings of both kinds of connection. sqlite-jdbc's generated keys are off: with them on, it
     * prepares and runs {@code SELECT last_insert_rowid()} after every INSERT, on every node; raftlite
     * reads that counter itself ({@link #counters}) with a statement prepared once.
     */
    private static SQLiteConfig baseConfig(DatabaseConfig config) {
        SQLiteConfig c = new SQLiteConfig();
        c.setBusyTimeout(config.busyTimeoutMillis());
        c.setGetGeneratedKeys(false);
        return c;
    }

    SQLiteConnection jdbc() {
        return jdbc;
    }

    DB db() {
        return jdbc.getDatabase();
    }

    boolean isReadOnly() {
        return readOnly;
    }

    /**
     * Client SQL is always prepared, never given to {@code Statement.execute(String)}: only that path of
     * sqlite-jdbc interprets text starting with {@code backup}/{@code restore} as its own commands.
     */
    PreparedStatement prepare(String sql) throws SQLException {
        return jdbc.prepareStatement(sql);
    }

    /**
     * A prepared statement for one piece of client SQL, reused from an earlier call with the same text
     * when there is one: preparing costs more than running a simple INSERT. Hand it back with
     * {@link #release} when done, also after a failure; never close it.
     */
    PreparedStatement statement(String sql) throws SQLException {
        Kept kept = statements.get(sql);
        if (kept == null || kept.out) {
            return jdbc.prepareStatement(sql);
        }
        kept.out = true;
        return kept.ps;
    }

    /**
     * Takes back a statement from {@link #statement}: reset (so it holds no read transaction and no
     * lock) and its bindings cleared, then kept for the next use of the same text: if it was kept
     * already, else if {@link Keeping} lets this connection keep it, it is not too large
     * ({@link StatementMemory#fits}) and no other statement of the text is kept. This connection's
     * least recently used ones are closed while the kept statements of all connections take more than
     * their {@link StatementMemory} allows.
     */
    void release(String sql, PreparedStatement ps) {
        Kept kept = statements.get(sql);
        boolean isKept = kept != null && kept.ps == ps;
        try {
            // sqlite-jdbc keeps the bound values on the Java side too and binds them all at execute:
            // clearParameters clears both, reset ends the statement's read.
            ps.clearParameters();
            reset(ps);
        } catch (SQLException | RuntimeException e) {
            if (isKept) {
                statements.remove(sql);
                keeping.drop(sql, this);
            }
            closeQuietly(ps);
            return;
        }
        if (isKept) {
            kept.out = false;
        } else if (kept != null || !statementMemory.fits(sql) || !keeping.claim(sql, this)) {
            closeQuietly(ps);
        } else {
            statements.put(sql, new Kept(ps));
        }
    }

    /** Ends a statement's run so that it holds no read transaction and no lock. */
    private static void reset(PreparedStatement ps) throws SQLException {
        ((CoreStatement) ps).pointer.safeRunConsume((db, ptr) -> db.reset(ptr));
    }

    /** Statements kept for reuse (for tests). */
    int cachedStatements() {
        return statements.size();
    }

    /**
     * A kept statement given up for memory: closed, unless it is out for use, when {@link #release}
     * takes it back as a statement not kept.
     */
    private void evicted(String sql, Kept kept) {
        keeping.drop(sql, this);
        if (!kept.out) {
            closeQuietly(kept.ps);
        }
    }

    private static void closeQuietly(PreparedStatement ps) {
        try {
            ps.close();
        } catch (SQLException e) {
            // finalized with the connection at the latest
        }
    }

    /** What raftlite reads out of this client SQL text, worked out once while the text is in use. */
    ParsedSql parsed(String sql) {
        return parsed.of(sql);
    }

    /**
     * Runs fixed, trusted SQL to completion (one statement). Each distinct text stays prepared until
     * the connection closes (the few statements of every grouped write: BEGIN, COMMIT, ...), so only
     * raftlite's own SQL, a small fixed set, may come here, never client SQL.
     */
    void exec(String sql) throws SQLException {
        PreparedStatement ps = fixedStatements.get(sql);
        if (ps == null) {
            ps = jdbc.prepareStatement(sql);
            fixedStatements.put(sql, ps);
        }
        try {
            if (ps.execute()) {
                try (var rs = ps.getResultSet()) {
                    while (rs.next()) {
                        // drain
                    }
                }
            }
        } finally {
            try {
                reset(ps);
            } catch (SQLException | RuntimeException e) {
                fixedStatements.remove(sql);
                closeQuietly(ps);
            }
        }
    }

    /** Runs fixed SQL and returns the first column of its first row as text (null if no row). */
    String queryString(String sql) throws SQLException {
        try (PreparedStatement ps = jdbc.prepareStatement(sql); var rs = ps.executeQuery()) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    /** {@code changes()} and {@code last_insert_rowid()} of this connection, right now. */
    long[] counters() throws SQLException {
        if (countersStatement == null) {
            countersStatement = jdbc.prepareStatement("SELECT changes(), last_insert_rowid()");
        }
        countersStatement.execute();
        return ((CoreStatement) countersStatement).pointer.safeRun((db, ptr) -> {
            long[] r = {db.column_long(ptr, 0), db.column_long(ptr, 1)};
            db.reset(ptr);
            return r;
        });
    }

    /** Arms the deadline for the next statement; null or non-positive timeout disarms it. */
    void armDeadline(Duration timeout) throws SQLException {
        deadlineHit = false;
        if (timeout == null || timeout.isZero() || timeout.isNegative()) {
            deadlineNanos = 0;
            return;
        }
        if (!handlerInstalled) {
            ProgressHandler.setHandler(jdbc, PROGRESS_INTERVAL, new ProgressHandler() {
                @Override
                protected int progress() {
                    long d = deadlineNanos;
                    if (d != 0 && System.nanoTime() - d >= 0) {
                        deadlineHit = true;
                        return 1;
                    }
                    return 0;
                }
            });
            handlerInstalled = true;
        }
        long d = System.nanoTime() + timeout.toNanos();
        deadlineNanos = d == 0 ? 1 : d;
    }

    /** Disarms the deadline and removes the progress handler. */
    void disarmDeadline() {
        deadlineNanos = 0;
        if (handlerInstalled) {
            try {
                ProgressHandler.clearHandler(jdbc);
            } catch (SQLException e) {
                // the connection is unusable anyway; closing will report it
            }
            handlerInstalled = false;
        }
    }

    /** True if the progress handler interrupted SQLite because the armed deadline had passed. */
    boolean deadlineHit() {
        return deadlineHit;
    }

    /** Rolls back whatever transaction is open, ignoring "no transaction is active". */
    void rollbackQuietly() {
        try {
            exec("ROLLBACK");
        } catch (SQLException e) {
            // nothing open, or already rolled back by SQLite
        }
    }

    @Override
    public void close() {
        statements.clear(this::evicted);
        fixedStatements.values().forEach(Conn::closeQuietly);
        fixedStatements.clear();
        try {
            jdbc.close();
        } catch (SQLException e) {
            // best effort
        }
    }
}
