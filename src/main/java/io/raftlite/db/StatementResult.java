package io.raftlite.db;

import java.util.List;

/** What one statement of a request produced: counters, rows, or an error. Immutable. */
public sealed interface StatementResult {
    /** Seconds the statement took, or 0 when timings were not asked for. */
    double time();

    /**
     * A write: SQLite's {@code last_insert_rowid()} and {@code changes()} read right after the
     * statement on the write connection, so they carry over from earlier statements.
     */
    record Write(long lastInsertId, long rowsAffected, double time) implements StatementResult {
    }

    /**
     * Rows of a read (or of a RETURNING write).
     *
     * @param columns column names (qualified if asked for); empty for a statement without columns
     * @param types lower-cased declared types, empty ones filled from the first row
     * @param rows each value is already converted for rendering: {@code Long}, {@code Double},
     *     {@code String}, {@code Boolean}, {@code byte[]} (a BLOB to show as base64 or byte array) or null
     */
    record Rows(List<String> columns, List<String> types, List<List<Object>> rows, double time) implements StatementResult {
    }

    /** A statement that failed; {@code message} is SQLite's bare error text. */
    record Error(String message) implements StatementResult {
        @Override
        public double time() {
            return 0;
        }
    }
}
