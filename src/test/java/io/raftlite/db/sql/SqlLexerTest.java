package io.raftlite.db.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SqlLexerTest {

    private static List<Token.Type> types(String sql) {
        return SqlLexer.significantTokens(sql).stream().map(Token::type).collect(Collectors.toList());
    }

    private static List<String> texts(String sql) {
        return SqlLexer.significantTokens(sql).stream().map(Token::text).collect(Collectors.toList());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "SELECT 'a;b', \"c\"\"d\", [e f], `g`, x'0A', 1.5e3, ?1, :n -- tail",
        "/* unterminated",
        "'unterminated; string",
        "a->>'$.x' || b != c <> d <= e >= f << g >> h == i",
        "\u00e9t\u00e9 $x::y(z) @p #q ?",
        "",
    })
    void tokensCoverTheTextWithoutGaps(String sql) {
        String joined = SqlLexer.tokenize(sql).stream().map(Token::text).collect(Collectors.joining());
        assertThat(joined).isEqualTo(sql);
    }

    @Test
    void recognisesQuotesAndEscapes() {
        assertThat(texts("'it''s' \"a\"\"b\" [x y] `q``r`"))
                .containsExactly("'it''s'", "\"a\"\"b\"", "[x y]", "`q``r`");
        assertThat(types("'it''s' \"a\"\"b\" [x y] `q``r`")).containsExactly(
                Token.Type.STRING, Token.Type.QUOTED_IDENTIFIER, Token.Type.QUOTED_IDENTIFIER,
                Token.Type.QUOTED_IDENTIFIER);
        assertThat(SqlLexer.significantTokens("\"a\"\"b\"").get(0).identifier()).isEqualTo("a\"b");
    }

    @Test
    void commentsAreNotSignificant() {
        assertThat(texts("SELECT -- one ; two\n 1 /* ; */ ;")).containsExactly("SELECT", "1", ";");
    }

    @Test
    void unterminatedStringAndCommentRunToTheEnd() {
        assertThat(texts("SELECT 'abc; def")).containsExactly("SELECT", "'abc; def");
        List<Token> all = SqlLexer.tokenize("SELECT 1 /* abc; def");
        assertThat(all.get(all.size() - 1).type()).isEqualTo(Token.Type.COMMENT);
        assertThat(all.get(all.size() - 1).text()).isEqualTo("/* abc; def");
    }

    @Test
    void recognisesBlobsNumbersAndParameters() {
        assertThat(types("x'0aFF' 12 3.25 .5 1e-3 0x1F ? ?12 :name @n $v $a::b $f(x) #h")).containsExactly(
                Token.Type.BLOB, Token.Type.NUMBER, Token.Type.NUMBER, Token.Type.NUMBER, Token.Type.NUMBER,
                Token.Type.NUMBER, Token.Type.PARAMETER, Token.Type.PARAMETER, Token.Type.PARAMETER,
                Token.Type.PARAMETER, Token.Type.PARAMETER, Token.Type.PARAMETER, Token.Type.PARAMETER,
                Token.Type.PARAMETER);
        assertThat(texts("$a::b $f(x) :n1_x")).containsExactly("$a::b", "$f(x)", ":n1_x");
    }

    @Test
    void recognisesOperators() {
        assertThat(texts("a->>b||c!=d==e")).containsExactly("a", "->>", "b", "||", "c", "!=", "d", "==", "e");
        assertThat(types("( ) , . ;")).containsExactly(Token.Type.LEFT_PAREN, Token.Type.RIGHT_PAREN,
                Token.Type.COMMA, Token.Type.DOT, Token.Type.SEMICOLON);
    }

    @Test
    void loneSigilsAreIllegal() {
        assertThat(types(": @ $ !")).containsOnly(Token.Type.ILLEGAL);
    }
}
