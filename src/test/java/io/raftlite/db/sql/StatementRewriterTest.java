package io.raftlite.db.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class StatementRewriterTest {
    private static final Instant NOW = Instant.parse("2026-02-06T10:42:13.277Z");
    /** Julian Day of {@link #NOW}: 1770374533277 / 86400000 + 2440587.5. */
    private static final String JD = "2461077.945987";
    /** Every draw is all one bits: RANDOM() gives Long.MAX_VALUE, every blob byte is FF. */
    private static final RandomGenerator ALL_ONES = () -> -1L;

    private final StatementRewriter rewriter = new StatementRewriter(ALL_ONES, Clock.fixed(NOW, ZoneOffset.UTC));

    private String rewrite(String sql) {
        return rewriter.rewrite(sql, StatementRewriter.Options.ALL);
    }

    @ParameterizedTest
    @ValueSource(strings = {"SELECT RaNdOm/**/()", "SELECT randomblob\t(4)", "SELECT Date --c\n('now')",
        "SELECT datetime('now')", "x JULIANDAY(", "unixepoch  (", "SELECT TimeDiff(a, b)"})
    void thePreFilterFindsACallInAnyCase(String sql) {
        assertThat(StatementRewriter.mayNeedRewrite(sql, StatementRewriter.Options.ALL)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"INSERT INTO t VALUES (1)", "SELECT randomness FROM r", "SELECT updated FROM t",
        "SELECT date FROM t", "SELECT 1 FROM random", ""})
    void thePreFilterPassesTextWithoutACall(String sql) {
        assertThat(StatementRewriter.mayNeedRewrite(sql, StatementRewriter.Options.ALL)).isFalse();
    }

    @Test
    void thePreFilterHonoursTheOptOuts() {
        assertThat(StatementRewriter.mayNeedRewrite("SELECT random()", new StatementRewriter.Options(false, true))).isFalse();
        assertThat(StatementRewriter.mayNeedRewrite("SELECT date('now')", new StatementRewriter.Options(true, false))).isFalse();
    }

    @Test
    void randomInValuesBecomesNonNegativeLiteral() {
        assertThat(rewrite("INSERT INTO foo(id, n) VALUES (1, random())"))
                .isEqualTo("INSERT INTO foo(id, n) VALUES (1, 9223372036854775807)");
        StatementRewriter signBit = new StatementRewriter(() -> 0x8000000000000005L, Clock.systemUTC());
        assertThat(signBit.rewrite("SELECT RANDOM ( )", StatementRewriter.Options.ALL)).isEqualTo("SELECT 5");
        assertThat(signBit.rewrite("SELECT RaNdOm/* c */()", StatementRewriter.Options.ALL)).isEqualTo("SELECT 5");
    }

    @Test
    void randomWithArgumentsOrQualifiedIsNotRewritten() {
        String sql = "INSERT INTO foo VALUES (random(1), t.random(), \"random\"())";
        assertThat(rewrite(sql)).isSameAs(sql);
    }

    @Test
    void randomInOrderByIsNotRewritten() {
        String sql = "SELECT * FROM foo ORDER BY random()";
        assertThat(rewrite(sql)).isSameAs(sql);
        assertThat(rewrite("INSERT INTO t SELECT a, random() FROM (SELECT a FROM s ORDER BY abs(random())) "
                + "ORDER BY randomblob(4), random() LIMIT 1"))
                .isEqualTo("INSERT INTO t SELECT a, 9223372036854775807 FROM (SELECT a FROM s ORDER BY abs(random())) "
                        + "ORDER BY randomblob(4), random() LIMIT 1");
    }

    @Test
    void orderByEndsAtLimitClosingParenAndSemicolon() {
        assertThat(rewrite("SELECT x FROM t ORDER BY random() LIMIT random()"))
                .isEqualTo("SELECT x FROM t ORDER BY random() LIMIT 9223372036854775807");
        assertThat(rewrite("SELECT row_number() OVER (ORDER BY random()), random() FROM t"))
                .isEqualTo("SELECT row_number() OVER (ORDER BY random()), 9223372036854775807 FROM t");
        assertThat(rewrite("SELECT 1 ORDER BY random(); INSERT INTO t VALUES (random())"))
                .isEqualTo("SELECT 1 ORDER BY random(); INSERT INTO t VALUES (9223372036854775807)");
    }

    @Test
    void randomBlobBecomesBlobLiteralOfTheRequestedLength() {
        assertThat(rewrite("INSERT INTO foo VALUES (randomblob(16))"))
                .isEqualTo("INSERT INTO foo VALUES (X'" + "FF".repeat(16) + "')");
        String rewritten = new StatementRewriter(new SplittableRandom(7), Clock.systemUTC())
                .rewrite("INSERT INTO foo VALUES (RANDOMBLOB( 16 ))", StatementRewriter.Options.ALL);
        assertThat(rewritten).matches("INSERT INTO foo VALUES \\(X'[0-9A-F]{32}'\\)");
    }

    @Test
    void randomBlobOfZeroGivesOneByte() {
        assertThat(rewrite("SELECT randomblob(0)")).isEqualTo("SELECT X'FF'");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "INSERT INTO foo VALUES (randomblob(x))",
        "INSERT INTO foo VALUES (randomblob(-1))",
        "INSERT INTO foo VALUES (randomblob(1.5))",
        "INSERT INTO foo VALUES (randomblob(?))",
        "INSERT INTO foo VALUES (randomblob(4 + 4))",
        "INSERT INTO foo VALUES (randomblob(99999999))",
        "INSERT INTO foo VALUES (randomblob())",
    })
    void randomBlobWithoutPlainLiteralIsNotRewritten(String sql) {
        assertThat(rewrite(sql)).isSameAs(sql);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "INSERT INTO t VALUES (datetime('now'))|INSERT INTO t VALUES (datetime(" + JD + "))",
        "SELECT date('NOW', 'start of month')|SELECT date(" + JD + ", 'start of month')",
        "SELECT time( 'Now' )|SELECT time( " + JD + " )",
        "SELECT julianday(now)|SELECT julianday(" + JD + ")",
        "SELECT unixepoch(\"now\")|SELECT unixepoch(" + JD + ")",
        "SELECT DateTime ('now','localtime')|SELECT DateTime (" + JD + ",'localtime')",
        "SELECT strftime('%s', 'now')|SELECT strftime('%s', " + JD + ")",
        "SELECT strftime(format(\"%s\", 1), 'now', 'utc')|SELECT strftime(format(\"%s\", 1), " + JD + ", 'utc')",
        "SELECT timediff('now', '2020-01-01')|SELECT timediff(" + JD + ", '2020-01-01')",
        "SELECT timediff('2020-01-01', 'now')|SELECT timediff('2020-01-01', " + JD + ")",
        "SELECT timediff('now', 'now')|SELECT timediff(" + JD + ", " + JD + ")",
        "SELECT datetime(date('now'))|SELECT datetime(date(" + JD + "))",
    })
    void nowBecomesJulianDay(String sql, String expected) {
        assertThat(rewrite(sql)).isEqualTo(expected);
    }

    @Test
    void julianDayIsComputedInUtcWhateverTheClockZone() {
        StatementRewriter newYork = new StatementRewriter(ALL_ONES, Clock.fixed(NOW, ZoneId.of("America/New_York")));
        assertThat(newYork.rewrite("SELECT datetime('now')", StatementRewriter.Options.ALL))
                .isEqualTo("SELECT datetime(" + JD + ")");
        assertThat(StatementRewriter.julianDay(0)).isEqualTo("2440587.500000");
        assertThat(StatementRewriter.julianDay(946_728_000_000L)).isEqualTo("2451545.000000");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "INSERT INTO t VALUES (CURRENT_TIMESTAMP, CURRENT_TIME, CURRENT_DATE)",
        "INSERT INTO t VALUES (datetime(), date(), time(), julianday())",
        "INSERT INTO t VALUES (datetime('2020-01-01 10:00:00'), date(1700000000, 'unixepoch'))",
        "SELECT strftime('now')",
        "SELECT strftime('%s', 'now ')",
        "SELECT datetime('now' || '')",
        "SELECT datetime([now]), datetime(`now`)",
        "INSERT INTO t VALUES ('datetime(''now'')', 'random()')",
        "INSERT INTO t VALUES (1) /* datetime('now'), random() */ -- randomblob(4)",
        "SELECT \"datetime('now')\", [random()] FROM t",
        "SELECT t.datetime('now')",
        "SELECT now('now')",
    })
    void leavesOtherTimesAndQuotedTextAlone(String sql) {
        assertThat(rewrite(sql)).isSameAs(sql);
    }

    @Test
    void keepsAllOtherTextByteForByte() {
        String sql = "INSERT /* c; */ INTO \"T\" ( a,b ,c)\n\tVALUES ( random() , 'x''y', datetime( 'now' ,\n 'utc' ) ) ;"
                + " -- done\nINSERT INTO [u] VALUES(randomblob(2));";
        assertThat(rewrite(sql)).isEqualTo(
                "INSERT /* c; */ INTO \"T\" ( a,b ,c)\n\tVALUES ( 9223372036854775807 , 'x''y', datetime( " + JD
                        + " ,\n 'utc' ) ) ; -- done\nINSERT INTO [u] VALUES(X'FFFF');");
    }

    @Test
    void optionsTurnRewritesOff() {
        String sql = "INSERT INTO t VALUES (random(), randomblob(2), datetime('now'))";
        assertThat(rewriter.rewrite(sql, new StatementRewriter.Options(false, true)))
                .isEqualTo("INSERT INTO t VALUES (random(), randomblob(2), datetime(" + JD + "))");
        assertThat(rewriter.rewrite(sql, new StatementRewriter.Options(true, false)))
                .isEqualTo("INSERT INTO t VALUES (9223372036854775807, X'FFFF', datetime('now'))");
        assertThat(rewriter.rewrite(sql, new StatementRewriter.Options(false, false))).isSameAs(sql);
    }

    @Test
    void leavesSchemaDefinitionsAlone() {
        String table = "CREATE TABLE t (id INTEGER PRIMARY KEY, r INTEGER DEFAULT (random()), "
                + "ts TEXT DEFAULT (datetime('now')))";
        assertThat(rewrite(table)).isSameAs(table);
        String trigger = "CREATE TRIGGER tr AFTER INSERT ON t BEGIN "
                + "UPDATE t SET ts = datetime('now'), r = random() WHERE id = new.id; END";
        assertThat(rewrite(trigger)).isSameAs(trigger);
        String view = "CREATE VIEW v AS SELECT random(), datetime('now')";
        assertThat(rewrite(view)).isSameAs(view);
        String alter = "ALTER TABLE t ADD COLUMN z DEFAULT (random())";
        assertThat(rewrite(alter)).isSameAs(alter);
        assertThat(rewrite(trigger + "; INSERT INTO t(r) VALUES (random())"))
                .isEqualTo(trigger + "; INSERT INTO t(r) VALUES (9223372036854775807)");
    }

    @Test
    void rewritesCreateTableAsSelect() {
        assertThat(rewrite("CREATE TABLE t2 AS SELECT random() AS r, datetime('now') AS ts"))
                .isEqualTo("CREATE TABLE t2 AS SELECT 9223372036854775807 AS r, datetime(" + JD + ") AS ts");
    }

    @Test
    void returnsTheSameInstanceWhenNothingMatches() {
        String sql = "UPDATE foo SET a = 1 WHERE b = 'random'";
        assertThat(rewrite(sql)).isSameAs(sql);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "random(", "randomblob(", "randomblob(3", "datetime('now'", "strftime(", "strftime('%s',",
        "timediff('now'", "))) random() (((", "SELECT 'unterminated random()", "x'random()", "\"random()",
        "ORDER BY ) ) random()", "date(,,,'now')", ";;;random();;;", "",
    })
    void neverThrowsOnGarbage(String sql) {
        assertThatCode(() -> rewrite(sql)).doesNotThrowAnyException();
        assertThat(rewrite(sql)).isNotNull();
    }

    @Test
    void fuzzedInputNeverBreaksAnyEntryPoint() {
        String[] fragments = {"random", "randomblob", "(", ")", "'now'", "now", ",", ";", " ", "'", "\"", "[", "]",
            "`", "--", "\n", "/*", "*/", "ORDER", "BY", "LIMIT", "datetime", "strftime", "timediff", "16", "?", ":a",
            "$b(", "x'", "CREATE", "TRIGGER", "BEGIN", "END", "CASE", "WITH", "INSERT", "RETURNING", "PRAGMA", ".",
            "=", "\u00e9"};
        SplittableRandom seed = new SplittableRandom(1234);
        for (int n = 0; n < 5000; n++) {
            StringBuilder sql = new StringBuilder();
            int length = seed.nextInt(25);
            for (int i = 0; i < length; i++) {
                sql.append(fragments[seed.nextInt(fragments.length)]);
            }
            String text = sql.toString();
            assertThatCode(() -> {
                rewrite(text);
                SqlScript.split(text).forEach(s -> assertThat(text).contains(s.sql()));
                StatementClassifier.isReadOnly(text);
                StatementClassifier.hasReturning(text);
                StatementClassifier.isDisallowedPragma(text);
            }).as(text).doesNotThrowAnyException();
        }
    }
}
