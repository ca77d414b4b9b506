/**
 * The rqlite-compatible HTTP API: routing with rqlite's prefix rules, query-string flags, request
 * bodies, JSON rendering of results, status codes, CORS and version headers, and the OpenAPI
 * description of every endpoint.
 *
 * <p>Deliberately thin: it never touches SQLite or Raft directly. It parses, asks the store, and
 * renders. The one piece of policy here is what to do when the store answers "not leader" (forward,
 * redirect or 503), because that is an HTTP concern.
 */
package io.raftlite.http;
