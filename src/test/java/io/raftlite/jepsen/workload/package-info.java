/**
 * The client side of the Jepsen-style suite: what the concurrent clients do to raftlite, and how
 * each answer is turned into a history event (OK, FAIL or INFO).
 *
 * <p>{@link io.raftlite.jepsen.workload.SqlClient} sends one request to one node and says what the
 * answer proves: a definite result, a request that was never sent, or an outcome nobody can know.
 * The workloads build on it: {@link io.raftlite.jepsen.workload.RegisterWorkload} (read, write and
 * compare-and-set on many independent registers, read at {@code linearizable} or {@code strong}),
 * {@link io.raftlite.jepsen.workload.SetWorkload} (unique inserts, then reads of the whole set) and
 * {@link io.raftlite.jepsen.workload.BankWorkload} (transfers in one {@code transaction} request,
 * reads of every balance). Each one names the checker that judges its history; register reads at
 * {@code weak} or {@code none} are measured instead ({@link io.raftlite.jepsen.workload.Staleness}:
 * how stale they were, at least), since those levels allow stale reads.
 *
 * <p>The rule that matters most is in {@link io.raftlite.jepsen.workload.SqlClient}: a write whose
 * outcome is unknown is recorded as INFO, never as FAIL. A FAIL tells the checker the operation did
 * not happen, so one wrong FAIL can turn a correct database into a reported anomaly, or hide one.
 *
 * <p>What it deliberately does not do: start nodes, inject faults, schedule clients, record or
 * check histories (the cluster, nemesis, runner, history and checker packages do).
 */
package io.raftlite.jepsen.workload;
