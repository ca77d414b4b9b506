package io.raftlite.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Go's {@code time.ParseDuration} and {@code Duration.String()}, which rqlite's query parameters and flags use. */
class GoDurationTest {

    @ParameterizedTest(name = "{0} = {1}ns")
    @CsvSource({
        "0, 0",
        "+0, 0",
        "-0, 0",
        "0s, 0",
        "1s, 1000000000",
        "500ms, 500000000",
        "1m30s, 90000000000",
        "2h45m, 9900000000000",
        "1h0m0.5s, 3600500000000",
        "1.5s, 1500000000",
        ".5s, 500000000",
        "5.s, 5000000000",
        "-1s, -1000000000",
        "+1s, 1000000000",
        "-1.5m, -90000000000",
        "3ns, 3",
        "7us, 7000",
        "7µs, 7000", // U+00B5 micro sign
        "7μs, 7000", // U+03BC Greek mu
        "1.5µs, 1500",
        "1s500ms, 1500000000",
        "1ms1ms1ms, 3000000",
        "0.0000000001s, 0", // below a nanosecond: truncated, still valid
        "000001s, 1000000000",
        "9223372036854775807ns, 9223372036854775807",
        "-9223372036854775808ns, -9223372036854775808",
        "2562047h, 9223369200000000000",
    })
    void parsesValidGoDurations(String text, long nanos) {
        assertThat(GoDuration.parse(text)).contains(Duration.ofNanos(nanos));
    }

    @ParameterizedTest(name = "\"{0}\" is not a duration")
    @ValueSource(strings = {
        "", "1", "-", "+", "s", ".s", "-.s", "1x", "1S", "1sec", "1e3s", "1s1", " 1s", "1s ", "1 s", "++1s", "+-1s",
        "1.5.5s", "1,5s", "0x10s", "١s", // Arabic-Indic digit one
        "9223372036854775808ns", "2562048h", "9223372036854775807ns1ns", "-9223372036854775809ns", "PT1S", "1d",
    })
    void rejectsEverythingElse(String text) {
        assertThat(GoDuration.parse(text)).isEmpty();
    }

    @Test
    void rejectsNull() {
        assertThat(GoDuration.parse(null)).isEmpty();
    }

    @ParameterizedTest(name = "{0}ns prints as {1}")
    @CsvSource({
        "0, 0s",
        "1, 1ns",
        "999, 999ns",
        "1500, 1.5µs",
        "212000, 212µs",
        "1000000, 1ms",
        "1500000, 1.5ms",
        "1000000000, 1s",
        "1500000000, 1.5s",
        "10000000000, 10s",
        "60000000000, 1m0s",
        "120000000000, 2m0s",
        "90500000000, 1m30.5s",
        "3600000000000, 1h0m0s",
        "3723000000001, 1h2m3.000000001s",
        "-1500000000, -1.5s",
        "-1, -1ns",
        "9223372036854775807, 2562047h47m16.854775807s",
        "-9223372036854775808, -2562047h47m16.854775808s",
    })
    void formatsLikeGo(long nanos, String expected) {
        assertThat(GoDuration.format(Duration.ofNanos(nanos))).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.5s", "212µs", "1h2m3.000000001s", "-2m0s", "3ns"})
    void formatAndParseRoundTrip(String text) {
        assertThat(GoDuration.format(GoDuration.parse(text).orElseThrow())).isEqualTo(text);
    }
}
