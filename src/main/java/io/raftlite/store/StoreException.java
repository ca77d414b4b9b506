package io.raftlite.store;

/**
 * A request that failed as a whole (not one of its statements). rqlite reports these as HTTP 200
 * with a top-level {@code error}, e.g. {@code stale read} or a Raft apply timeout; the message is
 * what the client sees.
 */
public class StoreException extends RuntimeException {
    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
