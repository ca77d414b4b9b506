/**
 * The replicated log entry format and the internal RPC messages, as protobuf (generated from
 * {@code src/main/proto/raftlite.proto}), and their conversion to and from the database's value
 * types.
 *
 * <p>Deliberately no business logic: what an entry means when applied is the store's concern.
 * Entries are compact (protobuf, gzip for whole database files) because every byte is written to the
 * log and sent to every replica.
 */
package io.raftlite.command;
