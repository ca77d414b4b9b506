package io.raftlite.jepsen.checker;

/**
 * A checker's verdict. {@link #UNKNOWN} means the checker could not decide (search budget exhausted,
 * nothing to judge); it must never be read as valid.
 */
public enum Validity {
    VALID,
    INVALID,
    UNKNOWN;

    /**
     * The verdict of several independent parts: one definite violation makes the whole invalid even if
     * other parts are unknown; otherwise any unknown part makes the whole unknown.
     */
    public Validity and(Validity other) {
        if (this == INVALID || other == INVALID) {
            return INVALID;
        }
        if (this == UNKNOWN || other == UNKNOWN) {
            return UNKNOWN;
        }
        return VALID;
    }
}
