/**
 * The cluster service on the Raft port and everything a node does with its peers: start-up (resume,
 * single node, join, {@code bootstrap-expect}, DNS discovery), node metadata, membership changes,
 * leader stepdown, and forwarding requests to the leader.
 *
 * <p>What it deliberately does not do: decide what needs the leader (the store says "not leader"),
 * or store anything about HTTP addresses in Raft. Following rqlite 6.0, a node that needs the
 * leader's URL or answer asks the leader at that moment. Forwarded HTTP requests are replayed by the
 * leader against its own API, so there is exactly one implementation of every endpoint.
 *
 * <p>Why protobuf envelopes with a custom Bolt serializer: SOFAJRaft's own protobuf registry only
 * knows its built-in messages, and Bolt's default (Hessian) would deserialise arbitrary classes from
 * the network. The serializer here decodes exactly two message classes.
 */
package io.raftlite.cluster;
