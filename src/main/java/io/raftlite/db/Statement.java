package io.raftlite.db;

import java.util.List;

/**
 * One element of a request: SQL text (possibly several {@code ;}-separated statements) and its
 * parameters, already rewritten to be deterministic where that was asked for.
 *
 * @param sql the text as the client sent it (after rewriting)
 * @param parameters positional and named parameters in the order given
 * @param returnsRows true if the statement must be run as a query even on the write path
 *     ({@code RETURNING}); false lets the database decide from the text
 */
public record Statement(String sql, List<Parameter> parameters, boolean returnsRows) {
    public Statement {
        parameters = List.copyOf(parameters);
    }

    public static Statement of(String sql) {
        return new Statement(sql, List.of(), false);
    }
}
