package io.raftlite.jepsen.history;

/**
 * The names of operation functions the checkers understand, with the shape of their values. Names are
 * plain strings in the history (not an enum) so that a new workload can record operations no checker
 * knows yet without changing the file format.
 */
public final class Functions {
    /** Register read. Invoke: nil. OK: the value read, nil if the row is missing. */
    public static final String READ = "read";
    /** Register write (insert or replace). Invoke: the value. */
    public static final String WRITE = "write";
    /**
     * Register compare-and-set ({@code UPDATE ... WHERE value = expected}). Invoke: {@code [expected, new]}.
     * OK: one row matched. FAIL: no row matched (so it did not happen).
     */
    public static final String CAS = "cas";
    /** Set insert. Invoke: the element (unique per attempt). */
    public static final String ADD = "add";
    /** Read of the whole set. Invoke: nil. OK: the list of elements read. */
    public static final String READ_ALL = "read-all";
    /** Bank transfer in one {@code transaction} request. Invoke: {@code {"from":a,"to":b,"amount":n}}. */
    public static final String TRANSFER = "transfer";
    /** Read of all bank balances. Invoke: nil. OK: {@code {"<account>":balance, ...}}. */
    public static final String READ_BALANCES = "read-balances";

    private Functions() {
    }
}
