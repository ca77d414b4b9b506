/**
 * The cluster under test for the Jepsen-style fault-injection suite: 3 or 5 raftlite nodes as
 * separate JVMs on this machine, with every directed Raft link running through a TCP proxy that can
 * cut or delay it.
 *
 * <p>How the links are put between the nodes: every node advertises a Raft name
 * ({@code n2.jepsen:<raft port>}) instead of an address. Each JVM reads its own hosts file
 * ({@code -Djdk.net.hosts.file}, lookups not cached), which maps its own name to 127.0.0.1 and every
 * peer's name to a loopback address of its own, 127.0.&lt;from&gt;.&lt;to&gt;, where the
 * {@link io.raftlite.jepsen.cluster.LinkProxy} for that link listens on the peer's Raft port and
 * forwards to the peer's real listener. SOFAJRaft and Bolt resolve peer names through
 * {@code java.net}, so all Raft traffic, and the forwarded client requests and joins that travel on
 * the Raft port, pass the proxies; {@link io.raftlite.jepsen.cluster.RaftLinks} controls them. HTTP
 * is not proxied: clients reach each node directly.
 *
 * <p>Entry points: {@link io.raftlite.jepsen.cluster.JepsenCluster#start} with
 * {@link io.raftlite.jepsen.cluster.ClusterOptions}; {@link io.raftlite.jepsen.cluster.ClusterNode}
 * for one process (kill -9, SIGSTOP/SIGCONT, restart, status); the
 * {@link io.raftlite.jepsen.cluster.EventLog} records every fault and repair with a timestamp so a
 * runner can put them into its history.
 *
 * <p>What it deliberately does not do: generate client load, record operations or check histories
 * (the workload, history and checker packages do), decide which faults to inject and when (the
 * {@code io.raftlite.jepsen.nemesis} package does), or use network namespaces, iptables or
 * anything else that needs more than loopback sockets. It does not reach into the nodes: everything
 * it knows about them comes from their HTTP API, their logs, their data directories and their PIDs.
 */
package io.raftlite.jepsen.cluster;
