package io.raftlite.jepsen.cluster;

import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * What one node says about itself at {@code GET /status?key=store}: its Raft role, term, indexes and
 * whom it takes for the leader. A node's own view, which during a partition may be stale.
 *
 * @param nodeId the node's ID
 * @param raftState {@code Leader}, {@code Follower}, {@code Candidate} or {@code Shutdown}
 * @param term current Raft term
 * @param leaderAddr the Raft address of the leader it knows, empty if none
 * @param commitIndex highest log index it knows to be committed
 * @param appliedIndex highest log index it has applied
 * @param lastLogIndex highest index in its log
 * @param lastSnapshotIndex index of its latest snapshot
 * @param ready what {@code /readyz} would say
 * @param members Raft addresses of the voters in its configuration
 */
public record NodeStatus(String nodeId, String raftState, long term, String leaderAddr, long commitIndex,
        long appliedIndex, long lastLogIndex, long lastSnapshotIndex, boolean ready, List<String> members) {

    public boolean isLeader() {
        return "Leader".equals(raftState);
    }

    /** Parses the {@code store} object of {@code /status}. */
    public static NodeStatus parse(JsonNode store) {
        JsonNode raft = store.path("raft");
        List<String> members = new ArrayList<>();
        store.path("nodes").forEach(n -> {
            if ("voter".equals(n.path("suffrage").asString(""))) {
                members.add(n.path("addr").asString(""));
            }
        });
        return new NodeStatus(store.path("node_id").asString(""), raft.path("state").asString(""),
                raft.path("term").asLong(-1), store.path("leader").path("addr").asString(""),
                raft.path("commit_index").asLong(-1), raft.path("applied_index").asLong(-1),
                raft.path("last_log_index").asLong(-1), raft.path("last_snapshot_index").asLong(-1),
                store.path("ready").asBoolean(false), List.copyOf(members));
    }

    @Override
    public String toString() {
        return nodeId + "{" + raftState + " term=" + term + " leader=" + (leaderAddr.isEmpty() ? "-" : leaderAddr)
                + " commit=" + commitIndex + " applied=" + appliedIndex + " last=" + lastLogIndex + " snap="
                + lastSnapshotIndex + (ready ? " ready" : "") + "}";
    }
}
