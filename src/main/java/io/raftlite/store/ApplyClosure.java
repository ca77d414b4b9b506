package io.raftlite.store;

import com.alipay.sofa.jraft.Closure;
import com.alipay.sofa.jraft.Status;
import io.raftlite.command.LogEntry;
import io.raftlite.db.StatementResult;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries a proposed entry to the state machine on the leader and its results back to the waiting
 * requests: one request, or several committed together as a {@code Batch} entry (each with its own
 * results). Runs exactly once, even when jraft both runs it and throws (a node shutting down does):
 * with results when applied, or with the failure status (not committed, leadership lost, shutting
 * down, or the state machine failed on this entry), which every request of the entry shares. A
 * failure does not always mean the write was not made: an entry already in the log when leadership
 * or the process was lost may still be committed and applied later, once. Entries replayed from
 * the log (after a restart or on a follower) have no closure; the state machine decodes their bytes
 * instead.
 */
final class ApplyClosure implements Closure {
    private static final Logger log = LoggerFactory.getLogger(ApplyClosure.class);

    /** What group commit does around answering an entry's requests. */
    interface Completion {
        /** The entry was applied and its requests are about to be answered. */
        void beforeAnswers();

        /** The entry's requests were answered (applied or failed). */
        void afterAnswers();
    }

    private final LogEntry entry;
    private final List<CompletableFuture<StoreResult>> waiting;
    private final Completion completion;
    private final AtomicBoolean ran = new AtomicBoolean();
    private volatile List<List<StatementResult>> results = List.of();
    private volatile long index;

    /**
     * @param entry the entry proposed
     * @param waiting one future per request in the entry, in order
     * @param completion told before an applied entry's futures are completed, and after the
     *     futures are completed whatever the outcome
     */
    ApplyClosure(LogEntry entry, List<CompletableFuture<StoreResult>> waiting, Completion completion) {
        this.entry = entry;
        this.waiting = waiting;
        this.completion = completion;
    }

    /** A closure that only needs telling once the requests were answered. */
    ApplyClosure(LogEntry entry, List<CompletableFuture<StoreResult>> waiting, Runnable afterAnswers) {
        this(entry, waiting, new Completion() {
            @Override
            public void beforeAnswers() {
            }

            @Override
            public void afterAnswers() {
                afterAnswers.run();
            }
        });
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
        if (!ran.compareAndSet(false, true)) {
            return;
        }
        try {
            if (status.isOk()) {
                quietly(completion::beforeAnswers);
                List<List<StatementResult>> r = results;
                for (int i = 0; i < waiting.size(); i++) {
                    waiting.get(i).complete(new StoreResult(i < r.size() ? r.get(i) : List.of(), index));
                }
            } else {
                RaftFailure failure = new RaftFailure(status);
                waiting.forEach(f -> f.completeExceptionally(failure));
            }
        } finally {
            quietly(completion::afterAnswers);
        }
    }

    /** Fails every request with {@code cause}, unless the closure has run already. */
    void fail(RuntimeException cause) {
        if (!ran.compareAndSet(false, true)) {
            return;
        }
        try {
            waiting.forEach(f -> f.completeExceptionally(cause));
        } finally {
            quietly(completion::afterAnswers);
        }
    }

    /**
     * This runs inside the state machine's apply loop, which must never see an exception
     * (SqlStateMachine.onApply): group commit's bookkeeping failing must not fail the entry.
     */
    private static void quietly(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            log.error("group commit could not finish after an entry", e);
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
