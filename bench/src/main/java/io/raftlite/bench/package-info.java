/**
 * raftlite-bench: a closed-loop HTTP load generator that measures raftlite and the systems it is
 * compared with (rqlite, etcd's HTTP/JSON gateway, dqlite-demo) with the same client code.
 *
 * <p>What it does: each client thread owns one keep-alive HTTP/1.1 connection and sends the next
 * request as soon as the previous answer arrived; a run is bounded by a request count and by a
 * duration, after an unmeasured warm-up. It reports throughput (successful requests and SQL
 * statements per second), latency percentiles (p50/p99/p999), errors, and the CPU the server
 * processes spent per request, read from {@code /proc/<pid>/stat}; as a table and as JSON.
 *
 * <p>What it deliberately does not do: no open-loop (fixed-rate) load, so it does not measure
 * coordinated-omission-corrected latency; no TLS, no authentication, no HTTP redirects (point it
 * at the node that should answer); no cluster management (bench/compare.py starts and stops the
 * clusters); no correctness checking beyond counting error answers (the Jepsen suite does that);
 * no third-party libraries, so the JSON it writes is produced by hand.
 */
package io.raftlite.bench;
