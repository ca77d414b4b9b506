package io.raftlite.db.sql;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * Makes a write deterministic before it is logged: {@code RANDOM()} becomes an integer literal,
 * {@code RANDOMBLOB(N)} a blob literal, and a {@code 'now'} time value a Julian Day number, so every
 * replica applies the same values. Thread-safe if the random generator is.
 *
 * <p>Works on tokens, not on a syntax tree: only the replaced token spans change, every other
 * character of the text (comments, quoting, spacing) is kept as it was.
 */
public final class StatementRewriter {
    /** Larger {@code RANDOMBLOB(N)} calls are left alone rather than inlined as huge literals. */
    static final int MAX_INLINED_BLOB_BYTES = 1 << 20;

    /** Names that, followed by {@code (}, may need a rewrite ({@code time} also finds datetime, strftime). */
    // Arrays, not lists: the pre-filter walks them at every character of every statement, and an
    // iterator per character was a tenth of what a write allocated on the leader.
    private static final String[] RANDOM_FUNCTIONS = {"random", "randomblob"};
    private static final String[] TIME_FUNCTIONS = {"date", "time", "julianday", "unixepoch", "timediff"};
    private static final String[] ALL_FUNCTIONS = {"random", "randomblob", "date", "time", "julianday", "unixepoch",
        "timediff"};

    /** Which rewrites to do; the opt-outs are {@code norwrandom} and {@code norwtime}. */
    public record Options(boolean rewriteRandom, boolean rewriteTime) {
        public static final Options ALL = new Options(true, true);
    }

    private final RandomGenerator random;
    private final Clock clock;

