package io.raftlite.db.sql;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/** Cheap, parse-free facts about statement text, from its tokens. Thread-safe, stateless. */
public final class StatementClassifier {
    private static final Set<String> TRANSACTION_CONTROL =
            Set.of("BEGIN", "COMMIT", "END", "ROLLBACK", "SAVEPOINT", "RELEASE");
    private static final Set<String> WRITE_VERBS = Set.of("INSERT", "UPDATE", "DELETE", "REPLACE");
    private static final Set<String> WITH_MAIN_VERBS =
            Set.of("SELECT", "VALUES", "INSERT", "UPDATE", "DELETE", "REPLACE");
    /** Pragmas whose parenthesised argument names what to report rather than a value to set. */
    private static final Set<String> READ_PRAGMAS_WITH_ARGUMENT = Set.of(
            "table_info", "table_xinfo", "table_list", "index_info", "index_xinfo", "index_list",
            "foreign_key_list", "foreign_key_check", "integrity_check", "quick_check");
    /** Pragmas that change the database even without an argument. */
    private static final Set<String> ACTION_PRAGMAS = Set.of("optimize", "incremental_vacuum", "wal_checkpoint");
    /** Pragmas rqlite refuses to set; {@code wal_checkpoint} is refused in any form. */
    private static final Set<String> DISALLOWED_SETTINGS =
            Set.of("journal_mode", "wal_autocheckpoint", "synchronous", "query_only");
    /** Words after which {@code RETURNING} must be a name (table, column), not the clause. */
    private static final Set<String> NAME_CONTEXT_WORDS = Set.of(
            "INTO", "FROM", "UPDATE", "INSERT", "REPLACE", "OR", "AS", "JOIN", "SET", "WHERE", "ON", "AND",
            "NOT", "IS", "IN", "BY", "WHEN", "THEN", "ELSE", "LIKE", "GLOB", "BETWEEN");

    private StatementClassifier() {
    }

    /**
     * True if every statement in {@code sql} only reads: {@code SELECT}, {@code VALUES}, any
     * {@code EXPLAIN}, {@code WITH ... SELECT}, transaction control ({@code BEGIN}, {@code COMMIT},
     * {@code END}, {@code ROLLBACK}, {@code SAVEPOINT}, {@code RELEASE}, as
     * {@code sqlite3_stmt_readonly} reports them), and a {@code PRAGMA} that neither assigns
     * ({@code = value}), nor passes an argument to a setting (only reporting pragmas such as
     * {@code table_info(t)} may take one), nor is an action ({@code optimize},
     * {@code incremental_vacuum}, {@code wal_checkpoint}). Text without any statement is read-only.
     * Anything else, including unrecognised text, counts as a write.
     *
     * @param sql SQL text, possibly several statements, not null
     */
    public static boolean isReadOnly(String sql) {
        Objects.requireNonNull(sql, "sql");
        for (List<Token> statement : statements(sql)) {
            if (!isReadOnly(statement)) {
                return false;
            }
        }
        return true;
    }

    /**
     * True if every statement in {@code sql} is a plain {@code INSERT}, {@code UPDATE}, {@code DELETE},
     * {@code REPLACE} or {@code SELECT} (possibly after a {@code WITH} clause): statements that run the
     * same inside a transaction as on their own, as long as none fails. Transaction control,
     * {@code PRAGMA}, {@code VACUUM}, {@code ATTACH}, schema changes and unrecognised text are not.
     *
     * @param sql SQL text, possibly several statements, not null
     */
    public static boolean isPlainDml(String sql) {
        Objects.requireNonNull(sql, "sql");
        List<List<Token>> all = statements(sql);
        if (all.isEmpty()) {
            return false;
        }
        for (List<Token> statement : all) {
            String verb = mainVerb(statement);
            if (verb == null || !(WRITE_VERBS.contains(verb) || verb.equals("SELECT"))) {
                return false;
            }
        }
        return true;
    }

    /**
     * True if a statement in {@code sql} is an {@code INSERT}, {@code UPDATE}, {@code DELETE} or
     * {@code REPLACE} (possibly after a {@code WITH} clause) with a top-level {@code RETURNING}
     * clause. A {@code RETURNING} inside a string, comment or quoted identifier does not count, nor
     * does one used as a table or column name ({@code SET returning = 1}).
     *
     * @param sql SQL text, possibly several statements, not null
     */
    public static boolean hasReturning(String sql) {
        Objects.requireNonNull(sql, "sql");
        if (!SqlLexer.containsIgnoreCase(sql, "returning")) {
            return false;
        }
        for (List<Token> statement : statements(sql)) {
            if (hasReturning(statement)) {
                return true;
            }
        }
        return false;
    }

