package io.raftlite.config;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Everything a user can tune, bound from {@code raftlite.*} properties (and from rqlited-style flags,
 * which {@link RqliteFlags} translates into those properties). The defaults start a working
 * single node: HTTP on {@code localhost:4001}, Raft on {@code localhost:4002}, data under
 * {@code ./raftlite-data}.
 *
 * @param nodeId unique, never-changing node ID; empty means the advertised Raft address
 * @param httpAdvAddr the HTTP address other nodes and clients are told; empty means the bind address
 * @param raftAddr the address the Raft and cluster RPC listener binds to
 * @param raftAdvAddr the Raft address other nodes are told; empty means {@code raftAddr}
 * @param dataDir where the Raft log, snapshots and SQLite file live
 * @param foreignKeys enforce foreign key constraints ({@code -fk})
 * @param allowOrigin value of {@code Access-Control-Allow-Origin}; empty for none
 * @param authFile path of an rqlite users file; empty disables authentication
 * @param raft Raft tuning
 * @param cluster how the node finds and joins its cluster
 * @param writeQueue queued-write tuning
 */
@ConfigurationProperties("raftlite")
public record RaftliteProperties(
        @DefaultValue("") String nodeId,
        @DefaultValue("") String httpAdvAddr,
        @DefaultValue("localhost:4002") String raftAddr,
        @DefaultValue("") String raftAdvAddr,
        @DefaultValue("raftlite-data") Path dataDir,
        @DefaultValue("false") boolean foreignKeys,
        @DefaultValue("") String allowOrigin,
        @DefaultValue("") String authFile,
        @DefaultValue Raft raft,
        @DefaultValue Cluster cluster,
        @DefaultValue WriteQueue writeQueue) {

    /**
     * Raft tuning.
     *
     * @param electionTimeout how long a follower waits for a leader before standing for election
     * @param applyTimeout how long a write waits to be committed and applied
     * @param snapshotThreshold take a snapshot once this many entries were applied since the last one
     * @param snapshotInterval how often the snapshot threshold is checked
     * @param sync fsync the Raft log on every append
     * @param readPoolSize number of read-only SQLite connections
     * @param statementCacheBytes memory that the prepared statements the SQLite connections keep for
     *     reuse may take together, estimated from their text (about 2.5 KB for a short point read)
     * @param nonVoter join as a read replica (a SOFAJRaft learner) that neither votes nor counts for quorum
     * @param shutdownStepdown a leader hands leadership over before it shuts down
     * @param clusterRemoveShutdown a node removes itself from the cluster when it shuts down
     * @param proposalsInFlight entries a leader has proposed and not yet applied, at most; requests
     *     arriving meanwhile are proposed together in the next entry (group commit)
     * @param proposalMaxRequests client requests in one entry, at most
     * @param proposalMaxBytes size of one entry holding several requests, about at most (a larger
     *     request goes alone)
     * @param proposalGatherTime how long, at most, a leader's next entry waits for the clients of
     *     the entry just applied to send their next requests, so that they share it (0 never waits;
     *     a lone client never waits)
     * @param logMemtableBytes size of one in-memory table of the Raft log's RocksDB; each of its
     *     two column families holds at most two of them before they are flushed to disk
     */
    public record Raft(
            @DefaultValue("1s") Duration electionTimeout,
            @DefaultValue("10s") Duration applyTimeout,
            @DefaultValue("8192") long snapshotThreshold,
            @DefaultValue("10s") Duration snapshotInterval,
            @DefaultValue("true") boolean sync,
            @DefaultValue("16") int readPoolSize,
            @DefaultValue("16777216") long statementCacheBytes,
            @DefaultValue("false") boolean nonVoter,
            @DefaultValue("true") boolean shutdownStepdown,
            @DefaultValue("false") boolean clusterRemoveShutdown,
            @DefaultValue("1") int proposalsInFlight,
            @DefaultValue("256") int proposalMaxRequests,
            @DefaultValue("1048576") long proposalMaxBytes,
            @DefaultValue("4ms") Duration proposalGatherTime,
            @DefaultValue("8388608") long logMemtableBytes) {
    }

    /**
     * How a node finds its cluster on first start.
     *
     * @param join Raft addresses of nodes to join (or, with bootstrapExpect, of all expected nodes)
     * @param bootstrapExpect form a new cluster once this many nodes (this one included) know of each other
     * @param bootstrapExpectTimeout give up bootstrapping after this long
     * @param joinAttempts tries per join target
     * @param joinInterval pause between join attempts
     * @param joinAs user (from the users file) whose credentials join requests carry
     * @param discoMode {@code dns} to find the peers from the A records of a name; empty for none
     * @param discoConfig for {@code dns}: inline JSON {@code {"name":"..."}} or a file holding it
     */
    public record Cluster(
            @DefaultValue("") java.util.List<String> join,
            @DefaultValue("0") int bootstrapExpect,
            @DefaultValue("120s") Duration bootstrapExpectTimeout,
            @DefaultValue("5") int joinAttempts,
            @DefaultValue("3s") Duration joinInterval,
            @DefaultValue("") String joinAs,
            @DefaultValue("") String discoMode,
            @DefaultValue("") String discoConfig) {
    }

    /**
     * Queued writes ({@code /db/execute?queue}).
     *
     * @param capacity requests that may wait before new ones block
     * @param batchSize requests sent together as one write
     * @param timeout longest a request waits for its batch to fill
     * @param transaction run each batch in one transaction
     */
    public record WriteQueue(
            @DefaultValue("1024") int capacity,
            @DefaultValue("128") int batchSize,
            @DefaultValue("50ms") Duration timeout,
            @DefaultValue("false") boolean transaction) {
    }

    /** The Raft address advertised to peers. */
    public String advertisedRaftAddr() {
        return raftAdvAddr.isBlank() ? raftAddr : raftAdvAddr;
    }

    /** The node ID, which defaults to the advertised Raft address as in rqlited. */
    public String effectiveNodeId() {
        return nodeId.isBlank() ? advertisedRaftAddr() : nodeId;
    }
}
