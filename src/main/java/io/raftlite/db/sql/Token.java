package io.raftlite.db.sql;

/**
 * One lexical token of SQL text, as SQLite's tokenizer would cut it.
 *
 * @param type what kind of token it is
 * @param start offset of the first character in the source text
 * @param end offset just past the last character in the source text
 * @param text the token exactly as written ({@code source.substring(start, end)})
 */
record Token(Type type, int start, int end, String text) {

    /** Token kinds. Keywords are not told apart from identifiers: both are {@link #WORD}. */
    enum Type {
        /** Spaces, tabs, line breaks. */
        WHITESPACE,
        /** {@code -- ...} or {@code /* ... *}{@code /} (possibly unterminated). */
        COMMENT,
        /** A bare identifier or keyword, e.g. {@code SELECT}, {@code foo}, {@code random}. */
        WORD,
        /** {@code "..."}, {@code [...]} or {@code `...`}. */
        QUOTED_IDENTIFIER,
        /** {@code '...'} (possibly unterminated). */
        STRING,
        /** {@code x'...'}. */
        BLOB,
        /** An integer or real literal. */
        NUMBER,
        /** {@code ?}, {@code ?NNN}, {@code :name}, {@code @name}, {@code $name}, {@code #name}. */
        PARAMETER,
        SEMICOLON,
        LEFT_PAREN,
        RIGHT_PAREN,
        COMMA,
        DOT,
        /** Any other operator, e.g. {@code =}, {@code ||}, {@code ->>}. */
        OPERATOR,
        /** A character SQLite would reject. */
        ILLEGAL
    }

    /** True unless the token is whitespace or a comment. */
    boolean isSignificant() {
        return type != Type.WHITESPACE && type != Type.COMMENT;
    }

    /** True if this is a bare word equal to {@code word}, ignoring case. */
    boolean isWord(String word) {
        return type == Type.WORD && text.equalsIgnoreCase(word);
    }

    /** True if this is the operator {@code =} or {@code ==}. */
    boolean isEquals() {
        return type == Type.OPERATOR && (text.equals("=") || text.equals("=="));
    }

    /**
     * The name this token spells: for quoted identifiers and strings the text without the quotes and
     * with doubled quotes undone, for other tokens the text itself.
     */
    String identifier() {
        boolean quoted = type == Type.QUOTED_IDENTIFIER || type == Type.STRING;
        if (!quoted || text.length() < 2) {
            return text;
        }
        char open = text.charAt(0);
        char close = open == '[' ? ']' : open;
        boolean terminated = text.charAt(text.length() - 1) == close;
        String inner = text.substring(1, terminated ? text.length() - 1 : text.length());
        return open == '[' ? inner : inner.replace(String.valueOf(close) + close, String.valueOf(close));
    }
}
