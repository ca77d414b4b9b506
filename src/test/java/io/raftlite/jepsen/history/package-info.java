/**
 * The history model of the fault-injection (Jepsen-style) suite: what client processes invoked, when,
 * through which node, and what they learned ({@link io.raftlite.jepsen.history.Operation}, paired into
 * {@link io.raftlite.jepsen.history.Call}s by {@link io.raftlite.jepsen.history.History}), the JSON
 * Lines file format ({@link io.raftlite.jepsen.history.HistoryWriter},
 * {@link io.raftlite.jepsen.history.HistoryReader}) and the thread-safe
 * {@link io.raftlite.jepsen.history.Recorder} a workload runner records through.
 *
 * <p>Deliberately not here: talking to raftlite, generating workloads, injecting faults (the runner
 * and nemeses build on this package) and judging histories ({@code io.raftlite.jepsen.checker}).
 */
package io.raftlite.jepsen.history;
