package io.raftlite.db;

/**
 * How the SQLite database is opened.
 *
 * @param foreignKeys enforce foreign keys ({@code -fk})
 * @param readPoolSize number of read-only connections
 * @param busyTimeoutMillis SQLite busy timeout on every connection
 * @param statementCacheBytes memory that the prepared statements kept for reuse by all connections
 *     may take together, as estimated from their text
 */
public record DatabaseConfig(boolean foreignKeys, int readPoolSize, int busyTimeoutMillis, long statementCacheBytes) {
    public static final DatabaseConfig DEFAULT = new DatabaseConfig(false, 4, 5000);

    /** With the default statement cache, 16 MiB. */
    public DatabaseConfig(boolean foreignKeys, int readPoolSize, int busyTimeoutMillis) {
        this(foreignKeys, readPoolSize, busyTimeoutMillis, StatementMemory.DEFAULT_LIMIT_BYTES);
    }
}
