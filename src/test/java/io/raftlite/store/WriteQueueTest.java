package io.raftlite.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftlite.config.RaftliteProperties;
import io.raftlite.db.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link WriteQueue} against a fake writer: batching, retries, barriers, sequence numbers. */
class WriteQueueTest {
    private static final long WAIT_SECONDS = 20;

    /** Every batch handed to the writer, in order. */
    private final List<List<String>> batches = new CopyOnWriteArrayList<>();
    private final List<WriteQueue> queues = new ArrayList<>();

    @AfterEach
    void closeQueues() {
        queues.forEach(WriteQueue::close);
    }

    private WriteQueue queue(int capacity, int batchSize, Duration timeout, Function<List<Statement>, StoreResult> writer) {
        WriteQueue q = new WriteQueue(new RaftliteProperties.WriteQueue(capacity, batchSize, timeout, false), writer);
        queues.add(q);
        return q;
    }

    /** A writer that records each batch and succeeds. */
    private StoreResult record(List<Statement> statements) {
        batches.add(statements.stream().map(Statement::sql).toList());
        return new StoreResult(List.of(), 1);
    }

    private static List<Statement> sql(String... sql) {
        return java.util.Arrays.stream(sql).map(Statement::of).toList();
    }

    private static void await(CompletableFuture<Void> written) throws Exception {
        written.get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    @Test
    void sequenceNumbersStartAtStartTimeInNanosAndIncreaseByOne() throws Exception {
        long before = System.currentTimeMillis() * 1_000_000L;
        WriteQueue q = queue(16, 16, Duration.ofMillis(10), this::record);
        long after = (System.currentTimeMillis() + 1) * 1_000_000L;

        long first = q.enqueue(sql("INSERT 1")).sequenceNumber();
        long second = q.enqueue(sql("INSERT 2")).sequenceNumber();
        WriteQueue.Ticket third = q.enqueue(sql("INSERT 3"));

        assertThat(first).isBetween(before, after + 1);
        assertThat(second).isEqualTo(first + 1);
        assertThat(third.sequenceNumber()).isEqualTo(first + 2);
        await(third.written());
        assertThat(q.highestWritten()).isEqualTo(third.sequenceNumber());
    }

    @Test
    void concurrentRequestsReachTheWriterInSequenceNumberOrder() throws Exception {
        WriteQueue q = queue(64, 16, Duration.ofMillis(1), this::record);
        int threads = 8;
        int perThread = 400;
        java.util.Map<String, Long> sequenceOf = new java.util.concurrent.ConcurrentHashMap<>();
        List<CompletableFuture<WriteQueue.Ticket>> last = new ArrayList<>();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch go = new CountDownLatch(1);
            for (int t = 0; t < threads; t++) {
                int thread = t;
                last.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        go.await();
                        WriteQueue.Ticket ticket = null;
                        for (int i = 0; i < perThread; i++) {
                            String sql = "T" + thread + "-" + i;
                            ticket = q.enqueue(sql(sql));
                            sequenceOf.put(sql, ticket.sequenceNumber());
                        }
                        return ticket;
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                }, pool));
            }
            go.countDown();
            for (CompletableFuture<WriteQueue.Ticket> f : last) {
                await(f.get(WAIT_SECONDS, TimeUnit.SECONDS).written());
            }
        } finally {
            pool.shutdownNow();
        }
        List<Long> order = batches.stream().flatMap(List::stream).map(sequenceOf::get).toList();
        assertThat(order).hasSize(threads * perThread).isSorted().doesNotHaveDuplicates();
        assertThat(q.highestWritten()).isEqualTo(order.get(order.size() - 1));
    }

    @Test
    void fullBatchIsWrittenWithoutWaitingForTheTimeout() throws Exception {
        WriteQueue q = queue(16, 3, Duration.ofMinutes(5), this::record);

        q.enqueue(sql("A1", "A2"));
        q.enqueue(sql("B"));
        WriteQueue.Ticket c = q.enqueue(sql("C"));

        await(c.written()); // would take 5 minutes if the size limit were ignored
        assertThat(batches).containsExactly(List.of("A1", "A2", "B", "C"));
        assertThat(q.highestWritten()).isEqualTo(c.sequenceNumber());
    }

    @Test
    void partialBatchIsWrittenOnceTheTimeoutHasPassed() throws Exception {
        Duration timeout = Duration.ofMillis(1500);
        WriteQueue q = queue(16, 100, timeout, this::record);

        long start = System.nanoTime();
        WriteQueue.Ticket a = q.enqueue(sql("A"));
        WriteQueue.Ticket b = q.enqueue(sql("B"));
        await(b.written());
        long elapsed = System.nanoTime() - start;

        assertThat(a.written()).isDone();
        assertThat(batches).containsExactly(List.of("A", "B"));
        assertThat(Duration.ofNanos(elapsed)).isGreaterThanOrEqualTo(timeout);
    }

    @Test
    void requestsBeyondTheBatchSizeGoIntoLaterBatches() throws Exception {
        WriteQueue q = queue(16, 2, Duration.ofMillis(50), this::record);
        List<WriteQueue.Ticket> tickets = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            tickets.add(q.enqueue(sql("S" + i)));
        }
        for (WriteQueue.Ticket t : tickets) {
            await(t.written());
        }
        assertThat(batches).allSatisfy(b -> assertThat(b).hasSizeBetween(1, 2));
        assertThat(batches.stream().flatMap(List::stream).toList()).containsExactly("S0", "S1", "S2", "S3", "S4");
        assertThat(q.highestWritten()).isEqualTo(tickets.get(4).sequenceNumber());
    }

    @Test
    void failedBatchIsRetriedUntilItIsWritten() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean healthy = new java.util.concurrent.atomic.AtomicBoolean();
        WriteQueue q = queue(16, 10, Duration.ofMillis(10), statements -> {
            attempts.incrementAndGet();
            if (!healthy.get()) {
                throw new NotLeaderException("");
            }
            return record(statements);
        });

        WriteQueue.Ticket t = q.enqueue(sql("INSERT X"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (attempts.get() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        // Failed twice: retried, and not reported as written.
        assertThat(attempts.get()).isGreaterThanOrEqualTo(2);
        assertThat(t.written()).isNotDone();
        assertThat(q.highestWritten()).isLessThan(t.sequenceNumber());

        healthy.set(true);
        await(t.written());
        assertThat(batches).containsExactly(List.of("INSERT X"));
        assertThat(q.highestWritten()).isEqualTo(t.sequenceNumber());
    }

    @Test
    void retriesAreSpacedAboutASecondApart() throws Exception {
        List<Long> attemptTimes = new CopyOnWriteArrayList<>();
        WriteQueue q = queue(16, 10, Duration.ofMillis(10), statements -> {
            attemptTimes.add(System.nanoTime());
            if (attemptTimes.size() < 3) {
                throw new StoreException("timeout applying to Raft log");
            }
            return record(statements);
        });
        await(q.enqueue(sql("INSERT Y")).written());
        assertThat(attemptTimes).hasSize(3);
        for (int i = 1; i < 3; i++) {
            assertThat(Duration.ofNanos(attemptTimes.get(i) - attemptTimes.get(i - 1)))
                    .isGreaterThanOrEqualTo(Duration.ofMillis(900));
        }
    }

    @Test
    void barrierWithNoStatementsCompletesWithoutCallingTheWriter() throws Exception {
        WriteQueue q = queue(16, 10, Duration.ofMillis(10), this::record);
        WriteQueue.Ticket barrier = q.enqueue(List.of());
        await(barrier.written());
        assertThat(batches).isEmpty();
        assertThat(q.highestWritten()).isEqualTo(barrier.sequenceNumber());
    }

    @Test
    void barrierCompletesOnlyAfterEarlierRequestsAreWritten() throws Exception {
        CountDownLatch writerEntered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        WriteQueue q = queue(16, 10, Duration.ofMillis(10), statements -> {
            writerEntered.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            return record(statements);
        });

        WriteQueue.Ticket write = q.enqueue(sql("INSERT A"));
        assertThat(writerEntered.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        WriteQueue.Ticket barrier = q.enqueue(List.of());
        assertThat(barrier.sequenceNumber()).isGreaterThan(write.sequenceNumber());

        Thread.sleep(200);
        assertThat(barrier.written()).isNotDone();
        assertThat(write.written()).isNotDone();

        release.countDown();
        await(barrier.written());
        assertThat(write.written()).isDone();
        assertThat(batches).containsExactly(List.of("INSERT A"));
        assertThat(q.highestWritten()).isEqualTo(barrier.sequenceNumber());
    }

    @Test
    void enqueueBlocksWhileTheQueueIsFull() throws Exception {
        CountDownLatch writerEntered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        WriteQueue q = queue(1, 1, Duration.ofMillis(10), statements -> {
            writerEntered.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            return record(statements);
        });

        q.enqueue(sql("FIRST")); // taken by the worker, which then blocks in the writer
        assertThat(writerEntered.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        q.enqueue(sql("SECOND")); // fills the queue (capacity 1)

        CompletableFuture<WriteQueue.Ticket> third = CompletableFuture.supplyAsync(() -> {
            try {
                return q.enqueue(sql("THIRD"));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(300);
        assertThat(third).isNotDone();

        release.countDown();
        await(third.get(WAIT_SECONDS, TimeUnit.SECONDS).written());
        assertThat(batches.stream().flatMap(List::stream).toList()).containsExactly("FIRST", "SECOND", "THIRD");
    }
}
