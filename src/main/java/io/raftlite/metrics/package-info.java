/**
 * Micrometer meters ({@code raftlite_*} in Prometheus) and the readiness health indicator.
 *
 * <p>Gauges read the store when scraped rather than being pushed, so the hot path only records
 * timers. Liveness deliberately does not depend on the cluster: a node without a leader is alive and
 * restarting it would not help.
 */
package io.raftlite.metrics;
