package io.raftlite.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** {@link GoFloat} against what Go's {@code encoding/json} prints for the same float64. */
class GoFloatTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "4.0                     | 4",
        "100.0                   | 100",
        "-7.0                    | -7",
        "3.14                    | 3.14",
        "-2.5                    | -2.5",
        "0.1                     | 0.1",
        "0.30000000000000004     | 0.30000000000000004",
        "123456789.125           | 123456789.125",
        "0.000001                | 0.000001",
        "0.0000012345            | 0.0000012345",
        "9.999999e-7             | 9.999999e-7",
        "1e-7                    | 1e-7",
        "5e-7                    | 5e-7",
        "1.5e-7                  | 1.5e-7",
        "1e-10                   | 1e-10",
        "1.2345e-100             | 1.2345e-100",
        "1e20                    | 100000000000000000000",
        "1.23e20                 | 123000000000000000000",
        "1e21                    | 1e+21",
        "-1e21                   | -1e+21",
        "1e100                   | 1e+100",
        "1180591620717411303424  | 1.1805916207174113e+21",
        "1e16                    | 10000000000000000",
        "9007199254740993        | 9007199254740992",
        "1152921504606846976     | 1152921504606847000",
        "1.7976931348623157e308  | 1.7976931348623157e+308",
        "4.9e-324                | 5e-324",
        "2.2250738585072014e-308 | 2.2250738585072014e-308",
        // Java 17's Double.toString gives more digits than needed for these three
        "1e23                    | 1e+23",
        "8.41e21                 | 8.41e+21",
        "2.82879384806159e17     | 282879384806159000",
        "4.8726570057e288        | 4.8726570057e+288",
    })
    void formatsLikeGo(double value, String expected) {
        assertThat(GoFloat.format(value)).isEqualTo(expected);
    }

    @Test
    void zeroKeepsItsSign() {
        assertThat(GoFloat.format(0.0)).isEqualTo("0");
        assertThat(GoFloat.format(-0.0)).isEqualTo("-0");
    }

    @Test
    void refusesWhatJsonCannotCarryWithGosMessage() {
        assertThatThrownBy(() -> GoFloat.format(Double.NaN))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("json: unsupported value: NaN");
        assertThatThrownBy(() -> GoFloat.format(Double.POSITIVE_INFINITY))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("json: unsupported value: +Inf");
        assertThatThrownBy(() -> GoFloat.format(Double.NEGATIVE_INFINITY))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("json: unsupported value: -Inf");
    }

    /** Every output reads back as the same double, and is never longer than Java's own (non-shortest) digits. */
    @Test
    void randomDoublesRoundTripWithShortestDigits() {
        SplittableRandom random = new SplittableRandom(20240611);
        for (int i = 0; i < 20_000; i++) {
            double v = Double.longBitsToDouble(random.nextLong());
            if (Double.isNaN(v) || Double.isInfinite(v)) {
                continue;
            }
            String s = GoFloat.format(v);
            assertThat(Double.parseDouble(s)).as(s).isEqualTo(v);
            assertThat(s).as("Go form of %s", v).matches("-?(0|[1-9][0-9]*)(\\.[0-9]*[1-9])?(e[+-][1-9][0-9]*)?");
            double abs = Math.abs(v);
            assertThat(s.contains("e")).as(s).isEqualTo(abs < 1e-6 || abs >= 1e21);
            assertThat(significantDigits(s)).as(s).isLessThanOrEqualTo(significantDigits(Double.toString(v)));
        }
    }

    private static int significantDigits(String s) {
        String mantissa = s.toLowerCase().split("e")[0].replace("-", "").replace(".", "");
        mantissa = mantissa.replaceFirst("^0+", "").replaceFirst("0+$", "");
        return Math.max(1, mantissa.length());
    }
}