    /**
     * @param random source of the values that replace {@code RANDOM()} and {@code RANDOMBLOB(N)}
     * @param clock source of the time that replaces {@code 'now'}
     */
    public StatementRewriter(RandomGenerator random, Clock clock) {
        this.random = Objects.requireNonNull(random, "random");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Returns {@code sql} with the non-deterministic calls replaced, or {@code sql} itself when nothing
     * needed it.
     *
     * <ul>
     *   <li>With {@link Options#rewriteRandom()}: {@code RANDOM()} becomes a non-negative 63-bit
     *       integer literal and {@code RANDOMBLOB(N)}, N an integer literal, becomes {@code X'...'}
     *       holding max(N, 1) random bytes; neither is touched inside an {@code ORDER BY} clause.</li>
     *   <li>With {@link Options#rewriteTime()}: the {@code 'now'} (string, bare {@code now}, or
     *       {@code "now"}, any case) that is the first argument of {@code date}, {@code time},
     *       {@code datetime}, {@code julianday} or {@code unixepoch}, the second of {@code strftime},
     *       or either of {@code timediff} becomes the current Julian Day with six decimals.</li>
     * </ul>
     *
     * <p>Statements that define schema ({@code CREATE TABLE} column definitions, {@code CREATE VIEW},
     * {@code CREATE TRIGGER}, {@code CREATE INDEX}, {@code ALTER TABLE}) are left alone, because
     * there the call is stored and evaluated later, and a literal would change its meaning;
     * {@code CREATE TABLE ... AS SELECT} is rewritten. Text SQLite would reject is returned as it is
     * or with only the recognised calls replaced; this method never throws for any text.
     *
     * @param sql SQL text, possibly several statements, not null
     * @param options which rewrites to do, not null
     */
    public String rewrite(String sql, Options options) {
        Objects.requireNonNull(sql, "sql");
        Objects.requireNonNull(options, "options");
        if (!mayNeedRewrite(sql, options)) {
            return sql;
        }
        try {
            List<Replacement> replacements = new ArrayList<>();
            Pass pass = new Pass(options, replacements);
            for (List<Token> statement : StatementSplitter.split(SqlLexer.tokenize(sql))) {
                if (isRewritable(statement)) {
                    pass.run(statement);
                }
            }
            return Replacement.apply(sql, replacements);
        } catch (RuntimeException e) {
            return sql;
        }
    }

    /** The cheap pre-filter: does a function name that may need rewriting appear before a {@code (}? */
    static boolean mayNeedRewrite(String sql, Options options) {
        // One pass over the text whichever rewrites are on.
        String[] names = options.rewriteRandom()
                ? (options.rewriteTime() ? ALL_FUNCTIONS : RANDOM_FUNCTIONS)
                : (options.rewriteTime() ? TIME_FUNCTIONS : null);
        return names != null && containsAnyCall(sql, names);
    }

    /**
     * True if one of {@code names} (lower case) occurs (any case) followed by optional whitespace and
     * {@code (} or a comment. One pass: a name is compared only where its first letter is, since this
     * runs on every statement of every request.
     */
    private static boolean containsAnyCall(String sql, String[] names) {
        for (int i = 0, n = sql.length(); i < n; i++) {
            char c = sql.charAt(i);
            char lower = c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
            for (int k = 0; k < names.length; k++) {
                if (names[k].charAt(0) == lower && callAt(sql, i, names[k])) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean callAt(String sql, int i, String name) {
        if (!sql.regionMatches(true, i, name, 0, name.length())) {
            return false;
        }
        int j = i + name.length();
        while (j < sql.length() && SqlLexer.isSpace(sql.charAt(j))) {
            j++;
        }
        return j < sql.length() && (sql.charAt(j) == '(' || sql.charAt(j) == '/' || sql.charAt(j) == '-');
    }

    /** False for statements whose expressions are stored as schema and evaluated later. */
    private static boolean isRewritable(List<Token> statement) {
        int i = StatementSplitter.skipExplain(statement);
        if (i >= statement.size()) {
            return true;
        }
        if (statement.get(i).isWord("ALTER")) {
            return false;
        }
        if (!statement.get(i).isWord("CREATE")) {
            return true;
        }
        i++;
        if (i < statement.size() && (statement.get(i).isWord("TEMP") || statement.get(i).isWord("TEMPORARY"))) {
            i++;
        }
        if (i >= statement.size() || !statement.get(i).isWord("TABLE")) {
            return false;
        }
        int depth = 0;
        for (; i < statement.size(); i++) {
            Token token = statement.get(i);
            if (token.type() == Token.Type.LEFT_PAREN) {
                depth++;
            } else if (token.type() == Token.Type.RIGHT_PAREN) {
                depth--;
            } else if (depth == 0 && token.isWord("AS")) {
                return true;
            }
        }
        return false;
    }

    /** Julian Day of {@code epochMillis} printed with exactly six decimals. */
    static String julianDay(long epochMillis) {
        double julianDay = epochMillis / 86_400_000.0 + 2_440_587.5;
        return new BigDecimal(julianDay).setScale(6, RoundingMode.HALF_EVEN).toPlainString();
    }

    /** One token-level scan over the statements of a text, collecting replacements. */
    private final class Pass {
        private final Options options;
        private final List<Replacement> replacements;
        private String now;
        private List<Token> tokens;
        /** One entry per open parenthesis level (plus the statement level): inside ORDER BY there? */
        private final List<Boolean> orderByLevels = new ArrayList<>();
        private int orderByCount;

        Pass(Options options, List<Replacement> replacements) {
            this.options = options;
            this.replacements = replacements;
        }

        void run(List<Token> statement) {
            tokens = statement;
            orderByLevels.clear();
            orderByLevels.add(false);
            orderByCount = 0;
            for (int i = 0; i < tokens.size(); i++) {
                Token token = tokens.get(i);
                switch (token.type()) {
                    case LEFT_PAREN:
                        orderByLevels.add(false);
                        break;
                    case RIGHT_PAREN:
                        if (orderByLevels.size() > 1) {
                            setOrderBy(false);
                            orderByLevels.remove(orderByLevels.size() - 1);
                        }
                        break;
                    case SEMICOLON:
                        while (orderByLevels.size() > 1) {
                            setOrderBy(false);
                            orderByLevels.remove(orderByLevels.size() - 1);
                        }
                        setOrderBy(false);
                        break;
                    case WORD:
                        i = word(i);
                        break;
                    default:
                        break;
                }
            }
        }

        /** Handles the word at {@code i}; returns the index of the last token it consumed. */
        private int word(int i) {
            Token token = tokens.get(i);
            if (token.isWord("ORDER") && i + 1 < tokens.size() && tokens.get(i + 1).isWord("BY")) {
                setOrderBy(true);
                return i + 1;
            }
            if (token.isWord("LIMIT") || token.isWord("RETURNING") || token.isWord("ON")) {
                setOrderBy(false);
                return i;
            }
            if (!isCall(i)) {
                return i;
            }
            String name = token.text().toLowerCase(Locale.ROOT);
            switch (name) {
                case "random":
                    return options.rewriteRandom() && orderByCount == 0 ? rewriteRandom(i) : i;
                case "randomblob":
                    return options.rewriteRandom() && orderByCount == 0 ? rewriteRandomBlob(i) : i;
                default:
                    if (options.rewriteTime()) {
                        rewriteTimeCall(i, name);
                    }
                    return i;
            }
        }

        private void rewriteTimeCall(int i, String name) {
            switch (name) {
                case "date":
                case "time":
                case "datetime":
                case "julianday":
                case "unixepoch":
                    rewriteNowArgument(i, 0);
                    break;
                case "strftime":
                    rewriteNowArgument(i, 1);
                    break;
                case "timediff":
                    rewriteNowArgument(i, 0);
                    rewriteNowArgument(i, 1);
                    break;
                default:
                    break;
            }
        }

        private void setOrderBy(boolean inOrderBy) {
            int top = orderByLevels.size() - 1;
            if (orderByLevels.get(top) != inOrderBy) {
                orderByLevels.set(top, inOrderBy);
                orderByCount += inOrderBy ? 1 : -1;
            }
        }

        /** A bare name (not after a dot) followed by {@code (}. */
        private boolean isCall(int i) {
            return (i == 0 || tokens.get(i - 1).type() != Token.Type.DOT)
                    && i + 1 < tokens.size()
                    && tokens.get(i + 1).type() == Token.Type.LEFT_PAREN;
        }

        private int rewriteRandom(int i) {
            if (!isType(i + 2, Token.Type.RIGHT_PAREN)) {
                return i;
            }
            long value = random.nextLong() & Long.MAX_VALUE;
            replace(tokens.get(i), tokens.get(i + 2), Long.toString(value));
            return i + 2;
        }

        private int rewriteRandomBlob(int i) {
            if (!isType(i + 2, Token.Type.NUMBER) || !isType(i + 3, Token.Type.RIGHT_PAREN)) {
                return i;
            }
            String digits = tokens.get(i + 2).text();
            if (digits.length() > 9 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return i;
            }
            int count = Integer.parseInt(digits);
            if (count > MAX_INLINED_BLOB_BYTES) {
                return i;
            }
            byte[] bytes = new byte[Math.max(count, 1)];
            random.nextBytes(bytes);
            replace(tokens.get(i), tokens.get(i + 3), "X'" + HexFormat.of().withUpperCase().formatHex(bytes) + "'");
            return i + 3;
        }

        /** Replaces argument number {@code argument} (0-based) of the call at {@code i} if it is exactly 'now'. */
        private void rewriteNowArgument(int i, int argument) {
            int start = argumentStart(i + 1, argument);
            if (start < 0 || !isNow(tokens.get(start))) {
                return;
            }
            if (!isType(start + 1, Token.Type.COMMA) && !isType(start + 1, Token.Type.RIGHT_PAREN)) {
                return;
            }
            if (now == null) {
                now = julianDay(clock.millis());
            }
            replace(tokens.get(start), tokens.get(start), now);
        }

        /** First token of argument number {@code argument} of the call whose {@code (} is at {@code open}, or -1. */
        private int argumentStart(int open, int argument) {
            int depth = 0;
            int seen = 0;
            int candidate = open + 1;
            for (int j = open + 1; j < tokens.size(); j++) {
                if (seen == argument) {
                    return j == candidate && tokens.get(j).type() != Token.Type.RIGHT_PAREN ? j : -1;
                }
                Token.Type type = tokens.get(j).type();
                if (type == Token.Type.LEFT_PAREN) {
                    depth++;
                } else if (type == Token.Type.RIGHT_PAREN) {
                    if (depth == 0) {
                        return -1;
                    }
                    depth--;
                } else if (type == Token.Type.SEMICOLON) {
                    return -1;
                } else if (type == Token.Type.COMMA && depth == 0) {
                    seen++;
                    candidate = j + 1;
                }
            }
            return -1;
        }

        private boolean isNow(Token token) {
            switch (token.type()) {
                case STRING:
                case QUOTED_IDENTIFIER:
                    return token.text().length() == 5 && token.identifier().equalsIgnoreCase("now")
                            && token.text().charAt(0) != '[' && token.text().charAt(0) != '`';
                case WORD:
                    return token.text().equalsIgnoreCase("now");
                default:
                    return false;
            }
        }

        private boolean isType(int index, Token.Type type) {
            return index < tokens.size() && tokens.get(index).type() == type;
        }

        private void replace(Token first, Token last, String text) {
            replacements.add(new Replacement(first.start(), last.end(), text));
        }
    }

    /** Text that takes the place of {@code [start, end)} of the source. */
    private record Replacement(int start, int end, String text) {
        /** {@code source} with the (non-overlapping) replacements applied; {@code source} itself if none. */
        static String apply(String source, List<Replacement> replacements) {
            if (replacements.isEmpty()) {
                return source;
            }
            replacements.sort((a, b) -> Integer.compare(a.start, b.start));
            StringBuilder out = new StringBuilder(source.length() + 32 * replacements.size());
            int copied = 0;
            for (Replacement replacement : replacements) {
                if (replacement.start < copied) {
                    continue;
                }
                out.append(source, copied, replacement.start).append(replacement.text);
                copied = replacement.end;
            }
            return out.append(source, copied, source.length()).toString();
        }
    }
}
