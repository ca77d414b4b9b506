package io.raftlite.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raftlite.db.Parameter;
import io.raftlite.db.Statement;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link StatementParser}: the body forms and 400 messages of spec 2.1 and the parameter values of 2.2. */
class StatementParserTest {
    private final StatementParser parser = new StatementParser();

    private List<Statement> parse(String json) {
        return parser.parseJson(json.getBytes(StandardCharsets.UTF_8));
    }

    private Object onlyValue(String paramJson) {
        List<Statement> s = parse("[[\"SELECT ?\", " + paramJson + "]]");
        assertThat(s).hasSize(1);
        assertThat(s.get(0).parameters()).hasSize(1);
        return s.get(0).parameters().get(0).value();
    }

    private void assertBadRequest(String body, String message) {
        assertThatThrownBy(() -> parser.parseJson(body.getBytes(StandardCharsets.UTF_8)))
                .as(body)
                .isInstanceOfSatisfying(BadRequestException.class, e -> {
                    assertThat(e.getMessage()).isEqualTo(message);
                    assertThat(e.status()).isEqualTo(400);
                });
    }

    @Test
    void plainStrings() {
        assertThat(parse("[\"CREATE TABLE foo (id INTEGER)\", \"SELECT 1\", \"\"]")).containsExactly(
                Statement.of("CREATE TABLE foo (id INTEGER)"), Statement.of("SELECT 1"), Statement.of(""));
    }

    @Test
    void positionalNamedAndMixedForms() {
        List<Statement> s = parse("[\"SELECT 1\", [\"INSERT INTO foo VALUES(?, ?)\", 1, \"a\"],"
                + " [\"SELECT :a, @b, ?\", {\"a\": 1, \"b\": \"x\"}, 3.5], [\"SELECT 2\"]]");
        assertThat(s).hasSize(4);
        assertThat(s.get(0)).isEqualTo(Statement.of("SELECT 1"));
        assertThat(s.get(1).sql()).isEqualTo("INSERT INTO foo VALUES(?, ?)");
        assertThat(s.get(1).parameters()).containsExactly(Parameter.positional(1L), Parameter.positional("a"));
        assertThat(s.get(2).parameters()).containsExactly(
                new Parameter("a", 1L), new Parameter("b", "x"), Parameter.positional(3.5));
        assertThat(s.get(3)).isEqualTo(Statement.of("SELECT 2"));
        assertThat(s).allSatisfy(st -> assertThat(st.returnsRows()).isFalse());
    }

    @Test
    void numbersThatAreInt64BecomeLongsOthersDoubles() {
        assertThat(onlyValue("42")).isEqualTo(42L);
        assertThat(onlyValue("-7")).isEqualTo(-7L);
        assertThat(onlyValue("-0")).isEqualTo(0L);
        assertThat(onlyValue("9223372036854775807")).isEqualTo(Long.MAX_VALUE);
        assertThat(onlyValue("-9223372036854775808")).isEqualTo(Long.MIN_VALUE);
        assertThat(onlyValue("9223372036854775808")).isEqualTo(9.223372036854775808e18);
        assertThat(onlyValue("2.0")).isEqualTo(2.0);
        assertThat(onlyValue("1e3")).isEqualTo(1000.0);
        assertThat(onlyValue("1180591620717411303424")).isEqualTo(Math.pow(2, 70));
        assertThat(onlyValue("1e-400")).isEqualTo(0.0);
    }

    @Test
    void outOfRangeNumberIsRefusedLikeGo() {
        assertBadRequest("[[\"SELECT ?\", 1e400]]", "invalid number 1e400");
    }

    @Test
    void booleansNullAndText() {
        assertThat(onlyValue("true")).isEqualTo(1L);
        assertThat(onlyValue("false")).isEqualTo(0L);
        assertThat(onlyValue("null")).isNull();
        assertThat(onlyValue("\"fiona\"")).isEqualTo("fiona");
        assertThat(onlyValue("\"\"")).isEqualTo("");
        assertThat(parse("[[\"SELECT :n\", {\"n\": null}]]").get(0).parameters()).containsExactly(new Parameter("n", null));
    }

