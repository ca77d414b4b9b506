package io.raftlite.store;

import com.alipay.sofa.jraft.entity.Task;
import io.raftlite.command.Batch;
import io.raftlite.command.LogEntry;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Group commit on the leader: requests that arrive while earlier entries are still being committed
 * are proposed together as one {@code Batch} entry, so many clients share one log append, one fsync
 * and one replication round instead of paying for each. Every request is still applied as its own
 * request, in order, with its own results; nothing is acknowledged before its entry is committed
 * and applied, so durability is exactly that of one entry per request.
 *
 * <p>At most {@code maxInFlight} entries are proposed and not yet applied at any time. A request
 * that finds a free slot, with no gathering under way, is proposed at once, alone (a lone client
 * pays no wait and its entry is a plain one); otherwise it waits in the queue, and the next entry
 * to be applied frees a slot and proposes what is queued (up to {@code maxRequests} requests and
 * about {@code maxBytes}). So batches grow with the load by themselves.
 *
 * <p>Gathering: when an entry has been applied, the next one first waits, briefly, until the
 * clients it just answered have sent their next requests (see {@link #entryDone}). Without it,
 * clients under a steady load settle into two groups that take turns, each filling half an entry,
 * and every write pays for twice as many entries as it needs.
 *
 * <p>Loads and batches are never put into a batch. Thread-safe: whichever thread finds work and a
 * free slot (a submitting request, the state machine's thread completing an entry, or the timer
 * ending a gathering) proposes.
 */
final class GroupCommit {
    private record Pending(LogEntry entry, int bytes, CompletableFuture<StoreResult> result) {
    }

    private final Consumer<Task> raft;
    private final StoreMetrics metrics;
    private final int maxInFlight;
    private final int maxRequests;
    private final long maxBytes;
    /** The gap that ends a gathering is the gather time divided by this. */
    private static final int GAP_DIVISOR = 4;

    private final long gatherNanos;
    private final ScheduledExecutorService timer;
    private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final ReentrantLock takeLock = new ReentrantLock();
    private final long gapNanos;
    // The gathering state; written under takeLock, read without it by stillGathering().
    /** While gathering: the number of queued requests to wait for, else 0. */
    private volatile int gatherTarget;
    private volatile long gatherDeadline;
    /** When the last request was queued (System.nanoTime). */
    private volatile long lastArrival;
    /** Counts gatherings begun and ended, so a check that fires after its gathering ended does nothing. */
    private long gatherRound;
    private boolean closed;

    /**
     * @param raft proposes a task to Raft (jraft's {@code Node::apply})
     * @param metrics told the number of requests in each entry proposed, and each gathering that timed out
     * @param gatherNanos how long, at most, the next entry waits for the clients of the entry just
     *     applied to send their next requests (0: never waits)
     * @param timer ends a gathering whose clients did not all come back
     */
    GroupCommit(Consumer<Task> raft, StoreMetrics metrics, int maxInFlight, int maxRequests, long maxBytes,
            long gatherNanos, ScheduledExecutorService timer) {
        this.raft = raft;
        this.metrics = metrics;
        this.maxInFlight = Math.max(1, maxInFlight);
        this.maxRequests = Math.max(1, maxRequests);
        this.maxBytes = Math.max(1, maxBytes);
        this.gatherNanos = Math.max(0, gatherNanos);
        this.gapNanos = Math.max(1, this.gatherNanos / GAP_DIVISOR);
        this.timer = timer;
    }

    /** Proposes {@code entry}, alone or with others; the future completes when it is applied or has failed. */
    CompletableFuture<StoreResult> submit(LogEntry entry) {
        Pending p = new Pending(entry, entry.getSerializedSize(), new CompletableFuture<>());
        if (!batchable(entry)) {
            // Alone, outside the slots: a database load must not wait behind writes or delay them.
            propose(List.of(p), null);
            return p.result();
        }
        queue.add(p);
        if (gatherNanos > 0) {
            lastArrival = System.nanoTime();
        }
        queued.incrementAndGet();
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
     * Proposes queued requests while there are some, a slot is free and no gathering is under way.
     * The queue is checked after each slot is released, each request is queued and each gathering
     * ends, so a request never waits with a slot free once its entry's gathering is over.
     */
    private void drain() {
        while (!queue.isEmpty()) {
            if (stillGathering()) {
                return; // the last request awaited, or the timer's check, drains
            }
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
            long[] gathering = {-1};
            propose(batch, new ApplyClosure.Completion() {
                @Override
                public void beforeAnswers() {
                    gathering[0] = beginGathering(batch.size());
                }

                @Override
                public void afterAnswers() {
                    entryDone(gathering);
                }
            });
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
            queued.addAndGet(-batch.size());
            endGatheringLocked();
        } finally {
            takeLock.unlock();
        }
        return batch;
    }

    private boolean stillGathering() {
        int target = gatherTarget;
        return target > 0 && queued.get() < target && System.nanoTime() - gatherDeadline < 0;
    }

    /**
     * An entry of {@code requests} requests was applied, and its clients are about to be answered:
     * under a steady load they will send their next requests right after. The next entry waits for
     * them instead of going out with whatever is queued now; otherwise the clients split into two
     * groups that take turns, each filling half an entry. It goes as soon as they are all back, or
     * once no request has arrived for a gap (a quarter of the gather time: the clients still
     * missing paused or left), and at the latest after the gather time. A lone client never waits:
     * its own next request is all the entry waits for. This runs before any of them is answered,
     * so none of them can be in the queue yet and counted twice. Not after a failed entry: its
     * clients may go elsewhere, or not come back.
     */
    private long beginGathering(int requests) {
        if (gatherNanos <= 0 || requests <= 0) {
            return -1;
        }
        takeLock.lock();
        try {
            if (closed) {
                return -1;
            }
            long now = System.nanoTime();
            gatherDeadline = now + gatherNanos;
            lastArrival = now;
            gatherTarget = Math.min(maxRequests, queued.get() + requests);
            return ++gatherRound;
        } finally {
            takeLock.unlock();
        }
    }

    /** The entry's requests were answered (or failed): frees its slot, and watches its gathering. */
    private void entryDone(long[] gathering) {
        inFlight.decrementAndGet();
        try {
            drain();
        } finally {
            if (gathering[0] >= 0) {
                checkGatheringLater(gathering[0], gapNanos);
            }
        }
    }

    private void checkGatheringLater(long round, long delayNanos) {
        try {
            timer.schedule(() -> checkGathering(round), delayNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // The store is closing (its timer stops first): nothing else would end this gathering.
            endGathering(round);
            drain();
        }
    }

    /** Ends a gathering that hit its gap or its deadline; otherwise looks again when the gap could end. */
    private void checkGathering(long round) {
        long recheck = -1;
        boolean ended = false;
        takeLock.lock();
        try {
            if (gatherRound != round || gatherTarget == 0) {
                return; // it ended: its requests were all back and proposed
            }
            long now = System.nanoTime();
            long until = Math.min(lastArrival + gapNanos, gatherDeadline);
            if (now - until >= 0) {
                ended = endGatheringLocked();
            } else {
                recheck = until - now;
            }
        } finally {
            takeLock.unlock();
        }
        if (ended) {
            try {
                metrics.recordGatherTimeout();
            } finally {
                drain();
            }
        } else {
            checkGatheringLater(round, recheck);
        }
    }

    private void endGathering(long round) {
        takeLock.lock();
        try {
            if (round < 0 || gatherRound == round) {
                endGatheringLocked();
            }
        } finally {
            takeLock.unlock();
        }
    }

    /** Ends the gathering under way, if any (its pending check then does nothing); under takeLock. */
    private boolean endGatheringLocked() {
        if (gatherTarget == 0) {
            return false;
        }
        gatherTarget = 0;
        gatherRound++;
        return true;
    }

    /**
     * The store is closing: no entry waits for clients any more, and whatever is queued is proposed
     * now, to be committed or failed by Raft as it shuts down, instead of waiting for a timer that
     * has stopped.
     */
    void close() {
        takeLock.lock();
        try {
            closed = true;
        } finally {
            takeLock.unlock();
        }
        endGathering(-1);
        drain();
    }

    private void propose(List<Pending> requests, ApplyClosure.Completion completion) {
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
        ApplyClosure closure = completion == null
                ? new ApplyClosure(entry, waiting, () -> { })
                : new ApplyClosure(entry, waiting, completion);
        try {
            metrics.recordProposal(requests.size());
            raft.accept(new Task(ByteBuffer.wrap(entry.toByteArray()), closure));
        } catch (RuntimeException e) {
            // jraft reports most refusals through the closure, and a node shutting down does both;
            // the closure runs once either way
            closure.fail(e);
        }
    }
}
