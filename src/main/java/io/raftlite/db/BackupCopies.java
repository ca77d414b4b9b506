package io.raftlite.db;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/** Finishing touches on a backup copy that is not (yet) anybody's live database. */
public final class BackupCopies {
    private BackupCopies() {
    }

    /**
     * Rewrites the copy at {@code file}: compacted with {@code VACUUM}, and/or switched to the DELETE
     * journal mode (so it is a single self-contained file even for tools that do not expect WAL).
     */
    public static void finish(Path file, boolean vacuum, boolean deleteJournalMode) {
        if (!vacuum && !deleteJournalMode) {
            return;
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
                Statement s = c.createStatement()) {
            if (vacuum) {
                s.execute("VACUUM");
            }
            if (deleteJournalMode) {
                s.execute("PRAGMA journal_mode=DELETE");
            }
        } catch (SQLException e) {
            throw new DatabaseCopyException("cannot finish backup copy: " + e.getMessage(), e);
        }
    }

    /** A backup copy could not be made or finished. */
    public static final class DatabaseCopyException extends RuntimeException {
        DatabaseCopyException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
