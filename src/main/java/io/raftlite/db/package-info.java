/**
 * SQLite access for raftlite: one database file opened in WAL mode with exactly one read-write
 * connection (used serially by the apply thread) and a blocking pool of read-only connections
 * (opened read-only and with {@code query_only}) for concurrent reads.
 *
 * <p>The package turns batches of {@link io.raftlite.db.Statement statements} into
 * {@link io.raftlite.db.StatementResult results} the way rqlite does: multi-statement strings,
 * positional and named parameters, counters that carry over on the write connection, declared
 * column types (filled from the first row where empty), value conversion for rendering (dates to
 * RFC 3339, {@code boolean}, BLOBs in text-like columns as strings), per-statement timeouts and
 * SQLite's bare error messages. It also copies the database: online backups, a snapshot pinned by
 * a read transaction and copied later, a {@code .dump}-style SQL text, and wholesale replacement
 * of the file by another SQLite file.
 *
 * <p>Each connection keeps what it has learned about recent SQL texts: their prepared statements
 * and how they split into statements ({@code ParsedSql}); raftlite's own fixed SQL stays prepared
 * for the connection's life.
 *
 * <p>It deliberately knows nothing of Raft or HTTP: it does not rewrite non-deterministic SQL,
 * does not refuse PRAGMAs, does not render JSON, and never decides read consistency or
 * whether a statement may run on this node. Callers make those decisions and then call
 * {@link io.raftlite.db.Database}.
 */
package io.raftlite.db;
