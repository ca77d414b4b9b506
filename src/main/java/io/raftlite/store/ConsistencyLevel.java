package io.raftlite.store;

import java.util.Locale;

/** How fresh a read must be; see the spec's section 3. */
public enum ConsistencyLevel {
    /** Read the local copy, whatever its state (optionally bounded by freshness). */
    NONE,
    /** Read on the node that believes it is leader. The default. */
    WEAK,
    /** Confirm leadership with a quorum (read index), wait until applied, then read. */
    LINEARIZABLE,
    /** Send the read through the Raft log. */
    STRONG,
    /** WEAK on voters, NONE on read replicas. */
    AUTO;

    /** Parses a {@code level} query parameter: case-insensitive; unknown or absent means {@link #WEAK}. */
    public static ConsistencyLevel parse(String value) {
        if (value == null) {
            return WEAK;
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "none" -> NONE;
            case "linearizable" -> LINEARIZABLE;
            case "strong" -> STRONG;
            case "auto" -> AUTO;
            default -> WEAK;
        };
    }
}
