/**
 * Nemeses for the Jepsen-style suite: the faults a run injects into a
 * {@link io.raftlite.jepsen.cluster.JepsenCluster}, one kind per class, and the schedule that
 * alternates them with quiet periods.
 *
 * <p>A {@link io.raftlite.jepsen.nemesis.Nemesis} starts a fault and later heals exactly what it
 * did, so that nemeses compose ({@link io.raftlite.jepsen.nemesis.Combined}): network faults
 * change only their own links and give back the modes they found, process faults restart or resume
 * only the nodes they touched. Every start and stop is recorded in the cluster's event log with a
 * description naming the nodes and links, which the runner copies into its history. Random choices
 * come from the {@link java.util.Random} the caller passes, so a seed reproduces the sequence of
 * choices (the cluster's timing still varies from run to run).
 *
 * <p>The kinds: {@code kill -9} of a random node or of the leader, SIGSTOP/SIGCONT of a random node
 * or of the leader, partitions (majority/minority, bridge, isolated leader), message delay on every
 * link, and a crash of a node while it is writing a snapshot.
 *
 * <p>What it deliberately does not do: generate client operations, decide whether a run passed
 * (that is for the checkers), or retry a fault that could not be applied: a nemesis that found no
 * leader says so in its description and does nothing, and a node that does not come back after a
 * heal is a {@link io.raftlite.jepsen.cluster.ClusterEvent.Kind#PROBLEM} for the run to report.
 */
package io.raftlite.jepsen.nemesis;
