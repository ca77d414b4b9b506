package io.raftlite.store;

/**
 * A request refused for its own content before anything was proposed, such as a file for
 * {@code /db/load} that is not a sound SQLite database. Sending it again cannot succeed, so the
 * HTTP layer answers it as a client error (4xx), never as a server error.
 */
public class InvalidInputException extends StoreException {
    public InvalidInputException(String message) {
        super(message);
    }
}
