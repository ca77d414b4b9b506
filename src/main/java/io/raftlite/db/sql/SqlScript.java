package io.raftlite.db.sql;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Splits SQL text into the statements SQLite would run one after another. Thread-safe, stateless. */
public final class SqlScript {
    /** SQLite's default {@code SQLITE_MAX_VARIABLE_NUMBER}; a larger {@code ?NNN} is an error there. */
    static final int MAX_PARAMETER_NUMBER = 32766;

    private SqlScript() {
    }

    /**
     * Splits {@code text} at top-level semicolons, understanding quotes, comments and
     * {@code CREATE TRIGGER ... BEGIN ... END}. Pieces that hold nothing but whitespace, comments or
     * semicolons are dropped. Unterminated quotes or comments leave the rest as one piece, so SQLite
     * reports the syntax error.
     *
     * <p>Each piece's text runs from its first to its last token (surrounding whitespace and comments
     * are cut, comments inside are kept byte for byte). Its parameter indexes are the ones SQLite
     * assigns: {@code ?} takes the largest index so far plus one, {@code ?NNN} takes NNN, a named
     * parameter takes the largest plus one when first seen and keeps it when repeated.
     *
     * <p>SQLite reads SQL as a C string, so nothing after a NUL character exists for it: the text
     * is cut there first (a literal left open by the cut then fails as a syntax error, as in rqlite).
     *
     * @param text SQL text, not null
     * @return the statements in order; empty if there are none
     */
    public static List<SqlStatementText> split(String text) {
        Objects.requireNonNull(text, "text");
        if (isOneBareStatement(text)) {
            return List.of(new SqlStatementText(text, 0, Map.of()));
        }
        return splitTokenized(text);
    }

    /** {@link #split} by tokenizing the whole text, whatever it holds. */
    static List<SqlStatementText> splitTokenized(String text) {
        int nul = text.indexOf('\0');
        if (nul >= 0) {
            text = text.substring(0, nul);
        }
        List<SqlStatementText> result = new ArrayList<>();
        for (List<Token> statement : StatementSplitter.split(SqlLexer.tokenize(text))) {
            result.add(describe(text, statement));
        }
        return result;
    }

    /**
     * True if, after its last statement, the text holds a semicolon followed by more than
     * whitespace (a comment or another semicolon). SQLite then prepares an empty statement last, so
     * the text as a whole reports that empty statement's result, not the last real one's.
     */
    public static boolean endsWithEmptyStatement(String text) {
        Objects.requireNonNull(text, "text");
        if (text.indexOf(';') < 0) {
            return false;
        }
        int nul = text.indexOf('\0');
        List<Token> tokens = SqlLexer.tokenize(nul >= 0 ? text.substring(0, nul) : text);
        int last = -1;
        for (int i = 0; i < tokens.size(); i++) {
            if (tokens.get(i).isSignificant() && tokens.get(i).type() != Token.Type.SEMICOLON) {
                last = i;
            }
        }
        if (last < 0) {
            return false;
        }
        boolean semicolon = false;
        for (int i = last + 1; i < tokens.size(); i++) {
            Token t = tokens.get(i);
            if (t.type() == Token.Type.SEMICOLON) {
                if (semicolon) {
                    return true;
                }
                semicolon = true;
            } else if (t.type() == Token.Type.COMMENT && semicolon) {
                return true;
            }
        }
        return false;
    }

    /**
     * True if {@code text} is, for {@link #split}, one statement with no parameters that runs from its
     * first character to its last, so tokenizing it would find just that: it has no character that
     * could end a statement, start a parameter or a comment, or cut the text ({@code ; ? : @ $ # - /}
     * and NUL), and no whitespace at either end. Most point reads that embed their values are such
     * texts (a {@code -} in a literal or a parameter sends a text the long way, to the lexer).
     */
    public static boolean isOneBareStatement(String text) {
        int n = text.length();
        if (n == 0 || SqlLexer.isSpace(text.charAt(0)) || SqlLexer.isSpace(text.charAt(n - 1))) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            switch (text.charAt(i)) {
                case ';', '?', ':', '@', '$', '#', '-', '/', '\0' -> {
                    return false;
                }
                default -> {
                }
            }
        }
        return true;
    }

    private static SqlStatementText describe(String text, List<Token> statement) {
        String sql = text.substring(statement.get(0).start(), statement.get(statement.size() - 1).end());
        int max = 0;
        Map<String, Integer> named = new HashMap<>();
        for (Token token : statement) {
            if (token.type() != Token.Type.PARAMETER) {
                continue;
            }
            String name = token.text();
            if (name.equals("?")) {
                max++;
            } else if (name.charAt(0) == '?') {
                int number = parseParameterNumber(name.substring(1));
                if (number > 0) {
                    max = Math.max(max, number);
                }
            } else if (!named.containsKey(name)) {
                max++;
                named.put(name, max);
            }
        }
        return new SqlStatementText(sql, max, named);
    }

    /** NNN of {@code ?NNN}, or -1 if SQLite would reject it as out of range. */
    private static int parseParameterNumber(String digits) {
        int firstNonZero = 0;
        while (firstNonZero < digits.length() - 1 && digits.charAt(firstNonZero) == '0') {
            firstNonZero++;
        }
        digits = digits.substring(firstNonZero);
        if (digits.isEmpty() || digits.length() > 9) {
            return -1;
        }
        int number = Integer.parseInt(digits);
        return number >= 1 && number <= MAX_PARAMETER_NUMBER ? number : -1;
    }
}
