package io.raftlite.db;

/**
 * How the SQLite database is opened.
 *
 * @param foreignKeys enforce foreign keys ({@code -fk})
 * @param readPoolSize number of read-only connections
 * @param busyTimeoutMillis SQLite busy timeout on every connection
 */
public record DatabaseConfig(boolean foreignKeys, int readPoolSize, int busyTimeoutMillis) {
    public static final DatabaseConfig DEFAULT = new DatabaseConfig(false, 4, 5000);
}