    /**
     * True for the PRAGMAs rqlite refuses, looking only at the start of {@code sql} (whitespace and
     * comments before it are skipped): {@code PRAGMA [schema.]journal_mode =},
     * {@code PRAGMA [schema.]wal_autocheckpoint =}, {@code PRAGMA [schema.]wal_checkpoint} in any
     * form, {@code PRAGMA [schema.]synchronous =} and {@code PRAGMA [schema.]query_only =}. Case,
     * whitespace around the dot and the {@code =}, and quoting of the names do not matter. The
     * function-call form that also sets the value ({@code PRAGMA synchronous(0)}) is refused too.
     * Later statements in the text are not looked at.
     *
     * @param sql SQL text, not null
     */
    public static boolean isDisallowedPragma(String sql) {
        Objects.requireNonNull(sql, "sql");
        if (!SqlLexer.containsIgnoreCase(sql, "pragma")) {
            return false;
        }
        List<List<Token>> statements = statements(sql);
        if (statements.isEmpty()) {
            return false;
        }
        List<Token> t = statements.get(0);
        if (!t.get(0).isWord("PRAGMA")) {
            return false;
        }
        int nameIndex = pragmaNameIndex(t);
        if (nameIndex < 0) {
            return false;
        }
        String name = t.get(nameIndex).identifier().toLowerCase(Locale.ROOT);
        if (name.equals("wal_checkpoint")) {
            return true;
        }
        if (!DISALLOWED_SETTINGS.contains(name) || nameIndex + 1 >= t.size()) {
            return false;
        }
        Token next = t.get(nameIndex + 1);
        return next.isEquals() || next.type() == Token.Type.LEFT_PAREN;
    }

    /**
     * The main verb of a statement, upper-cased: its first word, or for {@code WITH} the word that
     * follows the last common table expression. Null if there is none.
     */
    static String mainVerb(List<Token> statement) {
        int index = mainVerbIndex(statement);
        return index < 0 ? null : statement.get(index).text().toUpperCase(Locale.ROOT);
    }

    private static List<List<Token>> statements(String sql) {
        return StatementSplitter.split(SqlLexer.tokenize(sql));
    }

    private static boolean isReadOnly(List<Token> statement) {
        Token first = statement.get(0);
        if (first.type() != Token.Type.WORD) {
            return false;
        }
        String keyword = first.text().toUpperCase(Locale.ROOT);
        switch (keyword) {
            case "SELECT":
            case "VALUES":
            case "EXPLAIN":
                return true;
            case "WITH": {
                String verb = mainVerb(statement);
                return "SELECT".equals(verb) || "VALUES".equals(verb);
            }
            case "PRAGMA":
                return isReadOnlyPragma(statement);
            default:
                return TRANSACTION_CONTROL.contains(keyword);
        }
    }

    private static boolean isReadOnlyPragma(List<Token> statement) {
        int nameIndex = pragmaNameIndex(statement);
        if (nameIndex < 0) {
            return false;
        }
        String name = statement.get(nameIndex).identifier().toLowerCase(Locale.ROOT);
        if (nameIndex + 1 == statement.size()) {
            return !ACTION_PRAGMAS.contains(name);
        }
        Token next = statement.get(nameIndex + 1);
        if (next.type() == Token.Type.LEFT_PAREN) {
            return READ_PRAGMAS_WITH_ARGUMENT.contains(name);
        }
        return false;
    }

    /** Index of the pragma name in {@code PRAGMA [schema.]name ...}, or -1 if it is not a name. */
    private static int pragmaNameIndex(List<Token> statement) {
        int index = 1;
        if (statement.size() > 3 && statement.get(2).type() == Token.Type.DOT) {
            index = 3;
        }
        if (index >= statement.size()) {
            return -1;
        }
        Token.Type type = statement.get(index).type();
        boolean isName = type == Token.Type.WORD || type == Token.Type.QUOTED_IDENTIFIER || type == Token.Type.STRING;
        return isName ? index : -1;
    }

    private static int mainVerbIndex(List<Token> statement) {
        if (statement.isEmpty() || statement.get(0).type() != Token.Type.WORD) {
            return -1;
        }
        if (!statement.get(0).isWord("WITH")) {
            return 0;
        }
        int depth = 0;
        for (int i = 1; i < statement.size(); i++) {
            Token token = statement.get(i);
            if (token.type() == Token.Type.LEFT_PAREN) {
                depth++;
            } else if (token.type() == Token.Type.RIGHT_PAREN) {
                depth--;
                if (depth == 0 && i + 1 < statement.size()) {
                    Token next = statement.get(i + 1);
                    if (next.type() == Token.Type.WORD
                            && WITH_MAIN_VERBS.contains(next.text().toUpperCase(Locale.ROOT))) {
                        return i + 1;
                    }
                }
            }
        }
        return -1;
    }

    private static boolean hasReturning(List<Token> statement) {
        int verbIndex = mainVerbIndex(statement);
        if (verbIndex < 0 || !WRITE_VERBS.contains(statement.get(verbIndex).text().toUpperCase(Locale.ROOT))) {
            return false;
        }
        int depth = 0;
        for (int i = verbIndex + 1; i < statement.size() - 1; i++) {
            Token token = statement.get(i);
            if (token.type() == Token.Type.LEFT_PAREN) {
                depth++;
            } else if (token.type() == Token.Type.RIGHT_PAREN) {
                depth--;
            } else if (depth == 0 && token.isWord("RETURNING")
                    && isReturningClause(statement.get(i - 1), statement.get(i + 1))) {
                return true;
            }
        }
        return false;
    }

    private static boolean isReturningClause(Token previous, Token next) {
        if (next.isEquals() || next.type() == Token.Type.DOT) {
            return false;
        }
        switch (previous.type()) {
            case DOT:
            case OPERATOR:
            case COMMA:
                return false;
            case WORD:
                return !NAME_CONTEXT_WORDS.contains(previous.text().toUpperCase(Locale.ROOT));
            default:
                return true;
        }
    }
}
