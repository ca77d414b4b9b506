package io.raftlite.db;

import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingDeque;

/**
 * Up to a fixed number of read-only connections; a borrower blocks when all are out. Thread-safe.
 *
 * <p>Connections are opened when the ones already open are all busy, not up front, and the most
 * recently returned one is lent next (last in, first out). So the number open follows the
 * concurrency reads really have (a handful, since the container runs few threads), and each read
 * finds a connection whose page cache and prepared statements are warm. Handed out in turn, every
 * connection of the pool kept its own copy of the hot pages (up to 2 MiB each by SQLite's default).
 *
 * <p>A client SQL text is kept prepared by one connection of the pool at most (the first to run it
 * a second time while none kept it), and {@link #borrowFor} lends that connection when it is idle.
 * When each connection kept its own copy of every text, the few busy ones held the same statements
 * four or five times over, in native and in Java heap memory.
 */
final class ReadPool implements AutoCloseable, Conn.Keeping {
    private final Path file;
    private final DatabaseConfig config;
    private final StatementMemory statementMemory;
    private final int max;
    private final LinkedBlockingDeque<Conn> idle = new LinkedBlockingDeque<>();
    private final List<Conn> all = new CopyOnWriteArrayList<>();
    /** The connection that keeps each text prepared. */
    private final ConcurrentHashMap<String, Conn> keepers = new ConcurrentHashMap<>();
    private final SecondRuns runs = new SecondRuns();
    private int opened;

    private ReadPool(Path file, DatabaseConfig config, StatementMemory statementMemory) {
        this.file = file;
        this.config = config;
        this.statementMemory = statementMemory;
        this.max = Math.max(1, config.readPoolSize());
    }

    /** A pool with one connection open, so that a file SQLite cannot read fails here and not at the first read. */
    static ReadPool open(Path file, DatabaseConfig config, StatementMemory statementMemory) throws SQLException {
        ReadPool pool = new ReadPool(file, config, statementMemory);
        pool.reserveOne();
        pool.idle.add(pool.openOne());
        return pool;
    }

    /**
     * Takes the connection that keeps {@code sql} prepared if it is idle, else any as {@link #borrow}.
     * {@code sql} may be null.
     */
    Conn borrowFor(String sql) {
        if (sql != null) {
            Conn keeper = keepers.get(sql);
            if (keeper != null && idle.removeFirstOccurrence(keeper)) {
                return keeper;
            }
        }
        return borrow();
    }

    @Override
    public boolean claim(String sql, Conn conn) {
        Conn keeper = keepers.get(sql);
        if (keeper != null) {
            return keeper == conn;
        }
        if (!runs.ranBefore(sql)) {
            return false;
        }
        keeper = keepers.putIfAbsent(sql, conn);
        return keeper == null || keeper == conn;
    }

    @Override
    public void drop(String sql, Conn conn) {
        keepers.remove(sql, conn);
    }

    /** How many texts the pool's connections keep prepared (for tests). */
    int keptTexts() {
        return keepers.size();
    }

    /** Takes a connection: an idle one, else a new one while fewer than the maximum are open, else waits. */
    Conn borrow() {
        Conn conn = idle.pollFirst();
        if (conn != null) {
            return conn;
        }
        if (reserveOne()) {
            try {
                return openOne();
            } catch (SQLException e) {
                unreserveOne();
                throw new DatabaseException("cannot open a read connection to " + file + ": " + SqliteErrors.message(e), e);
            } catch (RuntimeException e) {
                unreserveOne();
                throw e;
            }
        }
        try {
            return idle.takeFirst();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DatabaseException("interrupted while waiting for a read connection", e);
        }
    }

    void release(Conn conn) {
        idle.addFirst(conn);
    }

    /** How many connections are open now. */
    int opened() {
        return all.size();
    }

    private synchronized boolean reserveOne() {
        if (opened >= max) {
            return false;
        }
        opened++;
        return true;
    }

    private synchronized void unreserveOne() {
        opened--;
    }

    private Conn openOne() throws SQLException {
        Conn conn = Conn.openReadOnly(file, config, statementMemory, this);
        all.add(conn);
        return conn;
    }

    /** Closes every connection; call only when none is borrowed. */
    @Override
    public void close() {
        all.forEach(Conn::close);
        all.clear();
        idle.clear();
    }
}
