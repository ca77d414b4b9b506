package io.raftlite.store;

import com.alipay.sofa.jraft.Closure;
import com.alipay.sofa.jraft.Status;
import io.raftlite.command.LogEntry;
import io.raftlite.db.StatementResult;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries a proposed entry to the state machine on the leader and its results back to the waiting
 * requests: one request, or several committed together as a {@code Batch} entry (each with its own
 * results). Runs exactly once: with results when applied, or with the failure status (not committed,
 * leadership lost, shutting down, or the state machine failed on this entry), which every request of
 * the entry shares. A failure does not always mean the write was not made: an entry already in the
 * log when leadership or the process was lost may still be committed and applied later, once.
 * Entries replayed from the log (after a restart or on a follower) have no closure; the state
 * machine decodes their bytes instead.
 */
final class ApplyClosure implements Closure {
    private static final Logger log = LoggerFactory.getLogger(ApplyClosure.class);

    private final LogEntry entry;
    private final List<CompletableFuture<StoreResult>> waiting;
    private final Runnable onDone;
    private volatile List<List<StatementResult>> results = List.of();
    private volatile long index;

    /**
     * @param entry the entry proposed
     * @param waiting one future per request in the entry, in order
     * @param onDone runs after the futures are completed, whatever the outcome
     */
    ApplyClosure(LogEntry entry, List<CompletableFuture<StoreResult>> waiting, Runnable onDone) {
        this.entry = entry;
        this.waiting = waiting;
        this.onDone = onDone;
    }

    LogEntry entry() {
        return entry;
    }

    /** Records the results, one list per request of the entry, at the index it was applied at. */
    void applied(List<List<StatementResult>> perRequest, long index) {
        this.results = perRequest;
        this.index = index;
    }

    @Override
    public void run(Status status) {
        try {
            if (status.isOk()) {
                List<List<StatementResult>> r = results;
                for (int i = 0; i < waiting.size(); i++) {
                    waiting.get(i).complete(new StoreResult(i < r.size() ? r.get(i) : List.of(), index));
                }
            } else {
                RaftFailure failure = new RaftFailure(status);
                waiting.forEach(f -> f.completeExceptionally(failure));
            }
        } finally {
            try {
                onDone.run();
            } catch (RuntimeException e) {
                // This runs inside the state machine's apply loop, which must never see an exception
                // (SqlStateMachine.onApply): group commit's bookkeeping failing must not fail the entry.
                log.error("group commit could not finish after an entry", e);
            }
        }
    }

    /** A proposal Raft refused or could not finish (lost leadership, shutting down, ...). */
    static final class RaftFailure extends RuntimeException {
        private final Status status;

        RaftFailure(Status status) {
            super(status.getErrorMsg() == null ? status.toString() : status.getErrorMsg());
            this.status = status;
        }

        Status status() {
            return status;
        }
    }
}
