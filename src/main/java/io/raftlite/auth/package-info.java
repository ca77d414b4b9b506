/**
 * Who may do what: the rqlite users file, its permissions and the check a request passes before it
 * is served. The rules are rqlite's, quirks included (the pseudo-user {@code *}, 401 and never 403).
 *
 * <p>Deliberately not here: where credentials come from (the HTTP layer reads the Basic header) and
 * TLS termination.
 */
package io.raftlite.auth;
