package io.raftlite.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.alipay.sofa.jraft.Status;
import com.alipay.sofa.jraft.entity.Task;
import com.alipay.sofa.jraft.error.RaftError;
import io.raftlite.command.LogEntries;
import io.raftlite.command.LogEntry;
import io.raftlite.db.ExecutionOptions;
import io.raftlite.db.Statement;
import io.raftlite.db.StatementResult;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GroupCommitTest {
    /** Stands in for jraft: keeps the proposed tasks until the test applies or fails them. */
    private final List<Task> proposed = Collections.synchronizedList(new ArrayList<>());
    private final List<Integer> sizes = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger gatherTimeouts = new AtomicInteger();
    private final StoreMetrics metrics = new StoreMetrics() {
        @Override
        public void recordProposal(int requests) {
            sizes.add(requests);
        }

        @Override
        public void recordGatherTimeout() {
            gatherTimeouts.incrementAndGet();
        }
    };
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stopTimer() {
        timer.shutdownNow();
    }

    private GroupCommit groupCommit(int inFlight, int maxRequests, long maxBytes) {
        return new GroupCommit(proposed::add, metrics, inFlight, maxRequests, maxBytes, 0, null);
    }

    @Test
    void aLoneRequestIsProposedAtOnceAsAPlainEntry() {
        GroupCommit gc = groupCommit(1, 256, 1 << 20);
        CompletableFuture<StoreResult> r = gc.submit(write("INSERT INTO t VALUES(1)"));
        assertThat(proposed).hasSize(1);
        LogEntry entry = entryOf(proposed.get(0));
        assertThat(entry.getBodyCase()).isEqualTo(LogEntry.BodyCase.EXECUTE);
        apply(proposed.get(0), 7);
        assertThat(r).isCompletedWithValueMatching(res -> res.raftIndex() == 7 && res.results().size() == 1);
        assertThat(gc.inFlight()).isZero();
    }

    @Test
    void requestsArrivingWhileAnEntryIsInFlightShareTheNextEntryInOrder() {
        GroupCommit gc = groupCommit(1, 256, 1 << 20);
        CompletableFuture<StoreResult> a = gc.submit(write("INSERT INTO t VALUES('a')"));
        CompletableFuture<StoreResult> b = gc.submit(write("INSERT INTO t VALUES('b')"));
        CompletableFuture<StoreResult> c = gc.submit(write("INSERT INTO t VALUES('c')"));
        assertThat(proposed).as("b and c wait for the slot").hasSize(1);
        assertThat(b).isNotDone();

        apply(proposed.get(0), 1);
        assertThat(a).isCompleted();
        assertThat(proposed).hasSize(2);
        LogEntry batch = entryOf(proposed.get(1));
        assertThat(batch.getBodyCase()).isEqualTo(LogEntry.BodyCase.BATCH);
        assertThat(batch.getBatch().getEntriesList()).extracting(e -> e.getExecute().getStatements(0).getSql())
                .containsExactly("INSERT INTO t VALUES('b')", "INSERT INTO t VALUES('c')");
        assertThat(sizes).containsExactly(1, 2);

        apply(proposed.get(1), 2);
        assertThat(b).isCompletedWithValueMatching(r -> r.raftIndex() == 2 && marker(r) == 0);
        assertThat(c).isCompletedWithValueMatching(r -> r.raftIndex() == 2 && marker(r) == 1);
        assertThat(gc.inFlight()).isZero();
    }

    @Test
    void batchesAreBoundedByRequestsAndBytes() {
        GroupCommit gc = groupCommit(1, 3, 1 << 20);
        gc.submit(write("SELECT 0"));
        for (int i = 1; i <= 7; i++) {
            gc.submit(write("SELECT " + i));
        }
        apply(proposed.get(0), 1);
        apply(proposed.get(1), 2);
        apply(proposed.get(2), 3);
        assertThat(sizes).containsExactly(1, 3, 3, 1);

        proposed.clear();
        sizes.clear();
        String big = "x".repeat(400);
        GroupCommit bytes = groupCommit(1, 256, 1000);
        bytes.submit(write("SELECT 0"));
        for (int i = 0; i < 5; i++) {
            bytes.submit(write("SELECT '" + big + "'"));
        }
        apply(proposed.get(0), 1);
        apply(proposed.get(1), 2);
        apply(proposed.get(2), 3);
        assertThat(sizes).as("two 400-byte requests fit in 1000 bytes, three do not").containsExactly(1, 2, 2, 1);
    }

    @Test
    void aLoadIsNeverBatchedAndNeverWaitsForASlot() {
        GroupCommit gc = groupCommit(1, 256, 1 << 20);
        gc.submit(write("INSERT INTO t VALUES(1)"));
        gc.submit(write("INSERT INTO t VALUES(2)"));
        CompletableFuture<StoreResult> load = gc.submit(LogEntries.load(new byte[] {1, 2, 3}));
        assertThat(proposed).hasSize(2);
        assertThat(entryOf(proposed.get(1)).getBodyCase()).isEqualTo(LogEntry.BodyCase.LOAD);
        apply(proposed.get(1), 2);
        assertThat(load).isCompleted();
        assertThat(gc.inFlight()).as("the load took no slot").isEqualTo(1);
    }

    @Test
    void aFailedEntryFailsAllItsRequestsAndFreesItsSlot() {
        GroupCommit gc = groupCommit(1, 256, 1 << 20);
        gc.submit(write("INSERT INTO t VALUES(0)"));
        CompletableFuture<StoreResult> b = gc.submit(write("INSERT INTO t VALUES(1)"));
        CompletableFuture<StoreResult> c = gc.submit(write("INSERT INTO t VALUES(2)"));
        apply(proposed.get(0), 1);
        proposed.get(1).getDone().run(new Status(RaftError.EPERM, "Is not leader."));
        for (CompletableFuture<StoreResult> f : List.of(b, c)) {
            assertThat(f).isCompletedExceptionally();
            Throwable failure = f.handle((r, e) -> e).join();
            assertThat(failure).isInstanceOf(ApplyClosure.RaftFailure.class);
            assertThat(Store.neverAppended(((ApplyClosure.RaftFailure) failure).status())).isTrue();
        }
        assertThat(gc.inFlight()).isZero();
        CompletableFuture<StoreResult> d = gc.submit(write("INSERT INTO t VALUES(3)"));
        assertThat(proposed).hasSize(3);
        apply(proposed.get(2), 2);
        assertThat(d).isCompleted();
    }

    @ParameterizedTest(name = "{0} slot(s), gather {1} ns")
    @CsvSource({"1, 0", "2, 0", "1, 200000", "2, 200000"})
    void underConcurrentLoadEveryRequestIsAnsweredOnceAndTheSlotsAreRespected(int slots, long gatherNanos) throws Exception {
        AtomicInteger maxSeen = new AtomicInteger();
        BlockingQueue<Task> toApply = new LinkedBlockingQueue<>();
        GroupCommit[] holder = new GroupCommit[1];
        GroupCommit gc = new GroupCommit(t -> {
            maxSeen.accumulateAndGet(holder[0].inFlight(), Math::max);
            toApply.add(t);
        }, metrics, slots, 16, 1 << 20, gatherNanos, timer);
        holder[0] = gc;
        // the "state machine": applies entries one at a time, in order, on its own thread
        Thread applier = new Thread(() -> {
            long index = 0;
            try {
                while (true) {
                    Task t = toApply.take();
                    apply(t, ++index);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        applier.start();
        ExecutorService clients = Executors.newFixedThreadPool(8);
        List<CompletableFuture<StoreResult>> answers = Collections.synchronizedList(new ArrayList<>());
        try {
            List<java.util.concurrent.Future<?>> done = new ArrayList<>();
            for (int c = 0; c < 8; c++) {
                int client = c;
                done.add(clients.submit(() -> {
                    for (int i = 0; i < 500; i++) {
                        CompletableFuture<StoreResult> f = gc.submit(write("SELECT " + (client * 1000 + i)));
                        answers.add(f);
                        f.get(10, TimeUnit.SECONDS);
                    }
                    return null;
                }));
            }
            for (java.util.concurrent.Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            clients.shutdownNow();
            applier.interrupt();
        }
        assertThat(answers).hasSize(4000).allMatch(CompletableFuture::isDone);
        assertThat(sizes.stream().mapToInt(Integer::intValue).sum()).as("each request proposed exactly once").isEqualTo(4000);
        assertThat(maxSeen.get()).isLessThanOrEqualTo(slots);
        // the last entry frees its slot just after answering its requests, on the applier's thread
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (gc.inFlight() > 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(gc.inFlight()).isZero();
    }

    @Test
    void theNextEntryWaitsForTheClientsJustAnsweredAndGoesOnceTheyAreBack() {
        GroupCommit gc = gathering(TimeUnit.SECONDS.toNanos(30));
        CompletableFuture<StoreResult> a = gc.submit(write("INSERT INTO t VALUES('a')"));
        gc.submit(write("INSERT INTO t VALUES('b')"));
        gc.submit(write("INSERT INTO t VALUES('c')"));
        apply(proposed.get(0), 1);
        assertThat(a).isCompleted();
        assertThat(proposed).as("b and c wait for a's client to come back").hasSize(1);

        gc.submit(write("INSERT INTO t VALUES('a2')"));
        assertThat(proposed).hasSize(2);
        assertThat(entryOf(proposed.get(1)).getBatch().getEntriesList()).extracting(e -> e.getExecute().getStatements(0).getSql())
                .containsExactly("INSERT INTO t VALUES('b')", "INSERT INTO t VALUES('c')", "INSERT INTO t VALUES('a2')");
        assertThat(gatherTimeouts.get()).isZero();
    }

    @Test
    void aLoneClientNeverWaits() {
        GroupCommit gc = gathering(TimeUnit.SECONDS.toNanos(30));
        for (int i = 1; i <= 5; i++) {
            CompletableFuture<StoreResult> r = gc.submit(write("INSERT INTO t VALUES(" + i + ")"));
            assertThat(proposed).as("request %d proposed at once", i).hasSize(i);
            apply(proposed.get(i - 1), i);
            assertThat(r).isCompleted();
        }
        assertThat(sizes).containsOnly(1);
        assertThat(gatherTimeouts.get()).isZero();
    }

    @Test
    void aClientThatDoesNotComeBackCostsTheOthersOneGapNotTheGatherTime() {
        long gather = TimeUnit.SECONDS.toNanos(4);
        long gap = gather / 4;
        GroupCommit gc = gathering(gather);
        gc.submit(write("INSERT INTO t VALUES('a')"));
        CompletableFuture<StoreResult> b = gc.submit(write("INSERT INTO t VALUES('b')"));
        long applied = System.nanoTime();
        apply(proposed.get(0), 1); // a's client does not come back: b's entry waits for it, then goes alone
        assertThat(proposed).hasSize(1);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (proposed.size() < 2 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        long waited = System.nanoTime() - applied;
        assertThat(proposed).hasSize(2);
        assertThat(waited).as("waited a gap with no requests").isGreaterThanOrEqualTo(gap).isLessThan(gather);
        assertThat(entryOf(proposed.get(1)).getExecute().getStatements(0).getSql()).isEqualTo("INSERT INTO t VALUES('b')");
        assertThat(gatherTimeouts.get()).isEqualTo(1);

        apply(proposed.get(1), 2);
        assertThat(b).isCompleted();
    }

    @Test
    void onceItsTimerHasStoppedTheNextEntryStillGoesAndTheEntryDoneDoesNotFail() {
        GroupCommit gc = gathering(TimeUnit.SECONDS.toNanos(30));
        gc.submit(write("INSERT INTO t VALUES('a')"));
        CompletableFuture<StoreResult> b = gc.submit(write("INSERT INTO t VALUES('b')"));
        timer.shutdownNow(); // as when the store closes: its timer stops before Raft does
        apply(proposed.get(0), 1); // would wait for a's client, with nothing left to end the wait
        assertThat(proposed).as("b goes without waiting").hasSize(2);
        apply(proposed.get(1), 2);
        assertThat(b).isCompleted();
    }

    @Test
    void aClientAnsweredBeforeTheSlotIsFreedIsNotCountedTwice() {
        GroupCommit gc = gathering(TimeUnit.SECONDS.toNanos(30));
        List<CompletableFuture<StoreResult>> next = new ArrayList<>();
        gc.submit(write("INSERT INTO t VALUES('a')"))
                .thenRun(() -> next.add(gc.submit(write("INSERT INTO t VALUES('a2')")))); // back at once, on the applier's thread
        apply(proposed.get(0), 1);
        assertThat(next).hasSize(1);
        assertThat(proposed).as("a2 is all its entry waited for").hasSize(2);
        assertThat(gatherTimeouts.get()).isZero();
    }

    @Test
    void aFailedEntryDoesNotWaitForItsClients() {
        GroupCommit gc = gathering(TimeUnit.SECONDS.toNanos(30));
        gc.submit(write("INSERT INTO t VALUES('a')"));
        gc.submit(write("INSERT INTO t VALUES('b')"));
        proposed.get(0).getDone().run(new Status(RaftError.EPERM, "Is not leader."));
        assertThat(proposed).as("b goes at once: a's client may not come back").hasSize(2);
    }

    @Test
    void closingEndsTheGatheringAndNoEntryWaitsAfterwards() {
        GroupCommit gc = gathering(TimeUnit.SECONDS.toNanos(30));
        gc.submit(write("INSERT INTO t VALUES('a')"));
        gc.submit(write("INSERT INTO t VALUES('b')"));
        apply(proposed.get(0), 1);
        assertThat(proposed).as("b waits for a's client").hasSize(1);
        gc.close();
        assertThat(proposed).as("closing proposes b").hasSize(2);
        gc.submit(write("INSERT INTO t VALUES('c')"));
        apply(proposed.get(1), 2);
        assertThat(proposed).as("c does not wait for b's client").hasSize(3);
    }

    @Test
    void anEntryRaftBothFailsAndThrowsOnIsAnsweredOnceAndFreesItsSlotOnce() {
        AtomicInteger proposals = new AtomicInteger();
        GroupCommit gc = new GroupCommit(t -> {
            proposals.incrementAndGet();
            if (proposals.get() == 1) { // as jraft's apply on a node shutting down: runs the closure, then throws
                t.getDone().run(new Status(RaftError.ENODESHUTDOWN, "Node is shutting down."));
                throw new IllegalStateException("Node is shutting down");
            }
            proposed.add(t);
        }, metrics, 1, 256, 1 << 20, TimeUnit.SECONDS.toNanos(30), timer);
        CompletableFuture<StoreResult> a = gc.submit(write("INSERT INTO t VALUES('a')"));
        assertThat(a).isCompletedExceptionally();
        assertThat(a.handle((r, e) -> e).join()).isInstanceOf(ApplyClosure.RaftFailure.class);
        assertThat(gc.inFlight()).isZero();
        gc.submit(write("INSERT INTO t VALUES('b')"));
        gc.submit(write("INSERT INTO t VALUES('c')"));
        assertThat(gc.inFlight()).as("one slot, not two").isEqualTo(1);
        assertThat(proposed).hasSize(1);
    }

    // ---- helpers ----

    private GroupCommit gathering(long gatherNanos) {
        return new GroupCommit(proposed::add, metrics, 1, 256, 1 << 20, gatherNanos, timer);
    }

    private static LogEntry write(String sql) {
        return LogEntry.newBuilder().setExecute(LogEntries.toProto(List.of(Statement.of(sql)), ExecutionOptions.DEFAULT)).build();
    }

    private static LogEntry entryOf(Task t) {
        return ((ApplyClosure) t.getDone()).entry();
    }

    /** Applies a proposed task as the state machine would: one result per request, marked with its position. */
    private static void apply(Task t, long index) {
        ApplyClosure closure = (ApplyClosure) t.getDone();
        LogEntry entry = closure.entry();
        int requests = entry.getBodyCase() == LogEntry.BodyCase.BATCH ? entry.getBatch().getEntriesCount() : 1;
        List<List<StatementResult>> results = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            results.add(List.of(new StatementResult.Write(i, 1, 0)));
        }
        closure.applied(results, index);
        closure.run(Status.OK());
    }

    private static long marker(StoreResult r) {
        return ((StatementResult.Write) r.results().get(0)).lastInsertId();
    }
}
