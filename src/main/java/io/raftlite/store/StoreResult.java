package io.raftlite.store;

import io.raftlite.db.StatementResult;
import java.util.List;

/**
 * The results of a request, one per statement.
 *
 * @param raftIndex the log index the request was applied at, or 0 if it did not go through the log
 */
public record StoreResult(List<StatementResult> results, long raftIndex) {
    public StoreResult {
        results = List.copyOf(results);
    }
}
