package io.raftlite.jepsen.checker;

/**
 * What every checker returns: a verdict, the operation counts it was based on and a short summary for
 * humans (a few lines, printed by the runner and kept beside the history file).
 */
public interface Report {
    /** The workload the checker judges, e.g. "registers", "set", "bank". */
    String workload();

    Validity validity();

    OpCounts counts();

    /** A few lines: verdict, counts, and for a violation what is wrong, with the operations involved. */
    String summary();

    default boolean isValid() {
        return validity() == Validity.VALID;
    }
}
