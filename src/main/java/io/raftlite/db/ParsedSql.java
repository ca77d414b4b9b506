package io.raftlite.db;

import io.raftlite.db.sql.SqlScript;
import io.raftlite.db.sql.SqlStatementText;
import io.raftlite.db.sql.StatementClassifier;
import java.util.List;

/**
 * What raftlite reads out of one piece of client SQL text before running it: its statements, and
 * (when asked) whether it ends with an empty statement and whether it is plain DML. Each is worked
 * out once per text; {@link Cache} keeps the recent texts of one connection, so a client that sends
 * the same SQL again (parameterised writes, every node applying the same entry) does not have it
 * tokenized again. Not thread-safe, like the connection it belongs to.
 *
 * <p>On a read connection, a text that is one bare statement ({@link SqlScript#isOneBareStatement})
 * is not kept: its statements are found without tokenizing, for about what a lookup costs, and reads
 * only ask for those. Keeping it cost memory over time instead: a connection that reads more such
 * texts than the cache holds (point reads that embed their key) replaced entries all the time, and
 * entries that lived that long had been moved to the old generation of the heap before they were
 * dropped (about 0.3 MB/s at 28,000 reads/s of a thousand texts, measured in a heap dump), which a
 * full collection then answers by growing the heap toward its cap. The read-write connection keeps
 * them: a write also asks {@link #plainDml}, which tokenizes, and a repeated bare write
 * ({@code UPDATE c SET n = n + 1 WHERE id = 1}) is then tokenized once.
 */
final class ParsedSql {
    private final String sql;
    private final List<SqlStatementText> pieces;
    private Boolean endsWithEmptyStatement;
    private Boolean plainDml;

    private ParsedSql(String sql) {
        this.sql = sql;
        this.pieces = SqlScript.split(sql);
    }

    /** The statements SQLite would run one after another ({@link SqlScript#split}). */
    List<SqlStatementText> pieces() {
        return pieces;
    }

    /** {@link SqlScript#endsWithEmptyStatement}. */
    boolean endsWithEmptyStatement() {
        if (endsWithEmptyStatement == null) {
            endsWithEmptyStatement = SqlScript.endsWithEmptyStatement(sql);
        }
        return endsWithEmptyStatement;
    }

    /** {@link StatementClassifier#isPlainDml}. */
    boolean plainDml() {
        if (plainDml == null) {
            plainDml = StatementClassifier.isPlainDml(sql);
        }
        return plainDml;
    }

    /**
     * The most recently used texts of one connection, at most {@code capacity}, bare statements
     * included only if {@code keepsBareStatements}.
     */
    static final class Cache {
        private final RecentlyUsed<String, ParsedSql> recent;
        private final boolean keepsBareStatements;

        Cache(int capacity, boolean keepsBareStatements) {
            this.recent = new RecentlyUsed<>(capacity, evicted -> { });
            this.keepsBareStatements = keepsBareStatements;
        }

        ParsedSql of(String sql) {
            if (!keepsBareStatements && SqlScript.isOneBareStatement(sql)) {
                return new ParsedSql(sql);
            }
            ParsedSql p = recent.get(sql);
            if (p == null) {
                p = new ParsedSql(sql);
                recent.put(sql, p);
            }
            return p;
        }
    }
}
