/**
 * Text-level SQL handling for statements before they reach SQLite: splitting a request's text into
 * statements ({@link io.raftlite.db.sql.SqlScript}) with SQLite's parameter numbering, classifying
 * statements as reads or writes and spotting {@code RETURNING} and refused PRAGMAs
 * ({@link io.raftlite.db.sql.StatementClassifier}), and making writes deterministic for
 * replication by rewriting {@code RANDOM()}, {@code RANDOMBLOB(N)} and {@code 'now'}
 * ({@link io.raftlite.db.sql.StatementRewriter}).
 *
 * <p>What it deliberately does not do: it is a lexer that follows SQLite's tokenizing rules, with
 * a few keyword-pattern heuristics on top, not a full SQL parser; it does not validate syntax or
 * resolve names, and text SQLite would reject is passed through for SQLite to report. It never talks
 * to SQLite or any database, and holds no state.
 */
package io.raftlite.db.sql;
