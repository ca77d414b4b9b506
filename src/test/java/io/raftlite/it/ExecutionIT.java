package io.raftlite.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Spec 2.3: how statements execute. Runs on its own node, because the write counters carry over from
 * whatever ran before on the write connection and the first test needs a node nothing has written to.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ExecutionIT {
    /** About 10^8 steps of a recursive CTE: tens of seconds of work, far beyond any db_timeout used here. */
    private static final String SLOW_COUNT =
            "SELECT count(*) FROM (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 100000000) SELECT x FROM c)";
    private static final String DISALLOWED = "{\"results\":[],\"error\":\"disallowed pragma\"}";

    @TempDir
    static Path dir;
    private static NodeProcess node;
    private static Api api;

    @BeforeAll
    static void start() {
        node = NodeProcess.start(dir.resolve("node"));
        api = new Api(node);
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.stop();
        }
    }

    private static String execute(String query, String json) {
        Api.Response r = api.post("/db/execute" + query, json);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.body();
    }

    private static String post(String path, String json) {
        Api.Response r = api.post(path, json);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.body();
    }

    private static String count(String table) {
        return api.query("SELECT count(*) AS n FROM " + table);
    }

    private static String countIs(long n) {
        return "{\"results\":[{\"columns\":[\"n\"],\"types\":[\"integer\"],\"values\":[[" + n + "]]}]}";
    }

    @Test
    @Order(1)
    void countersCarryOverOnTheWriteConnection() {
        // nothing has run on this node yet: a CREATE TABLE reports no counters at all
        assertThat(api.execute("[\"CREATE TABLE ex_foo (id INTEGER NOT NULL PRIMARY KEY, name TEXT)\"]"))
                .isEqualTo("{\"results\":[{}]}");
        assertThat(api.execute("[[\"INSERT INTO ex_foo(name) VALUES(?)\", \"fiona\"], [\"INSERT INTO ex_foo(name) VALUES(?)\", \"declan\"]]"))
                .isEqualTo("{\"results\":[{\"last_insert_id\":1,\"rows_affected\":1},{\"last_insert_id\":2,\"rows_affected\":1}]}");
        // CREATE and DROP report the numbers of the last INSERT, even in a later request
        assertThat(api.execute("[\"CREATE TABLE ex_other (id INTEGER)\"]"))
                .isEqualTo("{\"results\":[{\"last_insert_id\":2,\"rows_affected\":1}]}");
        assertThat(api.execute("[\"UPDATE ex_foo SET name = 'x' WHERE id > 100\"]"))
                .isEqualTo("{\"results\":[{\"last_insert_id\":2}]}");
        assertThat(api.execute("[\"UPDATE ex_foo SET name = upper(name)\", \"DROP TABLE ex_foo\"]"))
                .isEqualTo("{\"results\":[{\"last_insert_id\":2,\"rows_affected\":2},{\"last_insert_id\":2,\"rows_affected\":2}]}");
        assertThat(api.execute("[\"INSERT INTO ex_other VALUES(1)\", \"DROP TABLE ex_other\"]"))
                .isEqualTo("{\"results\":[{\"last_insert_id\":1,\"rows_affected\":1},{\"last_insert_id\":1,\"rows_affected\":1}]}");
    }

    @Test
    @Order(2)
    void multiStatementStringReportsTheLastStatement() {
        assertThat(execute("", "[\"CREATE TABLE ex_multi (id INTEGER NOT NULL PRIMARY KEY, name TEXT);"
                        + " INSERT INTO ex_multi(name) VALUES('a'); INSERT INTO ex_multi(name) VALUES('b')\"]"))
                .isEqualTo("{\"results\":[{\"last_insert_id\":2,\"rows_affected\":1}]}");
        assertThat(execute("", "[\"INSERT INTO ex_multi(name) VALUES('c'); UPDATE ex_multi SET name = name || '!'\"]"))
                .isEqualTo("{\"results\":[{\"last_insert_id\":3,\"rows_affected\":3}]}");
        assertThat(api.query("SELECT name FROM ex_multi ORDER BY id")).isEqualTo(
                "{\"results\":[{\"columns\":[\"name\"],\"types\":[\"text\"],\"values\":[[\"a!\"],[\"b!\"],[\"c!\"]]}]}");
    }

    @Test
    @Order(3)
    void transactionStopsAtTheFirstErrorAndRollsBack() {
        api.execute("[\"CREATE TABLE ex_tx (id INTEGER NOT NULL PRIMARY KEY, name TEXT)\"]");
        String batch = "[\"INSERT INTO ex_tx(name) VALUES('owl')\", \"INSERT INTO nope VALUES(1)\", \"INSERT INTO ex_tx(name) VALUES('eel')\"]";
        assertThat(execute("?transaction", batch))
                .isEqualTo("{\"results\":[{\"last_insert_id\":1,\"rows_affected\":1},{\"error\":\"no such table: nope\"}]}");
        assertThat(count("ex_tx")).isEqualTo(countIs(0));
        // a presence flag: even transaction=false turns it on
        assertThat(execute("?transaction=false", batch))
                .isEqualTo("{\"results\":[{\"last_insert_id\":1,\"rows_affected\":1},{\"error\":\"no such table: nope\"}]}");
        assertThat(count("ex_tx")).isEqualTo(countIs(0));

        // without the flag every statement stands alone
        assertThat(execute("", batch)).isEqualTo("{\"results\":[{\"last_insert_id\":1,\"rows_affected\":1},"
                + "{\"error\":\"no such table: nope\"},{\"last_insert_id\":2,\"rows_affected\":1}]}");
        assertThat(count("ex_tx")).isEqualTo(countIs(2));

        // the unified endpoint follows the same rule
        assertThat(post("/db/request?transaction", "[\"INSERT INTO ex_tx(name) VALUES('cat')\", \"SELECT * FROM nope\","
                        + " \"INSERT INTO ex_tx(name) VALUES('dog')\"]"))
                .isEqualTo("{\"results\":[{\"last_insert_id\":3,\"rows_affected\":1},{\"error\":\"no such table: nope\"}]}");
        assertThat(count("ex_tx")).isEqualTo(countIs(2));
    }

    @Test
    @Order(4)
    void selectSentToExecuteReturnsNoRows() {
        api.execute("[\"CREATE TABLE ex_sel (id INTEGER NOT NULL PRIMARY KEY, name TEXT)\"]");
        assertThat(execute("", "[[\"INSERT INTO ex_sel(name) VALUES(?)\", \"a\"], \"SELECT * FROM ex_sel\"]"))
                .isEqualTo("{\"results\":[{\"last_insert_id\":1,\"rows_affected\":1},{\"last_insert_id\":1,\"rows_affected\":1}]}");
    }

    @Test
    @Order(5)
    void returningIsRunAsAQuery() {
        api.execute("[\"CREATE TABLE ex_ret (id INTEGER NOT NULL PRIMARY KEY, name TEXT)\"]");
        assertThat(execute("", "[[\"INSERT INTO ex_ret(name) VALUES(?) RETURNING id, name\", \"fiona\"]]"))
                .isEqualTo("{\"results\":[{\"columns\":[\"id\",\"name\"],\"types\":[\"integer\",\"text\"],\"values\":[[1,\"fiona\"]]}]}");
        assertThat(execute("?associative", "[[\"INSERT INTO ex_ret(name) VALUES(?) RETURNING *\", \"declan\"]]"))
                .isEqualTo("{\"results\":[{\"types\":{\"id\":\"integer\",\"name\":\"text\"},\"rows\":[{\"id\":2,\"name\":\"declan\"}]}]}");
        assertThat(post("/db/request", "[\"UPDATE ex_ret SET name = upper(name) RETURNING name AS n\"]"))
                .isEqualTo("{\"results\":[{\"columns\":[\"n\"],\"types\":[\"text\"],\"values\":[[\"FIONA\"],[\"DECLAN\"]]}]}");
        // the word inside a string literal is not a RETURNING clause
        assertThat(execute("", "[\"INSERT INTO ex_ret(name) VALUES('returning nothing')\"]"))
                .isEqualTo("{\"results\":[{\"last_insert_id\":3,\"rows_affected\":1}]}");
    }

    @Test
    @Order(6)
    void queriesCannotWrite() {
        api.execute("[\"CREATE TABLE ex_ro (id INTEGER)\"]");
        String readOnly = "{\"results\":[{\"error\":\"attempt to change database via query operation\"}]}";
        assertThat(api.query("INSERT INTO ex_ro VALUES(1)")).isEqualTo(readOnly);
        assertThat(post("/db/query", "[\"CREATE TABLE ex_ro2 (id INTEGER)\"]")).isEqualTo(readOnly);
        assertThat(post("/db/query", "[\"SELECT 1 AS one\", \"DELETE FROM ex_ro\", \"SELECT 2 AS two\"]")).isEqualTo(
                "{\"results\":[{\"columns\":[\"one\"],\"types\":[\"integer\"],\"values\":[[1]]},"
                        + "{\"error\":\"attempt to change database via query operation\"},"
                        + "{\"columns\":[\"two\"],\"types\":[\"integer\"],\"values\":[[2]]}]}");
        assertThat(count("ex_ro")).isEqualTo(countIs(0));
    }

    @Test
    @Order(7)
    void multiStatementQueryReturnsOnlyTheLastStatementsRows() {
        api.execute("[\"CREATE TABLE ex_q (id INTEGER)\", \"INSERT INTO ex_q VALUES(1)\"]");
        assertThat(post("/db/query", "[\"SELECT 1 AS a; SELECT 2 AS b\"]"))
                .isEqualTo("{\"results\":[{\"columns\":[\"b\"],\"types\":[\"integer\"],\"values\":[[2]]}]}");
        // earlier statements are prepared but never run: this INSERT neither writes nor fails
        assertThat(post("/db/query", "[\"INSERT INTO ex_q VALUES(2); SELECT count(*) AS n FROM ex_q\"]")).isEqualTo(countIs(1));
        assertThat(post("/db/query", "[[\"SELECT ? AS a; SELECT ? AS b\", 1, 2]]"))
                .isEqualTo("{\"results\":[{\"columns\":[\"b\"],\"types\":[\"integer\"],\"values\":[[2]]}]}");
    }

    @Test
    @Order(8)
    void disallowedPragmasRefuseTheWholeRequest() {
        String[] pragmas = {"PRAGMA journal_mode=DELETE", "pragma main.JOURNAL_MODE = wal", "PRAGMA wal_autocheckpoint=100",
            "PRAGMA wal_checkpoint", "PRAGMA wal_checkpoint(TRUNCATE)", " PRAGMA main.wal_checkpoint(PASSIVE)",
            "PRAGMA synchronous=FULL", "\n\tPRAGMA SYNCHRONOUS = 0", "PRAGMA query_only=0", "PRAGMA temp.query_only = 1"};
        for (String pragma : pragmas) {
            String body = "[\"CREATE TABLE ex_pragma (id INTEGER)\", " + jsonString(pragma) + "]";
            assertThat(execute("", body)).as(pragma).isEqualTo(DISALLOWED);
            assertThat(post("/db/query", "[\"SELECT 1\", " + jsonString(pragma) + "]")).as(pragma).isEqualTo(DISALLOWED);
            assertThat(post("/db/request", body)).as(pragma).isEqualTo(DISALLOWED);
            assertThat(api.query(pragma)).as(pragma).isEqualTo(DISALLOWED);
            Api.Response text = api.post("/db/execute", "text/plain", pragma.getBytes(StandardCharsets.UTF_8));
            assertThat(text.status()).isEqualTo(200);
            assertThat(text.body()).as(pragma).isEqualTo(DISALLOWED);
        }
        // nothing of the refused requests ran
        assertThat(api.query("SELECT count(*) AS n FROM sqlite_master WHERE name = 'ex_pragma'")).isEqualTo(countIs(0));
        // reading those pragmas is fine
        assertThat(api.query("PRAGMA journal_mode"))
                .isEqualTo("{\"results\":[{\"columns\":[\"journal_mode\"],\"types\":[\"text\"],\"values\":[[\"wal\"]]}]}");
        assertThat(api.query("PRAGMA synchronous")).doesNotContain("error");
    }

    @Test
    @Order(9)
    void dbTimeoutStopsSlowStatements() {
        long t0 = System.nanoTime();
        assertThat(api.query(SLOW_COUNT, "db_timeout=200ms")).isEqualTo("{\"results\":[{\"error\":\"query timeout\"}]}");
        assertThat(post("/db/query?db_timeout=200ms", "[" + jsonString(SLOW_COUNT) + ", \"SELECT 1 AS one\"]")).isEqualTo(
                "{\"results\":[{\"error\":\"query timeout\"},{\"columns\":[\"one\"],\"types\":[\"integer\"],\"values\":[[1]]}]}");
        assertThat(execute("?db_timeout=200ms", "[" + jsonString("CREATE TABLE ex_slow AS " + SLOW_COUNT) + "]"))
                .isEqualTo("{\"results\":[{\"error\":\"execute timeout\"}]}");
        assertThat(post("/db/request?db_timeout=200ms", "[" + jsonString(SLOW_COUNT) + "]"))
                .isEqualTo("{\"results\":[{\"error\":\"query timeout\"}]}");
        assertThat((System.nanoTime() - t0) / 1_000_000_000.0).isLessThan(20.0);
        assertThat(api.query("SELECT count(*) AS n FROM sqlite_master WHERE name = 'ex_slow'")).isEqualTo(countIs(0));
        // a generous timeout does not get in the way
        assertThat(api.query("SELECT 1 AS one", "db_timeout=30s"))
                .isEqualTo("{\"results\":[{\"columns\":[\"one\"],\"types\":[\"integer\"],\"values\":[[1]]}]}");
    }

    @Test
    @Order(10)
    void errorsAreSqlitesOwnText() {
        api.execute("[\"CREATE TABLE ex_err (id INTEGER NOT NULL PRIMARY KEY, name TEXT NOT NULL)\", \"INSERT INTO ex_err VALUES(1, 'a')\"]");
        assertThat(execute("", "[\"blah\", \"SELECT * FROM bar\", \"CREATE TABLE ex_err (id INTEGER)\","
                        + " \"INSERT INTO ex_err VALUES(1, 'b')\", \"INSERT INTO ex_err(id) VALUES(2)\", \"SELECT nosuchcol FROM ex_err\"]"))
                .isEqualTo("{\"results\":[{\"error\":\"near \\\"blah\\\": syntax error\"},{\"error\":\"no such table: bar\"},"
                        + "{\"error\":\"table ex_err already exists\"},{\"error\":\"UNIQUE constraint failed: ex_err.id\"},"
                        + "{\"error\":\"NOT NULL constraint failed: ex_err.name\"},{\"error\":\"no such column: nosuchcol\"}]}");
        assertThat(post("/db/query", "[\"blah\", \"SELECT * FROM bar\"]")).isEqualTo(
                "{\"results\":[{\"error\":\"near \\\"blah\\\": syntax error\"},{\"error\":\"no such table: bar\"}]}");
        assertThat(api.query("SELECT * FROM bar")).isEqualTo("{\"results\":[{\"error\":\"no such table: bar\"}]}");
    }

    @Test
    @Order(11)
    void doubleQuotedStringLiteralsWork() {
        api.execute("[\"CREATE TABLE ex_dqs (id INTEGER NOT NULL PRIMARY KEY, name TEXT)\"]");
        assertThat(api.execute("[\"INSERT INTO ex_dqs(name) VALUES(\\\"fiona\\\")\"]"))
                .isEqualTo("{\"results\":[{\"last_insert_id\":1,\"rows_affected\":1}]}");
        assertThat(api.query("SELECT name FROM ex_dqs WHERE name = \"fiona\"")).isEqualTo(
                "{\"results\":[{\"columns\":[\"name\"],\"types\":[\"text\"],\"values\":[[\"fiona\"]]}]}");
    }

    @Test
    @Order(12)
    void sqlStopsAtANulCharacter() {
        // rqlite hands SQLite a C string, so a NUL ends the SQL text: what follows is never seen
        api.execute("[\"CREATE TABLE ex_nul (id INTEGER)\"]");
        assertThat(api.execute("[\"INSERT INTO ex_nul VALUES(1)\\u0000; DROP TABLE ex_nul\"]"))
                .isEqualTo("{\"results\":[{\"last_insert_id\":1,\"rows_affected\":1}]}");
        assertThat(post("/db/query", "[\"SELECT count(*) AS n FROM ex_nul\\u0000 garbage\"]")).isEqualTo(countIs(1));
        assertThat(api.query("SELECT count(*) AS n FROM ex_nul\u0000 garbage")).isEqualTo(countIs(1));
    }

    @Test
    @Order(13)
    void whitespaceOnlyStatementReportsZeroCounters() {
        // only "" is skipped; go-sqlite3 answers {0, 0} for text that prepares to no statement at all
        api.execute("[\"CREATE TABLE ex_blank (id INTEGER)\", \"INSERT INTO ex_blank VALUES(1)\"]");
        assertThat(execute("", "[\"   \"]")).isEqualTo("{\"results\":[{}]}");
        assertThat(execute("", "[\" \\n\\t \", \"INSERT INTO ex_blank VALUES(2)\"]"))
                .isEqualTo("{\"results\":[{},{\"last_insert_id\":2,\"rows_affected\":1}]}");
    }

    @Test
    @Order(14)
    void trailingCommentReportsZeroCounters() {
        // go-sqlite3 reports the last piece of the text, and a trailing comment is a piece with nothing to run
        api.execute("[\"CREATE TABLE ex_comment (id INTEGER)\", \"INSERT INTO ex_comment VALUES(1)\"]");
        assertThat(execute("", "[\"INSERT INTO ex_comment VALUES(2); -- trailing comment\"]")).isEqualTo("{\"results\":[{}]}");
        assertThat(execute("", "[\"INSERT INTO ex_comment VALUES(3);  \\n \"]"))
                .isEqualTo("{\"results\":[{\"last_insert_id\":3,\"rows_affected\":1}]}");
        assertThat(count("ex_comment")).isEqualTo(countIs(3));
    }

    /** {@code s} as a JSON string literal. */
    private static String jsonString(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                default -> sb.append(c);
            }
        }
        return sb.append('"').toString();
    }
}
