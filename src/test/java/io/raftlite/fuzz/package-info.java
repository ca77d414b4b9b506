/**
 * Bad-input fuzzing of the HTTP API: random and mutated bodies, query strings, headers, methods,
 * paths and raw HTTP framing, sent over real sockets to real nodes, each answer judged by an oracle:
 * no 5xx except 503 (and the few 5xx the rqlite spec or HTTP itself prescribes, listed in
 * {@link io.raftlite.fuzz.Oracle}), well-formed JSON whenever JSON is announced, an answer within a
 * deadline, a node that stays alive, and a {@code sentinel} table that no fuzz request ever changes.
 *
 * <p>Every run has a seed (printed; {@code -Dfuzz.seed}, {@code -Dfuzz.iterations}, {@code -Dfuzz.case}
 * to replay one case), so a failure is reproducible; the bugs it found are replayed every run as
 * fixed {@link io.raftlite.fuzz.Regressions}.
 *
 * <p>Deliberately not here: load or concurrency testing (one request at a time, so that an answer can
 * be blamed on its request), fuzzing of the Raft/cluster RPC port, and checks of what a well-formed
 * request answers (the protocol ITs in {@code io.raftlite.it} do that). Fuzz inputs never name the
 * sentinel table, never hold a valid SQLite file and never open transactions, so any change to the
 * sentinel data is a bug, not a legitimate write.
 */
package io.raftlite.fuzz;