    @Test
    void blobsFromByteArraysAndHexLiterals() {
        assertThat(onlyValue("[222, 173, 190, 239]")).isEqualTo(new byte[] {(byte) 0xde, (byte) 0xad, (byte) 0xbe, (byte) 0xef});
        assertThat(onlyValue("[]")).isEqualTo(new byte[0]);
        assertThat(onlyValue("\"x'0102ff'\"")).isEqualTo(new byte[] {1, 2, (byte) 0xff});
        assertThat(onlyValue("\"X'DEADbeef'\"")).isEqualTo(new byte[] {(byte) 0xde, (byte) 0xad, (byte) 0xbe, (byte) 0xef});
        assertThat(onlyValue("\"  x'41'\\n\"")).isEqualTo(new byte[] {0x41});
        assertThat(onlyValue("\"x''\"")).isEqualTo(new byte[0]);
        assertThat(parse("[[\"SELECT :b\", {\"b\": [1, 2]}]]").get(0).parameters().get(0).value()).isEqualTo(new byte[] {1, 2});
    }

    @ParameterizedTest
    @ValueSource(strings = {"x'", "x'0'", "x'zz'", "x'0102", "y'01'", "xx'01'", "'01'", "x'\uff10\uff11'"})
    void textThatIsNotABlobLiteralStaysText(String text) {
        assertThat(onlyValue("\"" + text + "\"")).isEqualTo(text);
    }

    @Test
    void textBody() {
        assertThat(parser.parseText("SELECT 1; SELECT 2".getBytes(StandardCharsets.UTF_8)))
                .containsExactly(Statement.of("SELECT 1; SELECT 2"));
        assertThat(parser.parseText(new byte[0])).containsExactly(Statement.of(""));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "\n\t", "[", "[\"SELECT 1\"", "[\"SELECT 1\",", "[\"SELECT 1\",]", "[\"a\" \"b\"]",
        "[\"unterminated]", "nul", "[[\"SELECT ?\", 1", "[[\"SELECT ?\" 1]]", "[[\"SELECT ?\", {\"a\" 1}]]",
        "[[\"SELECT ?\", 01]]", "[[\"SELECT ?\", NaN]]", "[\"SELECT 1\"}"})
    void malformedJsonIsInvalidJsonBody(String body) {
        assertBadRequest(body, "invalid JSON body");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "{\"a\": 1}", "null", "\"SELECT 1\"", "42", "true", "[1]", "[null]", "[true]",
        "[{\"sql\": \"SELECT 1\"}]", "[[]]", "[[1, 2]]", "[[null]]", "[[[\"SELECT 1\"]]]", "[[{\"a\": 1}]]",
        // the first problem met wins: the rest of the body is never read
        "{garbage", "[1, garbage", "[\"SELECT 1\", {", "[\"SELECT 1\", [2], garbage"})
    void wrongShapeIsInvalidRequest(String body) {
        assertBadRequest(body, "invalid request");
    }

    @Test
    void emptyArrayIsNoStatements() {
        assertBadRequest("[]", "no statements");
        assertBadRequest("  [ ]  ", "no statements");
    }

    @Test
    void whateverFollowsTheTopLevelArrayIsIgnoredLikeGosStreamingDecoder() {
        assertThat(parse("[\"SELECT 1\"] trailing")).containsExactly(Statement.of("SELECT 1"));
        assertThat(parse("[\"SELECT 1\"][\"SELECT 2\"]")).containsExactly(Statement.of("SELECT 1"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "[256]                 | unsupported type 256",
        "[-1]                  | unsupported type -1",
        "[1.5]                 | unsupported type 1.5",
        "[1e2]                 | unsupported type 1e2",
        "[\"a\"]               | unsupported type string",
        "[true]                | unsupported type bool",
        "[null]                | unsupported type <nil>",
        "[[1]]                 | unsupported type []interface {}",
        "[{\"a\": 1}]          | unsupported type map[string]interface {}",
        "{\"n\": {\"a\": 1}}   | unsupported type map[string]interface {}",
        "{\"n\": [1, 300]}     | unsupported type 300",
    })
    void unsupportedParameterTypes(String param, String message) {
        assertBadRequest("[[\"SELECT ?\", " + param + "]]", message);
    }

    @Test
    void unsupportedTypeIsReportedBeforeLaterSyntaxErrors() {
        assertBadRequest("[[\"SELECT ?\", [300]], garbage", "unsupported type 300");
    }

    @Test
    void longStringsAndDeepSqlAreAccepted() {
        String big = "x".repeat(30_000_000);
        assertThat(parse("[[\"SELECT ?\", \"" + big + "\"]]").get(0).parameters().get(0).value()).isEqualTo(big);
    }
}
