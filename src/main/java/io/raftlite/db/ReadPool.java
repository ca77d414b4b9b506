package io.raftlite.db;

import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Up to a fixed number of read-only connections; a borrower blocks when all are out. Thread-safe.
 *
 * <p>Connections are opened when the ones already open are all busy, not up front, and the most
 * recently returned one is lent next (last in, first out). So the number open follows the
 * concurrency reads really have (a handful, since the container runs few threads), and each read
 * finds a connection whose page cache and prepared statements are warm. Handed out in turn, every
 * connection of the pool kept its own copy of the hot pages (up to 2 MiB each by SQLite's default).
 *
 * <p>A client SQL text is kept prepared by one connection of the pool (the first to run it a second
 * time), and {@link #borrowFor} lends that connection when it is idle. When each connection kept
 * its own copy of every text, the few busy ones held the same statements four or five times over,
 * in native and in Java heap memory. A text read by several clients at once finds its connection
 * busy, though: once its reads found every connection keeping it busy more often than idle, one
 * more connection may keep it, and so on, so that a hot text gets about as many copies as it has
 * concurrent readers, and a thousand texts read now and then one copy each.
 */
final class ReadPool implements AutoCloseable, Conn.Keeping {
    private final Path file;
    private final DatabaseConfig config;
    private final StatementMemory statementMemory;
    private final int max;
    private final LinkedBlockingDeque<Conn> idle = new LinkedBlockingDeque<>();
    private final List<Conn> all = new CopyOnWriteArrayList<>();
    /** The connections that keep each text prepared. */
    private final ConcurrentHashMap<String, Keepers> keepers = new ConcurrentHashMap<>();
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
        Keepers k = sql == null ? null : keepers.get(sql);
        if (k != null) {
            for (Conn keeper : k.conns) {
                if (idle.removeFirstOccurrence(keeper)) {
                    k.foundIdle();
                    return keeper;
                }
            }
            k.foundBusy();
        }
        return borrow();
    }

    @Override
    public boolean claim(String sql, Conn conn) {
        Keepers k = keepers.get(sql);
        if (k == null) {
            if (!runs.ranBefore(sql)) {
                return false;
            }
            k = keepers.computeIfAbsent(sql, s -> new Keepers());
        }
        return k.admit(conn);
    }

    @Override
    public void drop(String sql, Conn conn) {
        Keepers k = keepers.get(sql);
        if (k != null && k.remove(conn)) {
            keepers.remove(sql, k);
        }
    }

    /**
     * The connections that keep one text prepared, and whether reads of it lately found them all
     * busy more often than not. Thread-safe.
     */
    private static final class Keepers {
        /**
         * Net count of reads that found every keeper busy, over those that found one idle, at which
         * one more connection may keep the text: a text whose keepers are busy for a fifth of its
         * reads gets there about once in 65,000 runs of such reads, one busy for two thirds of them
         * in about 24 reads.
         */
        private static final int CONTENDED = 8;

        /** Replaced, never changed in place (read without the lock by {@link #borrowFor}). */
        private volatile Conn[] conns = new Conn[0];
        private final AtomicInteger contention = new AtomicInteger();
        /** Emptied and out of the pool's map: admits no one (a new entry takes its place). */
        private boolean retired;

        void foundIdle() {
            if (contention.get() > 0) {
                contention.decrementAndGet();
            }
        }

        void foundBusy() {
            if (contention.get() < CONTENDED) {
                contention.incrementAndGet();
            }
        }

        /** True if {@code conn} may keep the text: the first to ask, or one more while it is contended. */
        synchronized boolean admit(Conn conn) {
            Conn[] now = conns;
            if (retired) {
                return false;
            }
            if (Arrays.asList(now).contains(conn)) {
                return true;
            }
            if (now.length > 0 && contention.get() < CONTENDED) {
                return false;
            }
            Conn[] more = Arrays.copyOf(now, now.length + 1);
            more[now.length] = conn;
            conns = more;
            contention.set(0);
            return true;
        }

        /** Forgets {@code conn}; true if no keeper is left (then this entry is retired). */
        synchronized boolean remove(Conn conn) {
            conns = Arrays.stream(conns).filter(c -> c != conn).toArray(Conn[]::new);
            retired = conns.length == 0;
            return retired;
        }

        int size() {
            return conns.length;
        }
    }

    /** How many texts the pool's connections keep prepared (for tests). */
    int keptTexts() {
        return keepers.size();
    }

    /** How many of the pool's connections keep {@code sql} prepared (for tests). */
    int copiesOf(String sql) {
        Keepers k = keepers.get(sql);
        return k == null ? 0 : k.size();
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
