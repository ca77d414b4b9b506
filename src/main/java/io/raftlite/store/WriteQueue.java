package io.raftlite.store;

import io.raftlite.config.RaftliteProperties;
import io.raftlite.db.ExecutionOptions;
import io.raftlite.db.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Queued writes ({@code /db/execute?queue}): requests are acknowledged at once with a sequence
 * number and written in batches, many requests per log entry. A batch that cannot be written (no
 * leader, a network failure) is retried every second until it succeeds or the node stops; SQL errors
 * inside a batch are not reported to anyone, as in rqlite.
 *
 * <p>Thread-safe. Sequence numbers start at the node's start time in Unix nanoseconds.
 */
public final class WriteQueue implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WriteQueue.class);

    private record Queued(long sequence, List<Statement> statements, CompletableFuture<Void> written) {
    }

    private final BlockingQueue<Queued> queue;
    private final int batchSize;
    private final Duration timeout;
    private final boolean transaction;
    private final Function<List<Statement>, StoreResult> writer;
    /** Held while a request takes its sequence number and enters the queue, so both orders agree. */
    private final ReentrantLock enqueueLock = new ReentrantLock();
    private long lastSequence = System.currentTimeMillis() * 1_000_000L; // guarded by enqueueLock
    private final AtomicLong highestWritten = new AtomicLong();
    private final Thread worker;
    private volatile boolean running = true;

    /** @param writer writes one batch, throwing if it could not be written (it is then retried) */
    public WriteQueue(RaftliteProperties.WriteQueue config, Function<List<Statement>, StoreResult> writer) {
        this.queue = new ArrayBlockingQueue<>(Math.max(1, config.capacity()));
        this.batchSize = Math.max(1, config.batchSize());
        this.timeout = config.timeout();
        this.transaction = config.transaction();
        this.writer = writer;
        this.worker = new Thread(this::run, "raftlite-write-queue");
        this.worker.setDaemon(true);
        this.worker.start();
    }

    public boolean transaction() {
        return transaction;
    }

    /**
     * Queues statements (possibly none: a flush barrier); blocks while the queue is full.
     *
     * <p>Requests are written in sequence-number order: a request's number is taken and the request
     * queued in one step, so when {@link #highestWritten()} reaches N, every request numbered N or
     * less has been written.
     *
     * @return the sequence number and a future that completes once its batch has been written
     */
    public Ticket enqueue(List<Statement> statements) throws InterruptedException {
        List<Statement> copy = List.copyOf(statements);
        enqueueLock.lockInterruptibly();
        try {
            Queued q = new Queued(++lastSequence, copy, new CompletableFuture<>());
            queue.put(q);
            return new Ticket(q.sequence(), q.written());
        } finally {
            enqueueLock.unlock();
        }
    }

    /** A queued request: its sequence number and when it was written. */
    public record Ticket(long sequenceNumber, CompletableFuture<Void> written) {
    }

    /** The highest sequence number whose batch has been written. */
    public long highestWritten() {
        return highestWritten.get();
    }

    public int batchSize() {
        return batchSize;
    }

    public int capacity() {
        return queue.remainingCapacity() + queue.size();
    }

    public Duration timeout() {
        return timeout;
    }

    private void run() {
        while (running) {
            try {
                Queued first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                List<Queued> batch = new ArrayList<>();
                batch.add(first);
                long deadline = System.nanoTime() + timeout.toNanos();
                while (batch.size() < batchSize) {
                    long left = deadline - System.nanoTime();
                    Queued next = left <= 0 ? queue.poll() : queue.poll(left, TimeUnit.NANOSECONDS);
                    if (next == null) {
                        break;
                    }
                    batch.add(next);
                }
                write(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void write(List<Queued> batch) throws InterruptedException {
        List<Statement> all = new ArrayList<>();
        for (Queued q : batch) {
            all.addAll(q.statements());
        }
        while (running) {
            try {
                if (!all.isEmpty()) {
                    writer.apply(all);
                }
                long last = batch.get(batch.size() - 1).sequence();
                highestWritten.accumulateAndGet(last, Math::max);
                batch.forEach(q -> q.written().complete(null));
                return;
            } catch (RuntimeException e) {
                log.warn("queued write of {} statements failed, retrying in 1s: {}", all.size(), e.getMessage());
                Thread.sleep(1000);
            }
        }
    }

    /** Options for a batch write. */
    public ExecutionOptions options() {
        return new ExecutionOptions(transaction, null, false, false);
    }

    @Override
    public void close() {
        running = false;
        worker.interrupt();
    }
}
