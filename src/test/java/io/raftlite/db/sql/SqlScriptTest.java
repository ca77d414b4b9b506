package io.raftlite.db.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class SqlScriptTest {

    private static List<String> sqls(String text) {
        return SqlScript.split(text).stream().map(SqlStatementText::sql).collect(Collectors.toList());
    }

    @Test
    void splitsAtTopLevelSemicolons() {
        assertThat(sqls("CREATE TABLE foo (id INTEGER); INSERT INTO foo VALUES (1);SELECT * FROM foo"))
                .containsExactly("CREATE TABLE foo (id INTEGER)", "INSERT INTO foo VALUES (1)", "SELECT * FROM foo");
    }

    @Test
    void doesNotSplitInsideQuotes() {
        assertThat(sqls("INSERT INTO t VALUES ('a;b', \"c;d\"); SELECT [x;y], `p;q` FROM t"))
                .containsExactly("INSERT INTO t VALUES ('a;b', \"c;d\")", "SELECT [x;y], `p;q` FROM t");
        assertThat(sqls("SELECT 'it''s; fine'; SELECT 2")).containsExactly("SELECT 'it''s; fine'", "SELECT 2");
    }

    @Test
    void doesNotSplitInsideCommentsAndKeepsInnerComments() {
        assertThat(sqls("SELECT 1 /* ; */ + 2; -- comment; here\nSELECT 3 -- trailing; comment"))
                .containsExactly("SELECT 1 /* ; */ + 2", "SELECT 3");
    }

    @Test
    void dropsEmptyAndCommentOnlyPieces() {
        assertThat(sqls(";; SELECT 1 ;  ; /* only a comment */ ; -- another\n ;")).containsExactly("SELECT 1");
        assertThat(SqlScript.split("")).isEmpty();
        assertThat(SqlScript.split("  \n\t ; ;")).isEmpty();
        assertThat(SqlScript.split("/* unterminated ; comment")).isEmpty();
    }

    @Test
    void unterminatedStringKeepsTheRestAsOnePiece() {
        assertThat(sqls("SELECT 1; SELECT 'abc; SELECT 2")).containsExactly("SELECT 1", "SELECT 'abc; SELECT 2");
    }

    @Test
    void keepsTriggerBodyTogether() {
        String trigger = "CREATE TRIGGER t_ins AFTER INSERT ON t BEGIN\n"
                + "  INSERT INTO log VALUES (new.id);\n"
                + "  UPDATE c SET n = n + 1;\n"
                + "END";
        assertThat(sqls(trigger + "; INSERT INTO t VALUES (1)"))
                .containsExactly(trigger, "INSERT INTO t VALUES (1)");
    }

    @Test
    void keepsTriggerBodyWithCaseEndTogether() {
        String trigger = "create temp trigger tr before update on t for each row begin "
                + "select case when new.x < 0 then raise(abort, 'neg; no') end; "
                + "insert into log select case new.x when 1 then 'one' else 'other' end; "
                + "end";
        assertThat(sqls(trigger + ";select 1;")).containsExactly(trigger, "select 1");
        String temporary = "CREATE TEMPORARY TRIGGER x AFTER DELETE ON t BEGIN DELETE FROM u; END";
        assertThat(sqls(temporary + "; SELECT 2")).containsExactly(temporary, "SELECT 2");
    }

    @Test
    void triggerWithoutBeginDoesNotSwallowTheRest() {
        assertThat(sqls("CREATE TRIGGER broken; SELECT 1")).containsExactly("CREATE TRIGGER broken", "SELECT 1");
    }

    @Test
    void plainPositionalParametersCountUp() {
        SqlStatementText s = SqlScript.split("INSERT INTO t VALUES (?, ?, ?)").get(0);
        assertThat(s.parameterCount()).isEqualTo(3);
        assertThat(s.namedParameterIndexes()).isEmpty();
    }

    @Test
    void numberedParameterRaisesTheMaximum() {
        assertThat(SqlScript.split("SELECT ?3").get(0).parameterCount()).isEqualTo(3);
        assertThat(SqlScript.split("SELECT ?3, ?").get(0).parameterCount()).isEqualTo(4);
        assertThat(SqlScript.split("SELECT ?, ?, ?, ?1").get(0).parameterCount()).isEqualTo(3);
        assertThat(SqlScript.split("SELECT ?0003").get(0).parameterCount()).isEqualTo(3);
    }

    @Test
    void outOfRangeNumberedParameterIsIgnored() {
        assertThat(SqlScript.split("SELECT ?0, ?99999").get(0).parameterCount()).isZero();
    }

    @Test
    void namedParameterReusesItsIndex() {
        SqlStatementText s = SqlScript.split("SELECT :a, :b, :a, @c, $d, :A").get(0);
        assertThat(s.parameterCount()).isEqualTo(5);
        assertThat(s.namedParameterIndexes())
                .containsOnly(entry(":a", 1), entry(":b", 2), entry("@c", 3), entry("$d", 4), entry(":A", 5));
    }

    @Test
    void mixedParametersFollowSqliteNumbering() {
        SqlStatementText s = SqlScript.split("SELECT ?, :x, ?5, :y, ?, :x, ?2").get(0);
        assertThat(s.namedParameterIndexes()).containsOnly(entry(":x", 2), entry(":y", 6));
        assertThat(s.parameterCount()).isEqualTo(7);
    }

    @Test
    void tclStyleNamesAreKeptAsWritten() {
        SqlStatementText s = SqlScript.split("SELECT $a::b, $f(x), $a::b").get(0);
        assertThat(s.namedParameterIndexes()).containsOnly(entry("$a::b", 1), entry("$f(x)", 2));
        assertThat(s.parameterCount()).isEqualTo(2);
    }

    @Test
    void parametersAreCountedPerStatement() {
        List<SqlStatementText> pieces = SqlScript.split("INSERT INTO t VALUES (?, ?); SELECT * FROM t WHERE id = :id");
        assertThat(pieces).hasSize(2);
        assertThat(pieces.get(0).parameterCount()).isEqualTo(2);
        assertThat(pieces.get(0).namedParameterIndexes()).isEmpty();
        assertThat(pieces.get(1).parameterCount()).isEqualTo(1);
        assertThat(pieces.get(1).namedParameterIndexes()).containsOnly(entry(":id", 1));
    }

    @Test
    void parametersInStringsAndCommentsAreNotCounted() {
        SqlStatementText s = SqlScript.split("SELECT '?', \":x\" /* ?3 */, ? -- :y").get(0);
        assertThat(s.parameterCount()).isEqualTo(1);
        assertThat(s.namedParameterIndexes()).isEmpty();
    }

    @Test
    void aBareStatementTakesTheShortPathAndSplitsAsTheLexerWould() {
        assertThat(SqlScript.isOneBareStatement("SELECT v FROM bench WHERE k='k12'")).isTrue();
        for (String longWay : new String[] {"SELECT 1;", " SELECT 1", "SELECT 1\n", "SELECT ?", "SELECT :a", "SELECT @a",
                "SELECT $a", "SELECT #a", "SELECT 1 -- c", "SELECT 1 /* c */", "SELECT 'a\0b'", "SELECT -1", ""}) {
            assertThat(SqlScript.isOneBareStatement(longWay)).as(longWay).isFalse();
        }
        assertThat(SqlScript.endsWithEmptyStatement("SELECT 'x'")).isFalse();
        // every text, whichever path it takes, splits as tokenizing all of it does; the alphabet mixes
        // the characters the short path looks for with quotes, brackets, spaces and non-ASCII letters
        String alphabet = "ab1 \t\n'\"[]`();?:@$#-/*=,\0é" + "SELECT ";
        java.util.Random random = new java.util.Random(20261125);
        int shortPath = 0;
        for (int i = 0; i < 20_000; i++) {
            StringBuilder text = new StringBuilder();
            int length = random.nextInt(14);
            for (int j = 0; j < length; j++) {
                text.append(random.nextInt(3) == 0 ? alphabet.charAt(random.nextInt(alphabet.length()))
                        : "SELECT x FROM t WHERE k=ab'c".charAt(random.nextInt(27)));
            }
            String t = text.toString();
            if (SqlScript.isOneBareStatement(t)) {
                shortPath++;
            }
            assertThat(SqlScript.split(t)).as(t).isEqualTo(SqlScript.splitTokenized(t));
        }
        assertThat(shortPath).isGreaterThan(2_000);
    }
}
