package io.raftlite.store;

/**
 * What the store reports as it works, for whoever measures it (the {@code metrics} package binds
 * this to Micrometer). Implementations must be thread-safe and cheap: they are called on the apply
 * thread.
 */
public interface StoreMetrics {
    StoreMetrics NONE = new StoreMetrics() {
    };

    /** One log entry applied to SQLite, taking {@code nanos}. */
    default void recordApply(long nanos) {
    }

    /** One entry proposed by this leader, carrying {@code requests} client requests (group commit). */
    default void recordProposal(int requests) {
    }

    /** One snapshot saved, taking {@code nanos} from pin to copied. */
    default void recordSnapshot(long nanos) {
    }

    /** This node became leader ({@code true}) or stopped being leader. */
    default void leaderChanged(boolean leader) {
    }
}
