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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class GroupCommitTest {
    /** Stands in for jraft: keeps the proposed tasks until the test applies or fails them. */
    private final List<Task> proposed = Collections.synchronizedList(new ArrayList<>());
    private final List<Integer> sizes = Collections.synchronizedList(new ArrayList<>());

    private GroupCommit groupCommit(int inFlight, int maxRequests, long maxBytes) {
        return new GroupCommit(proposed::add, sizes::add, inFlight, maxRequests, maxBytes);
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

    @Test
    void underConcurrentLoadEveryRequestIsAnsweredOnceAndTheSlotsAreRespected() throws Exception {
        int slots = 2;
        AtomicInteger maxSeen = new AtomicInteger();
        BlockingQueue<Task> toApply = new LinkedBlockingQueue<>();
        GroupCommit[] holder = new GroupCommit[1];
        GroupCommit gc = new GroupCommit(t -> {
            maxSeen.accumulateAndGet(holder[0].inFlight(), Math::max);
            toApply.add(t);
        }, sizes::add, slots, 16, 1 << 20);
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
        assertThat(gc.inFlight()).isZero();
    }

    // ---- helpers ----

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
