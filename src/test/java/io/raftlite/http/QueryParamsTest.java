package io.raftlite.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** rqlite's query-string rules (spec 1.2): Go form decoding, presence flags, validation messages. */
class QueryParamsTest {

    private static void assertRejected(String raw, String message) {
        assertThatThrownBy(() -> QueryParams.parse(raw))
                .isInstanceOf(BadRequestException.class)
                .hasMessage(message)
                .satisfies(e -> assertThat(((BadRequestException) e).status()).isEqualTo(400));
    }

    @Test
    void nullAndEmptyQueryStringsHaveNoKeys() {
        for (String raw : new String[] {null, "", "&", "&&"}) {
            QueryParams q = QueryParams.parse(raw);
            assertThat(q.has("transaction")).isFalse();
            assertThat(q.get("q")).isNull();
        }
    }

    @Test
    void keysWithoutEqualsArePresentWithAnEmptyValue() {
        QueryParams q = QueryParams.parse("pretty&timings");
        assertThat(q.has("pretty")).isTrue();
        assertThat(q.has("timings")).isTrue();
        assertThat(q.get("pretty")).isEmpty();
        assertThat(q.has("associative")).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"transaction", "transaction=", "transaction=true", "transaction=false", "transaction=0",
        "x=1&transaction=no"})
    void flagsArePresenceOnly(String raw) {
        assertThat(QueryParams.parse(raw).has("transaction")).isTrue();
    }

    @Test
    void keysAreCaseSensitive() {
        QueryParams q = QueryParams.parse("Transaction&LEVEL=strong");
        assertThat(q.has("transaction")).isFalse();
        assertThat(q.get("level")).isNull();
        assertThat(q.get("LEVEL")).isEqualTo("strong");
    }

    @Test
    void firstValueOfARepeatedKeyWins() {
        QueryParams q = QueryParams.parse("level=strong&level=none&q=first&q=second");
        assertThat(q.get("level")).isEqualTo("strong");
        assertThat(q.get("q")).isEqualTo("first");
    }

    @Test
    void firstValueWinsEvenForValidation() {
        // Only the first value is validated, as rqlite only ever looks at it.
        assertThat(QueryParams.parse("timeout=1s&timeout=bogus").duration("timeout", null)).isEqualTo(Duration.ofSeconds(1));
        assertRejected("timeout=bogus&timeout=1s", "timeout is not a valid duration");
    }

    @Test
    void formDecoding() {
        QueryParams q = QueryParams.parse("q=SELECT+*+FROM+t+WHERE+a%3D%27x+y%27&k%65y=v%2Bw&empty=&eq=a=b");
        assertThat(q.get("q")).isEqualTo("SELECT * FROM t WHERE a='x y'");
        assertThat(q.get("key")).isEqualTo("v+w");
        assertThat(q.get("empty")).isEmpty();
        assertThat(q.get("eq")).isEqualTo("a=b");
    }

    @Test
    void percentEscapesAreUtf8() {
        assertThat(QueryParams.parse("q=SELECT+%27%C3%A9%E2%82%AC%F0%9F%98%80%27").get("q")).isEqualTo("SELECT 'é€😀'");
        assertThat(QueryParams.parse("q=%e2%82%ac").get("q")).isEqualTo("€");
    }

    @Test
    void unknownKeysAreIgnored() {
        QueryParams q = QueryParams.parse("q[useLeader]=true&q[activeHostIndex]=0");
        assertThat(q.has("q")).isFalse();
        assertThat(q.get("q[useLeader]")).isEqualTo("true");
        assertThat(QueryParams.parse("q%5BuseLeader%5D=true").has("q")).isFalse();
    }

    @Test
    void invalidEscapesAreRejectedWithGosMessage() {
        assertRejected("q=%zz", "invalid URL escape \"%zz\"");
        assertRejected("q=abc%4", "invalid URL escape \"%4\"");
        assertRejected("q=abc%", "invalid URL escape \"%\"");
        assertRejected("%g1=x", "invalid URL escape \"%g1\"");
        assertRejected("q=%1xyz", "invalid URL escape \"%1x\"");
    }

    @Test
    void semicolonsAreRejected() {
        assertRejected("a=1;b=2", "invalid semicolon separator in query");
        assertRejected("pretty&a;b", "invalid semicolon separator in query");
        // an encoded semicolon is just data
        assertThat(QueryParams.parse("q=SELECT+1%3B").get("q")).isEqualTo("SELECT 1;");
    }

    @ParameterizedTest
    @ValueSource(strings = {"timeout", "freshness", "db_timeout", "linearizable_timeout"})
    void durationsMustBeGoDurations(String name) {
        for (String ok : new String[] {"0", "1s", "1m30s", "500ms", "-1s", "1.5s", "2h", "10us", "1%C2%B5s"}) {
            String raw = name + "=" + ok + (name.equals("freshness") ? "" : "&freshness=1s");
            assertThat(QueryParams.parse(raw).has(name)).as(raw).isTrue();
        }
        for (String bad : new String[] {"", "1", "abc", "1x", "1+s", "PT1S", "1.5.5s", "9223372036854775808ns"}) {
            assertRejected(name + "=" + bad, name + " is not a valid duration");
        }
        assertRejected(name, name + " is not a valid duration"); // present without a value: ""
    }

    @Test
    void durationValues() {
        QueryParams q = QueryParams.parse("timeout=1m30s&db_timeout=-1s&freshness=0");
        assertThat(q.duration("timeout", null)).isEqualTo(Duration.ofSeconds(90));
        assertThat(q.duration("db_timeout", null)).isEqualTo(Duration.ofSeconds(-1));
        assertThat(q.duration("freshness", Duration.ofHours(1))).isEqualTo(Duration.ZERO);
        assertThat(q.duration("linearizable_timeout", Duration.ofSeconds(7))).isEqualTo(Duration.ofSeconds(7));
    }

    @ParameterizedTest
    @ValueSource(strings = {"retries", "trailing_logs"})
    void integersMustBeIntegers(String name) {
        assertThat(QueryParams.parse(name + "=3").integer(name)).contains(3L);
        assertThat(QueryParams.parse(name + "=-2").integer(name)).contains(-2L);
        assertThat(QueryParams.parse(name + "=%2B7").integer(name)).contains(7L); // "+7", as Go's Atoi
        assertThat(QueryParams.parse(name + "=007").integer(name)).contains(7L);
        for (String bad : new String[] {"", "1.0", "1e3", "x", "+", "1+", "0x10", "99999999999999999999", "%D9%A1", "1_000", "%201"}) {
            assertRejected(name + "=" + bad, name + " is not a valid integer");
        }
        assertRejected(name, name + " is not a valid integer");
        assertThat(QueryParams.parse("pretty").integer(name)).isEmpty();
    }

    @Test
    void emptyQIsRejected() {
        assertRejected("q=", "query parameter not set");
        assertRejected("q", "query parameter not set");
        assertRejected("pretty&q=&q=SELECT+1", "query parameter not set"); // the first value counts
        assertThat(QueryParams.parse("q=+").get("q")).isEqualTo(" "); // a space is "set"
    }

    @Test
    void freshnessStrictRequiresFreshness() {
        assertRejected("freshness_strict", "freshness_strict requires freshness");
        assertRejected("level=none&freshness_strict=true", "freshness_strict requires freshness");
        QueryParams q = QueryParams.parse("level=none&freshness=5s&freshness_strict");
        assertThat(q.has("freshness_strict")).isTrue();
        assertThat(q.duration("freshness", null)).isEqualTo(Duration.ofSeconds(5));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "timeout=x&retries=x|timeout is not a valid duration",
        "retries=x&freshness_strict|freshness_strict requires freshness",
        "timeout=x&freshness_strict|freshness_strict requires freshness",
        "freshness_strict&q=|freshness_strict requires freshness",
        "retries=x&q=|retries is not a valid integer",
        "db_timeout=x&timeout=x|timeout is not a valid duration",
        "linearizable_timeout=x&db_timeout=x|db_timeout is not a valid duration",
        "trailing_logs=x&retries=x|retries is not a valid integer",
        "q=%zz&timeout=x|invalid URL escape \"%zz\"",
    })
    void validationOrder(String raw, String message) {
        assertRejected(raw, message);
    }

    @Test
    void emptyIsEmpty() {
        assertThat(QueryParams.EMPTY.has("q")).isFalse();
        assertThat(QueryParams.EMPTY.duration("timeout", Duration.ofSeconds(3))).isEqualTo(Duration.ofSeconds(3));
    }
}
