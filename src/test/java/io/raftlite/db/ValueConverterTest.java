package io.raftlite.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ValueConverterTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "2004-02-14|2004-02-14T00:00:00Z",
        "2004-02-14 07:15|2004-02-14T07:15:00Z",
        "2004-02-14T07:15|2004-02-14T07:15:00Z",
        "2004-02-14 07:15:00|2004-02-14T07:15:00Z",
        "2004-02-14 07:15:00Z|2004-02-14T07:15:00Z",
        "2004-02-14 7:15:00|2004-02-14T07:15:00Z",
        "2004-02-14 07:15:00.5|2004-02-14T07:15:00.5Z",
        "2004-02-14 07:15:00,25|2004-02-14T07:15:00.25Z",
        "2004-02-14T07:15:00.510241|2004-02-14T07:15:00.510241Z",
        "2004-02-14T07:15:00.000000000|2004-02-14T07:15:00Z",
        "2004-02-14T07:15:00.1234567891234|2004-02-14T07:15:00.123456789Z",
        "2004-02-14 07:15:00+02:00|2004-02-14T07:15:00+02:00",
        "2004-02-14T07:15:00.5-05:30|2004-02-14T07:15:00.5-05:30",
        "2004-02-14 07:15:00+00:00|2004-02-14T07:15:00Z",
        "2004-02-14 07:15:00+02:00Z|2004-02-14T07:15:00+02:00",
        "2004-02-30|0001-01-01T00:00:00Z",
        "2004-02-29|2004-02-29T00:00:00Z",
        "2004-13-01|0001-01-01T00:00:00Z",
        "2004-02-14 24:00|0001-01-01T00:00:00Z",
        "2004-02-14 07:15+02:00|0001-01-01T00:00:00Z",
        "'2004-02-14 07:15:00.5 '|0001-01-01T00:00:00Z",
        "04-02-14|0001-01-01T00:00:00Z",
        "2004/02/14|0001-01-01T00:00:00Z",
        "hello|0001-01-01T00:00:00Z",
        "' 2004-02-14'|0001-01-01T00:00:00Z",
    })
    void textDates(String in, String out) {
        assertThat(ValueConverter.convert(ValueConverter.SQLITE_TEXT, in, "datetime")).isEqualTo(out);
    }

    @Test
    void integerDatesAreUnixSecondsOrMilliseconds() {
        assertThat(ValueConverter.convert(1, 0L, "date")).isEqualTo("1970-01-01T00:00:00Z");
        assertThat(ValueConverter.convert(1, 1076742900L, "timestamp")).isEqualTo("2004-02-14T07:15:00Z");
        assertThat(ValueConverter.convert(1, 1076742900510L, "timestamp")).isEqualTo("2004-02-14T07:15:00.51Z");
        assertThat(ValueConverter.convert(1, -1L, "datetime")).isEqualTo("1969-12-31T23:59:59Z");
        assertThat(ValueConverter.convert(1, -1076742900500L, "datetime")).isEqualTo("1935-11-18T16:44:59.5Z");
        assertThatThrownBy(() -> ValueConverter.convert(1, 999_999_999_999L, "datetime"))
                .isInstanceOf(ValueConverter.ConversionException.class)
                .hasMessage("Time.MarshalText: year outside of range [0,9999]");
    }

    @Test
    void otherStorageClassesInDateColumnsAreUnchanged() {
        assertThat(ValueConverter.convert(2, 2.5, "date")).isEqualTo(2.5);
        assertThat((byte[]) ValueConverter.convert(4, new byte[] {7}, "date")).containsExactly(7);
        assertThat(ValueConverter.convert(5, null, "date")).isNull();
    }

    @Test
    void booleanOnlyForExactDeclaredTypeAndIntegerStorage() {
        assertThat(ValueConverter.convert(1, 2L, "boolean")).isEqualTo(true);
        assertThat(ValueConverter.convert(1, 0L, "boolean")).isEqualTo(false);
        assertThat(ValueConverter.convert(1, 1L, "bool")).isEqualTo(1L);
        assertThat(ValueConverter.convert(2, 1.0, "boolean")).isEqualTo(1.0);
    }

    @Test
    void textLikeTypes() {
        for (String t : new String[] {"", "text", "json", "varchar(3)", "varying character", "nchar(2)", "native character",
            "nvarchar", "clob"}) {
            assertThat(ValueConverter.convert(4, new byte[] {0x68, 0x69}, t)).as(t).isEqualTo("hi");
        }
        for (String t : new String[] {"blob", "int", "texts ", "character", "string"}) {
            assertThat(ValueConverter.convert(4, new byte[] {0x68}, t)).as(t).isInstanceOf(byte[].class);
        }
        assertThat(ValueConverter.convert(4, null, "")).isEqualTo("");
    }

    @Test
    void typeNamesFromValues() {
        assertThat(ValueConverter.typeOf(1L)).isEqualTo("integer");
        assertThat(ValueConverter.typeOf(1.0)).isEqualTo("real");
        assertThat(ValueConverter.typeOf("x")).isEqualTo("text");
        assertThat(ValueConverter.typeOf(true)).isEqualTo("boolean");
        assertThat(ValueConverter.typeOf(null)).isEqualTo("");
    }
}
