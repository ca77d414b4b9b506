package io.raftlite.store;

import com.alipay.sofa.jraft.Closure;
import com.alipay.sofa.jraft.Status;
import io.raftlite.command.LogEntry;
import io.raftlite.db.StatementResult;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Carries a proposed entry to the state machine on the leader and its results back to the waiting
 * request. Runs exactly once: with results when applied, or with the failure status (not committed,
 * leadership lost, shutting down, or the state machine failed on this entry). A failure does not
 * always mean the write was not made: an entry already in the log when leadership or the process was
 * lost may still be committed and applied later, once. Entries replayed from the log (after a restart
 * or on a follower) have no closure; the state machine decodes their bytes instead.
 */
final class ApplyClosure implements Closure {
    private final LogEntry entry;
    private final CompletableFuture<StoreResult> future = new CompletableFuture<>();
    private volatile List<StatementResult> results = List.of();
    private volatile long index;

    ApplyClosure(LogEntry entry) {
        this.entry = entry;
    }

    LogEntry entry() {
        return entry;
    }

    void applied(List<StatementResult> results, long index) {
        this.results = results;
        this.index = index;
    }

    CompletableFuture<StoreResult> future() {
        return future;
    }

    @Override
    public void run(Status status) {
        if (status.isOk()) {
            future.complete(new StoreResult(results, index));
        } else {
            future.completeExceptionally(new RaftFailure(status));
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
