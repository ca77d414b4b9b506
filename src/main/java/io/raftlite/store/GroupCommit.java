package io.raftlite.store;

import com.alipay.sofa.jraft.entity.Task;
import io.raftlite.command.Batch;
import io.raftlite.command.LogEntry;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * Group commit on the leader: requests that arrive while earlier entries are still being committed
 * are proposed together as one {@code Batch} entry, so many clients share one log append, one fsync
 * and one replication round instead of paying for each. Every request is still applied as its own
 * request, in order, with its own results; nothing is acknowledged before its entry is committed
 * and applied, so durability is exactly that of one entry per request.
 *
 * <p>At most {@code maxInFlight} entries are proposed and not yet applied at any time. A request
 * that finds a free slot is proposed at once, alone (a lone client pays no wait and its entry is a
 * plain one); otherwise it waits in the queue, and the next entry to be applied frees a slot and
 * proposes everything queued by then (up to {@code maxRequests} requests and about
 * {@code maxBytes}). So batches grow with the load by themselves, with no timer.
 *
 * <p>Loads and batches are never put into a batch. Thread-safe: whichever thread finds work and a
 * free slot (a submitting request, or the state machine's thread completing an entry) proposes.
 */
final class GroupCommit {
    private record Pending(LogEntry entry, int bytes, CompletableFuture<StoreResult> result) {
    }

    private final Consumer<Task> raft;
    private final IntConsumer batchSizes;
    private final int maxInFlight;
    private final int maxRequests;
    private final long maxBytes;
    private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final ReentrantLock takeLock = new ReentrantLock();

    /**
     * @param raft proposes a task to Raft (jraft's {@code Node::apply})
     * @param batchSizes told the number of requests in each entry proposed
     */
    GroupCommit(Consumer<Task> raft, IntConsumer batchSizes, int maxInFlight, int maxRequests, long maxBytes) {
        this.raft = raft;
        this.batchSizes = batchSizes;
        this.maxInFlight = Math.max(1, maxInFlight);
        this.maxRequests = Math.max(1, maxRequests);
        this.maxBytes = Math.max(1, maxBytes);
    }

    /** Proposes {@code entry}, alone or with others; the future completes when it is applied or has failed. */
    CompletableFuture<StoreResult> submit(LogEntry entry) {
        Pending p = new Pending(entry, entry.getSerializedSize(), new CompletableFuture<>());
        if (!batchable(entry)) {
            // Alone, outside the slots: a database load must not wait behind writes or delay them.
            propose(List.of(p), () -> { });
            return p.result();
        }
        queue.add(p);
        drain();
        return p.result();
    }

    /** Entries proposed and not yet applied or failed (for tests and metrics). */
    int inFlight() {
        return inFlight.get();
    }

    private static boolean batchable(LogEntry entry) {
        return switch (entry.getBodyCase()) {
            case EXECUTE, REQUEST, QUERY -> true;
            default -> false;
        };
    }

    /**
     * Proposes queued requests while there are some and a slot is free. The queue is checked after
     * each slot is released and each request is queued, so a request never waits with a slot free.
     */
    private void drain() {
        while (!queue.isEmpty()) {
            int n = inFlight.get();
            if (n >= maxInFlight) {
                return; // the entry in flight that completes next drains again
            }
            if (!inFlight.compareAndSet(n, n + 1)) {
                continue;
            }
            List<Pending> batch = take();
            if (batch.isEmpty()) {
                inFlight.decrementAndGet(); // another thread took them; look again
                continue;
            }
            propose(batch, this::entryDone);
        }
    }

    /** Takes the next batch off the queue; only here is the queue taken from, under a lock, so peek then poll agree. */
    private List<Pending> take() {
        List<Pending> batch = new ArrayList<>();
        long bytes = 0;
        takeLock.lock();
        try {
            Pending p;
            while (batch.size() < maxRequests && (p = queue.peek()) != null) {
                if (!batch.isEmpty() && bytes + p.bytes() > maxBytes) {
                    break;
                }
                batch.add(queue.poll());
                bytes += p.bytes();
            }
        } finally {
            takeLock.unlock();
        }
        return batch;
    }

    private void entryDone() {
        inFlight.decrementAndGet();
        drain();
    }

    private void propose(List<Pending> requests, Runnable onDone) {
        LogEntry entry;
        if (requests.size() == 1) {
            entry = requests.get(0).entry();
        } else {
            Batch.Builder b = Batch.newBuilder();
            requests.forEach(r -> b.addEntries(r.entry()));
            entry = LogEntry.newBuilder().setBatch(b).build();
        }
        List<CompletableFuture<StoreResult>> waiting = new ArrayList<>(requests.size());
        requests.forEach(r -> waiting.add(r.result()));
        batchSizes.accept(requests.size());
        try {
            raft.accept(new Task(ByteBuffer.wrap(entry.toByteArray()), new ApplyClosure(entry, waiting, onDone)));
        } catch (RuntimeException e) {
            // jraft reports its refusals through the closure; anything thrown here never reached it
            waiting.forEach(f -> f.completeExceptionally(e));
            onDone.run();
        }
    }
}
