package io.raftlite.db.sql;

import java.util.ArrayList;
import java.util.List;

/**
 * Groups tokens into statements the way SQLite's {@code sqlite3_complete()} does: a top-level
 * {@code ;} ends a statement, except inside the body of {@code CREATE [TEMP] TRIGGER ... BEGIN ... END},
 * which ends only at an {@code END} that directly follows a {@code ;}. Because a statement inside a
 * trigger body can never start with {@code END}, {@code CASE ... END} and columns named {@code end}
 * inside the body do not confuse it.
 */
final class StatementSplitter {
    private StatementSplitter() {
    }

    /**
     * The significant tokens of each statement, without the separating semicolons (semicolons inside
     * a trigger body are kept). Statements with no significant token are dropped.
     */
    static List<List<Token>> split(List<Token> tokens) {
        List<List<Token>> statements = new ArrayList<>();
        List<Token> current = new ArrayList<>();
        boolean sawBegin = false;
        for (Token token : tokens) {
            if (!token.isSignificant()) {
                continue;
            }
            if (token.type() == Token.Type.SEMICOLON) {
                if (sawBegin && isTrigger(current) && !triggerBodyClosed(current)) {
                    current.add(token);
                    continue;
                }
                if (!current.isEmpty()) {
                    statements.add(current);
                    current = new ArrayList<>();
                }
                sawBegin = false;
                continue;
            }
            sawBegin |= token.isWord("BEGIN");
            current.add(token);
        }
        if (!current.isEmpty()) {
            statements.add(current);
        }
        return statements;
    }

    /** Index of the first token after an {@code EXPLAIN} or {@code EXPLAIN QUERY PLAN} prefix. */
    static int skipExplain(List<Token> statement) {
        if (statement.isEmpty() || !statement.get(0).isWord("EXPLAIN")) {
            return 0;
        }
        if (statement.size() > 2 && statement.get(1).isWord("QUERY") && statement.get(2).isWord("PLAN")) {
            return 3;
        }
        return 1;
    }

    /** True if the statement starts with {@code [EXPLAIN [QUERY PLAN]] CREATE [TEMP|TEMPORARY] TRIGGER}. */
    static boolean isTrigger(List<Token> statement) {
        int i = skipExplain(statement);
        if (i >= statement.size() || !statement.get(i).isWord("CREATE")) {
            return false;
        }
        i++;
        if (i < statement.size() && (statement.get(i).isWord("TEMP") || statement.get(i).isWord("TEMPORARY"))) {
            i++;
        }
        return i < statement.size() && statement.get(i).isWord("TRIGGER");
    }

    private static boolean triggerBodyClosed(List<Token> statement) {
        int n = statement.size();
        if (n < 2 || !statement.get(n - 1).isWord("END")) {
            return false;
        }
        Token before = statement.get(n - 2);
        return before.type() == Token.Type.SEMICOLON || before.isWord("BEGIN");
    }
}
