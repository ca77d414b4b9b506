package io.raftlite.db;

import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/** A fixed set of read-only connections; a borrower blocks until one is free. Thread-safe. */
final class ReadPool implements AutoCloseable {
    private final BlockingQueue<Conn> idle;
    private final List<Conn> all;

    private ReadPool(List<Conn> conns) {
        this.all = List.copyOf(conns);
        this.idle = new ArrayBlockingQueue<>(conns.size(), false, conns);
    }

    static ReadPool open(Path file, DatabaseConfig config) throws SQLException {
        int size = Math.max(1, config.readPoolSize());
        List<Conn> conns = new ArrayList<>(size);
        try {
            for (int i = 0; i < size; i++) {
                conns.add(Conn.openReadOnly(file, config));
            }
        } catch (SQLException | RuntimeException e) {
            conns.forEach(Conn::close);
            throw e;
        }
        return new ReadPool(conns);
    }

    /** Takes a connection, waiting as long as needed. */
    Conn borrow() {
        try {
            return idle.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DatabaseException("interrupted while waiting for a read connection", e);
        }
    }

    void release(Conn conn) {
        idle.add(conn);
    }

    int size() {
        return all.size();
    }

    /** Closes every connection; call only when none is borrowed. */
    @Override
    public void close() {
        all.forEach(Conn::close);
        idle.clear();
    }
}
