package io.raftlite.store;

/**
 * The request needs the leader and this node is not it. The HTTP layer then forwards, redirects or
 * answers {@code 503 leader not found}.
 */
public final class NotLeaderException extends RuntimeException {
    private final String leaderRaftAddress;

    /** @param leaderRaftAddress the leader's Raft address, or empty if no leader is known */
    public NotLeaderException(String leaderRaftAddress) {
        super(leaderRaftAddress.isEmpty() ? "leader not found" : "not leader");
        this.leaderRaftAddress = leaderRaftAddress;
    }

    public String leaderRaftAddress() {
        return leaderRaftAddress;
    }

    public boolean leaderKnown() {
        return !leaderRaftAddress.isEmpty();
    }
}
