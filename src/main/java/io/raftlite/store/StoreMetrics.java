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

    /**
     * The leader's next entry stopped waiting for the clients of the entry before (group commit's
     * gathering: a gap with no requests, or the gather time) and went without some of them.
     */
    default void recordGatherTimeout() {
    }

    /** One snapshot saved, taking {@code nanos} from pin to copied. */
    default void recordSnapshot(long nanos) {
    }

    /** This node became leader ({@code true}) or stopped being leader. */
    default void leaderChanged(boolean leader) {
    }
}
