package io.raftlite.db.sql;

import java.util.Map;

/**
 * One complete SQL statement cut out of a longer text, as SQLite would prepare it.
 *
 * @param sql the statement text (without the separating semicolon), never blank
 * @param parameterCount what {@code sqlite3_bind_parameter_count} reports for it: the largest
 *     parameter index used
 * @param namedParameterIndexes the index SQLite assigns to each named parameter, keyed by the
 *     parameter as written including its prefix ({@code ":name"}, {@code "@name"}, {@code "$name"})
 */
public record SqlStatementText(String sql, int parameterCount, Map<String, Integer> namedParameterIndexes) {
    public SqlStatementText {
        namedParameterIndexes = Map.copyOf(namedParameterIndexes);
    }
}
