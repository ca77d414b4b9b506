package io.raftlite.jepsen.runner;

import io.raftlite.jepsen.history.Operation;
import io.raftlite.jepsen.history.Recorder;
import io.raftlite.jepsen.workload.Invocation;
import io.raftlite.jepsen.workload.Outcome;
import io.raftlite.jepsen.workload.SqlClient;
import io.raftlite.jepsen.workload.Workload;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;

/**
 * One client of a run: a thread bound to one node that invokes the workload's operations one after
 * another and records each one, as a Jepsen process does. After an INFO the process id is retired
 * (its operation may still take effect) and the worker continues as a fresh process. After a
 * failure it pauses briefly, so that a node without a leader is not hammered in a tight loop.
 */
final class ClientWorker implements Runnable {
    private static final Duration BACKOFF = Duration.ofMillis(100);

    private final Workload workload;
    private final Recorder recorder;
    private final SqlClient client;
    private final AtomicInteger processIds;
    private final Random random;
    private final BooleanSupplier stop;
    private final Counters counters;
    private volatile Throwable error;

    /** Live counts per outcome, for progress lines. */
    static final class Counters {
        final LongAdder ok = new LongAdder();
        final LongAdder fail = new LongAdder();
        final LongAdder info = new LongAdder();

        String render() {
            return ok.sum() + " ok, " + fail.sum() + " fail, " + info.sum() + " info";
        }
    }

    ClientWorker(Workload workload, Recorder recorder, SqlClient client, AtomicInteger processIds, Random random,
            BooleanSupplier stop, Counters counters) {
        this.workload = workload;
        this.recorder = recorder;
        this.client = client;
        this.processIds = processIds;
        this.random = random;
        this.stop = stop;
        this.counters = counters;
    }

    /** An unexpected exception that ended the worker (a runner or workload bug), or null. */
    Throwable error() {
        return error;
    }

    @Override
    public void run() {
        int process = processIds.getAndIncrement();
        try {
            while (!stop.getAsBoolean()) {
                Invocation op = workload.next(random);
                Outcome outcome = perform(recorder, workload, client, process, op);
                switch (outcome.type()) {
                    case OK -> counters.ok.increment();
                    case FAIL -> counters.fail.increment();
                    default -> counters.info.increment();
                }
                if (outcome.type() == Operation.Type.INFO) {
                    process = processIds.getAndIncrement();
                }
                if (!outcome.isOk()) {
                    pause(BACKOFF);
                }
            }
        } catch (Throwable t) {
            error = t;
        }
    }

    /**
     * Records the invocation of {@code op} by {@code process} through {@code client}, performs it and
     * records how it ended. A workload exception is recorded as INFO (nothing is known) and rethrown.
     */
    static Outcome perform(Recorder recorder, Workload workload, SqlClient client, int process, Invocation op) {
        Operation inv = recorder.invoke(process, op.function(), op.key(), op.value(), client.nodeId());
        Outcome outcome;
        try {
            outcome = workload.perform(client, op);
        } catch (RuntimeException e) {
            recorder.info(inv, "client error: " + e);
            throw e;
        }
        switch (outcome.type()) {
            case OK -> {
                if (op.level() != null) {
                    recorder.ok(inv, outcome.value()); // a read: what it returned
                } else {
                    recorder.ok(inv);
                }
            }
            case FAIL -> recorder.fail(inv, outcome.error());
            default -> recorder.info(inv, outcome.error());
        }
        workload.completed(op, outcome);
        return outcome;
    }

    private static void pause(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
