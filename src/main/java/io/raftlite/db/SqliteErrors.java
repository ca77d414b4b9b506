package io.raftlite.db;

import java.sql.SQLException;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/** Turns sqlite-jdbc exceptions back into SQLite's bare {@code sqlite3_errmsg} text. */
final class SqliteErrors {
    static final int SQLITE_READONLY = 8;
    static final int SQLITE_INTERRUPT = 9;

    private SqliteErrors() {
    }

    /**
     * The bare message: sqlite-jdbc formats {@code "<code> (<errmsg>)"}, where {@code <code>} is the
     * result code's {@code toString()} ({@code [SQLITE_ERROR] SQL error or missing database}), or
     * {@code "<code>:<n> (<errmsg>)"} for codes it does not know. Anything else is returned as is.
     */
    static String message(SQLException e) {
        String msg = e.getMessage();
        if (msg == null) {
            return e.getClass().getSimpleName();
        }
        if (e instanceof SQLiteException se && se.getResultCode() != null) {
            return strip(msg, se.getResultCode());
        }
        return msg;
    }

    static String strip(String msg, SQLiteErrorCode code) {
        String prefix = code.toString();
        if (!msg.startsWith(prefix)) {
            return msg;
        }
        int i = prefix.length();
        if (code == SQLiteErrorCode.UNKNOWN_ERROR && i < msg.length() && msg.charAt(i) == ':') {
            i++;
            if (i < msg.length() && msg.charAt(i) == '-') {
                i++;
            }
            while (i < msg.length() && Character.isDigit(msg.charAt(i))) {
                i++;
            }
        }
        if (!msg.startsWith(" (", i) || !msg.endsWith(")")) {
            return msg;
        }
        return msg.substring(i + 2, msg.length() - 1);
    }

    /** The primary result code (low byte) of an exception, or -1 when it is not SQLite's. */
    static int primaryCode(SQLException e) {
        if (e instanceof SQLiteException se && se.getResultCode() != null) {
            return se.getResultCode().code & 0xff;
        }
        return -1;
    }
}
