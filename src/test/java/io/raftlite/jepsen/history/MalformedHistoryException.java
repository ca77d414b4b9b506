package io.raftlite.jepsen.history;

/**
 * A history that breaks the recording rules (an invocation while the process has one outstanding, a
 * completion without invocation, a process reused after INFO, indices out of order, an unreadable
 * line). It means the runner or the file is wrong, not the database, so checkers refuse to judge it.
 */
public class MalformedHistoryException extends RuntimeException {
    public MalformedHistoryException(String message) {
        super(message);
    }

    public MalformedHistoryException(String message, Throwable cause) {
        super(message, cause);
    }
}
