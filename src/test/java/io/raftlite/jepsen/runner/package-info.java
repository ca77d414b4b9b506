/**
 * The runner of the Jepsen-style suite: {@link io.raftlite.jepsen.runner.JepsenRun} puts a cluster,
 * workloads, nemeses and checkers together into one run described by a
 * {@link io.raftlite.jepsen.runner.RunSpec} (cluster size, workloads, faults, duration, seed) and
 * returns a {@link io.raftlite.jepsen.runner.RunResult} with the verdict per workload, the faults
 * injected and every reason the run failed. {@code JepsenLongIT} is the long mode (30 minutes and
 * more of mixed faults, run by hand); {@code io.raftlite.jepsen.JepsenSuiteIT} is the short mode CI runs.
 *
 * <p>What it deliberately does not do: decide what an answer from raftlite means (the workload
 * package), which faults exist or how they are applied (the nemesis package), or what counts as an
 * anomaly (the checker package). It never retries a write, and it never turns an UNKNOWN verdict into
 * a pass.
 */
package io.raftlite.jepsen.runner;
