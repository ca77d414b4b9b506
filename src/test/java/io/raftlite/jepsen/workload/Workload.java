package io.raftlite.jepsen.workload;

import io.raftlite.jepsen.checker.Report;
import io.raftlite.jepsen.history.History;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A kind of client load with the checker that judges it. The runner calls {@link #setUp} once,
 * then, from several client threads at once, {@link #next} to choose an operation, records the
 * invocation, calls {@link #perform} and records its {@link Outcome}; after the faults are healed
 * it performs {@link #finalReads} (retrying each until it is OK), then judges the history with
 * {@link #check}. Implementations are thread-safe.
 */
public interface Workload {

    /** A short name, used for the history file ({@code history-<name>.jsonl}) and the summary. */
    String name();

    /**
     * Creates the workload's tables and initial rows through {@code client}. Must be idempotent:
     * the runner repeats it until it returns true (an attempt whose outcome is unknown may have
     * applied).
     *
     * @return true once everything is in place
     */
    boolean setUp(SqlClient client);

    /** The next operation a client should invoke. */
    Invocation next(Random random);

    /** Performs {@code op} through {@code client} and says how it ended. Never throws for a cluster failure. */
    Outcome perform(SqlClient client, Invocation op);

    /** Feedback after {@link #perform}, for workloads that adapt (e.g. compare-and-set on a value seen). */
    default void completed(Invocation op, Outcome outcome) {
    }

    /** The reads to make once the cluster is healed, each retried until OK. */
    List<Invocation> finalReads();

    /** Judges a history of this workload (the run's operations plus the final reads). */
    Report check(History history);

    /**
     * Queries whose answers must be identical on every node once the cluster has converged (read
     * locally with {@code level=none}), by name: the replicas agree on this workload's data.
     */
    Map<String, String> replicaQueries();

    /**
     * Whether this workload's verdict decides the run. False for workloads that measure behaviour
     * the documentation allows (reads at {@code none} or {@code weak} may be stale): their verdict
     * is reported, not enforced.
     */
    default boolean judged() {
        return true;
    }

    /** Extra lines for the summary (e.g. how stale reads were), or null. */
    default String notes(History history) {
        return null;
    }

    /**
     * Whether the history shows enough successful operations for a verdict to mean something: a
     * run where everything failed is "valid" and proves nothing.
     *
     * @return null if enough, otherwise what is missing
     */
    String tooLittle(History history);
}
