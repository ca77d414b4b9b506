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
 * <p>Why the state machine rebuilds after a crash instead of storing its applied index in SQLite: a
 * bookkeeping table would be visible to every client (in {@code sqlite_master}, dumps and backups).
 * A clean shutdown records the applied index in a marker file, so the common restart skips replayed
 * entries; after a crash the database is restored from the last snapshot and the log replayed, which
 * is bounded by the snapshot threshold.
 */
package io.raftlite.store;
