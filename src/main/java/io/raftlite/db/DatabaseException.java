package io.raftlite.db;

/**
 * An infrastructure failure of the database layer: the file could not be opened, copied, replaced
 * or read. SQL errors never surface this way; they become {@link StatementResult.Error} entries.
 */
public class DatabaseException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DatabaseException(String message) {
        super(message);
    }

    public DatabaseException(String message, Throwable cause) {
        super(message, cause);
    }
}
