/**
 * The rqlite-compatible HTTP API: routing with rqlite's prefix rules, query-string flags, request
 * bodies, JSON rendering of results, status codes, CORS and version headers, and the OpenAPI
 * description of every endpoint.
 *
 * <p>Deliberately thin: it never touches SQLite or Raft directly. It parses, asks the store, and
 * renders. The one piece of policy here is what to do when the store answers "not leader" (forward,
 * redirect or 503), because that is an HTTP concern.
 *
 * <p>The data endpoints never hold a container thread while the store or the leader works: they
 * take the store's futures and answer through servlet async processing, on a container thread
 * (docs/architecture.md, "Container threads").
 */
package io.raftlite.http;
