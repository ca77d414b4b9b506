package io.raftlite.db;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftlite.db.sql.SqlScript;
import io.raftlite.db.sql.StatementClassifier;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What is read out of client SQL once must be exactly what reading it again would give. */
class ParsedSqlTest {
    @Test
    void givesWhatTheParsersGive() {
        ParsedSql.Cache cache = new ParsedSql.Cache(8, true);
        for (String sql : List.of("INSERT INTO t VALUES(?, ?)", "SELECT 1; SELECT 2", "SELECT 1;;", "SELECT 1; -- c",
                "CREATE TABLE x (a)", "BEGIN", "", "UPDATE t SET a = 1 WHERE b = :b; DELETE FROM t")) {
            ParsedSql p = cache.of(sql);
            assertThat(p.pieces()).as(sql).isEqualTo(SqlScript.split(sql));
            assertThat(p.endsWithEmptyStatement()).as(sql).isEqualTo(SqlScript.endsWithEmptyStatement(sql));
            assertThat(p.plainDml()).as(sql).isEqualTo(StatementClassifier.isPlainDml(sql));
        }
    }

    @Test
    void aTextIsParsedOnceWhileItIsRecentAndTheCacheIsBounded() {
        ParsedSql.Cache cache = new ParsedSql.Cache(2, true);
        ParsedSql a = cache.of("SELECT 1");
        assertThat(cache.of("SELECT 1")).isSameAs(a);
        ParsedSql first = cache.of("SELECT 2");
        assertThat(cache.of("SELECT 1")).isSameAs(a); // used again: now the most recent
        cache.of("SELECT 3"); // evicts SELECT 2, the least recently used
        assertThat(cache.of("SELECT 1")).isSameAs(a);
        ParsedSql two = cache.of("SELECT 2");
        assertThat(two).isNotSameAs(first);
        assertThat(two.pieces()).isEqualTo(SqlScript.split("SELECT 2"));
        assertThat(cache.of("SELECT 2")).isSameAs(two);
    }

    @Test
    void aReadConnectionsCacheWorksOutBareStatementsEachTimeAndKeepsTheOthers() {
        ParsedSql.Cache cache = new ParsedSql.Cache(2, false);
        ParsedSql kept = cache.of("SELECT ?");
        assertThat(cache.of("SELECT ?")).isSameAs(kept);
        for (int i = 0; i < 10; i++) {
            String bare = "SELECT v FROM t WHERE k='k" + i + "'";
            ParsedSql p = cache.of(bare);
            assertThat(p.pieces()).isEqualTo(SqlScript.split(bare));
            assertThat(cache.of(bare)).isNotSameAs(p);
        }
        assertThat(cache.of("SELECT ?")).isSameAs(kept); // not pushed out by the ten bare texts
        ParsedSql script = cache.of("SELECT 1; SELECT 2");
        assertThat(cache.of("SELECT 1; SELECT 2")).isSameAs(script);
    }
}
