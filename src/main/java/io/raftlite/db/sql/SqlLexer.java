package io.raftlite.db.sql;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts SQL text into {@link Token}s following SQLite's lexical rules ({@code tokenize.c}). It never
 * fails: unterminated strings, identifiers and comments run to the end of the text, and characters
 * SQLite would reject become {@link Token.Type#ILLEGAL} tokens. The tokens cover the text without
 * gaps, so concatenating their texts gives the input back.
 */
final class SqlLexer {
    private final String src;
    private final int length;
    private int pos;

    private SqlLexer(String src) {
        this.src = src;
        this.length = src.length();
    }

    /** All tokens of {@code sql}, including whitespace and comments. */
    static List<Token> tokenize(String sql) {
        SqlLexer lexer = new SqlLexer(sql);
        List<Token> tokens = new ArrayList<>();
        while (lexer.pos < lexer.length) {
            int start = lexer.pos;
            Token.Type type = lexer.next();
            tokens.add(new Token(type, start, lexer.pos, sql.substring(start, lexer.pos)));
        }
        return tokens;
    }

    /** Only the tokens that are neither whitespace nor comments. */
    static List<Token> significantTokens(String sql) {
        List<Token> result = new ArrayList<>();
        for (Token token : tokenize(sql)) {
            if (token.isSignificant()) {
                result.add(token);
            }
        }
        return result;
    }

    /** True if {@code text} contains {@code needle} ignoring ASCII case; needs no lower-cased copy. */
    static boolean containsIgnoreCase(String text, String needle) {
        int last = text.length() - needle.length();
        for (int i = 0; i <= last; i++) {
            if (text.regionMatches(true, i, needle, 0, needle.length())) {
                return true;
            }
        }
        return false;
    }

    static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
    }

    /** SQLite's IdChar: letters, digits, '_', '$' and every non-ASCII character. */
    static boolean isIdChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '$'
                || c >= 0x80;
    }

    private static boolean isIdStart(char c) {
        return isIdChar(c) && c != '$' && !isDigit(c);
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isHexDigit(char c) {
        return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    private char peek(int offset) {
        int i = pos + offset;
        return i < length ? src.charAt(i) : '\0';
    }

    /** Consumes one token starting at {@code pos} and returns its type. */
    private Token.Type next() {
        char c = src.charAt(pos);
        if (isSpace(c)) {
            while (pos < length && isSpace(src.charAt(pos))) {
                pos++;
            }
            return Token.Type.WHITESPACE;
        }
        switch (c) {
            case '-':
                if (peek(1) == '-') {
                    while (pos < length && src.charAt(pos) != '\n') {
                        pos++;
                    }
                    return Token.Type.COMMENT;
                }
                if (peek(1) == '>') {
                    pos += peek(2) == '>' ? 3 : 2;
                    return Token.Type.OPERATOR;
                }
                pos++;
                return Token.Type.OPERATOR;
            case '/':
                if (peek(1) == '*') {
                    int close = src.indexOf("*/", pos + 2);
                    pos = close < 0 ? length : close + 2;
                    return Token.Type.COMMENT;
                }
                pos++;
                return Token.Type.OPERATOR;
            case ';':
                pos++;
                return Token.Type.SEMICOLON;
            case '(':
                pos++;
                return Token.Type.LEFT_PAREN;
            case ')':
                pos++;
                return Token.Type.RIGHT_PAREN;
            case ',':
                pos++;
                return Token.Type.COMMA;
            case '+': case '*': case '%': case '&': case '~':
                pos++;
                return Token.Type.OPERATOR;
            case '=':
                pos += peek(1) == '=' ? 2 : 1;
                return Token.Type.OPERATOR;
            case '<':
                pos += (peek(1) == '=' || peek(1) == '>' || peek(1) == '<') ? 2 : 1;
                return Token.Type.OPERATOR;
            case '>':
                pos += (peek(1) == '=' || peek(1) == '>') ? 2 : 1;
                return Token.Type.OPERATOR;
            case '!':
                if (peek(1) == '=') {
                    pos += 2;
                    return Token.Type.OPERATOR;
                }
                pos++;
                return Token.Type.ILLEGAL;
            case '|':
                pos += peek(1) == '|' ? 2 : 1;
                return Token.Type.OPERATOR;
            case '\'':
                quoted('\'');
                return Token.Type.STRING;
            case '"':
            case '`':
                quoted(c);
                return Token.Type.QUOTED_IDENTIFIER;
            case '[': {
                int close = src.indexOf(']', pos + 1);
                pos = close < 0 ? length : close + 1;
                return Token.Type.QUOTED_IDENTIFIER;
            }
            case '.':
                if (isDigit(peek(1))) {
                    return number();
                }
                pos++;
                return Token.Type.DOT;
            case '?':
                pos++;
                while (pos < length && isDigit(src.charAt(pos))) {
                    pos++;
                }
                return Token.Type.PARAMETER;
            case '$': case '@': case ':': case '#':
                return namedParameter();
            default:
                break;
        }
        if (isDigit(c)) {
            return number();
        }
        if ((c == 'x' || c == 'X') && peek(1) == '\'') {
            int close = src.indexOf('\'', pos + 2);
            pos = close < 0 ? length : close + 1;
            return Token.Type.BLOB;
        }
        if (isIdStart(c)) {
            while (pos < length && isIdChar(src.charAt(pos))) {
                pos++;
            }
            return Token.Type.WORD;
        }
        pos++;
        return Token.Type.ILLEGAL;
    }

    /** Consumes a quoted token where the quote is escaped by doubling; unterminated runs to the end. */
    private void quoted(char quote) {
        pos++;
        while (pos < length) {
            if (src.charAt(pos) == quote) {
                if (peek(1) == quote) {
                    pos += 2;
                    continue;
                }
                pos++;
                return;
            }
            pos++;
        }
    }

    /**
     * {@code $name}, {@code @name}, {@code :name}, {@code #name}, with TCL-style {@code ::} and
     * {@code (...)} suffixes.
     */
    private Token.Type namedParameter() {
        pos++;
        int nameChars = 0;
        while (pos < length) {
            char c = src.charAt(pos);
            if (isIdChar(c)) {
                nameChars++;
                pos++;
            } else if (c == '(' && nameChars > 0) {
                int p = pos + 1;
                while (p < length && src.charAt(p) != ')' && !isSpace(src.charAt(p))) {
                    p++;
                }
                if (p < length && src.charAt(p) == ')') {
                    pos = p + 1;
                    return Token.Type.PARAMETER;
                }
                pos = p;
                return Token.Type.ILLEGAL;
            } else if (c == ':' && peek(1) == ':') {
                pos += 2;
            } else {
                break;
            }
        }
        return nameChars == 0 ? Token.Type.ILLEGAL : Token.Type.PARAMETER;
    }

    private Token.Type number() {
        boolean legal = true;
        if (src.charAt(pos) == '0' && (peek(1) == 'x' || peek(1) == 'X') && isHexDigit(peek(2))) {
            pos += 2;
            while (pos < length && (isHexDigit(src.charAt(pos)) || src.charAt(pos) == '_')) {
                pos++;
            }
        } else {
            digits();
            if (pos < length && src.charAt(pos) == '.') {
                pos++;
                digits();
            }
            if ((peek(0) == 'e' || peek(0) == 'E')
                    && (isDigit(peek(1)) || ((peek(1) == '+' || peek(1) == '-') && isDigit(peek(2))))) {
                pos += 2;
                digits();
            }
        }
        while (pos < length && isIdChar(src.charAt(pos))) {
            legal = false;
            pos++;
        }
        return legal ? Token.Type.NUMBER : Token.Type.ILLEGAL;
    }

    private void digits() {
        while (pos < length && (isDigit(src.charAt(pos)) || src.charAt(pos) == '_')) {
            pos++;
        }
    }
}
