/**
 * The node: a SOFAJRaft node whose replicated state machine is the SQLite database, plus the
 * consistency levels and queued writes.
 *
 * <p>For every request the store decides whether it can be served here at the consistency asked
 * for: writes and strong reads go through the log on the leader; linearizable reads confirm
 * leadership with a read index; weak reads need the leader's own belief; {@code none} reads are
 * local. When the leader is needed and this node is not it, the store says so
 * ({@link io.raftlite.store.NotLeaderException}); it never forwards by itself and knows nothing of
 * HTTP.
 *
 * <h2>Durability</h2>
 *
 * <p>Every write is one protobuf log entry ({@code src/main/proto/raftlite.proto}). A client is
 * answered only after its entry is committed and applied, and jraft's {@code sync} option (on unless
 * {@code -raft-no-sync}) fsyncs the log before an entry counts as committed, so an acknowledged
 * write is on disk in the log even though SQLite itself runs with {@code synchronous=OFF}.
 *
 * <p>jraft replays every entry after the last snapshot on each start. Why the state machine rebuilds
 * after a crash instead of storing its applied index in SQLite: a bookkeeping table would be visible
 * to every client (in {@code sqlite_master}, dumps and backups). Instead:
 * <ul>
 *   <li>A clean shutdown ({@link io.raftlite.store.Store#close()}) waits for jraft to stop, which
 *       applies every committed entry and finishes a running snapshot copy, closes the database,
 *       fsyncs it and then writes {@code db/clean-shutdown} holding the applied index. On the next
 *       start replayed entries up to that index are skipped. The marker is not written if the wait
 *       was interrupted or the state machine had failed, and it is removed (and the removal
 *       fsynced) before anything is applied, so a crash later is never mistaken for a clean stop.
 *   <li>After a crash (no marker) the database file is deleted and rebuilt from the last snapshot
 *       plus the log, which is bounded by the snapshot threshold. Scratch files a killed node left
 *       behind are removed.
 * </ul>
 *
 * <p>The state machine never lets an exception escape {@code onApply}: jraft would lose the batch's
 * closures and hand the same entries over again with the next commit, applying some twice. SQL errors
 * are results (the entry still counts as applied, so replicas stay identical); anything else (an I/O
 * failure, an undecodable entry) rolls the entry back and stops the node applying, and a restart
 * retries it. {@code /db/load} checks the SQLite file before proposing it, because a load entry that
 * cannot be applied would fail on every replica and every restart.
 *
 * <h2>Group commit</h2>
 *
 * <p>The leader keeps at most {@code proposals-in-flight} entries proposed and not yet applied; requests
 * that arrive meanwhile go together into the next entry as a {@code Batch}
 * ({@link io.raftlite.store.GroupCommit}), and the state machine applies each as its own request.
 * The database may run the plain writes of one entry in one SQLite transaction
 * ({@link io.raftlite.db.Database#executeGroup}), which gives every request the results it would have
 * alone.
 *
 * <h2>Replication links</h2>
 *
 * <p>SOFAJRaft's transport can fail to reconnect the leader to a follower that was down;
 * {@link io.raftlite.store.ReplicationLinks} notices a peer without a connection and re-creates it
 * (docs/reliability.md has the finding). A follower handles AppendEntries on the network thread
 * that read it, one at a time ({@link io.raftlite.store.ReplicationThreads}), which saves a write a
 * thread hand-off; the leader keeps SOFAJRaft's threads for the answers (see that class for why).
 *
 * <h2>The Raft log's memory</h2>
 *
 * <p>SOFAJRaft keeps the log in RocksDB, whose memtables are native memory outside the heap cap;
 * {@link io.raftlite.store.LogStorageOptions} sizes them for a node that shares its machine
 * ({@code log-memtable-bytes}) before the first node of the process starts.
 *
 * <h2>Snapshots</h2>
 *
 * <p>Taken when the applied index is {@code snapshot-threshold} entries past the last snapshot
 * (checked every {@code snapshot-interval}) or on {@code POST /snapshot}. The apply thread only
 * checkpoints the WAL and pins the current state in a read transaction; a background thread copies the
 * pinned state with SQLite's online backup while writes go on. A failed copy is reported to jraft as
 * a non-fatal error (never {@code EIO}, which jraft treats as fatal): the log is just not compacted
 * that time. A node killed during a copy starts from the previous snapshot; jraft discards the
 * unfinished one. jraft compacts the log up to the snapshot before the latest one.
 *
 * <h2>Quorum-loss recovery</h2>
 *
 * <p>An operator's {@code raft/peers.json} (rqlite's format) replaces the voter set when the node
 * starts ({@link io.raftlite.store.PeersRecovery}): the file is checked before any data is touched,
 * the configuration is reset in memory with jraft's {@code resetPeers}, and the file is renamed only
 * once a leader has committed an entry under the new configuration, so a restart before that applies
 * it again instead of losing it.
 */
package io.raftlite.store;
