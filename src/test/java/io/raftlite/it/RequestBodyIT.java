package io.raftlite.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Spec 2.1 and 2.2: the request body forms of {@code /db/execute}, {@code /db/query} and
 * {@code /db/request}, how parameter values bind, and every 400 answer. Tables are prefixed {@code rb_}.
 */
@ExtendWith(SharedNode.class)
class RequestBodyIT {
    private static final String[] JSON_ENDPOINTS = {"/db/execute", "/db/query", "/db/request"};

    private final Api api = SharedNode.api();

    private Api.Response post(String path, String json) {
        return api.post(path, json);
    }

    private Api.Response postText(String path, String sql) {
        return api.post(path, "text/plain", sql.getBytes(StandardCharsets.UTF_8));
    }

    private static void assertOk(Api.Response r, String expectedBody) {
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(mediaType(r)).isEqualTo("application/json;charset=utf-8");
        assertThat(r.body()).isEqualTo(expectedBody);
    }

    private static void assertBadRequest(Api.Response r, String message) {
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.body()).isEqualTo(message + "\n");
        assertThat(mediaType(r)).isEqualTo("text/plain;charset=utf-8");
        assertThat(r.header("X-Content-Type-Options")).isEqualTo("nosniff");
    }

    /** The Content-Type without spaces, lower-cased: equal media types compare equal (RFC 9110, 8.3). */
    private static String mediaType(Api.Response r) {
        String ct = r.header("Content-Type");
        return ct == null ? null : ct.replace(" ", "").toLowerCase(java.util.Locale.ROOT);
    }

    @Test
    void contentTypesAreRqlites() {
        // rqlite writes "application/json; charset=utf-8"; Tomcat serialises the same media type
        // without the optional space after ';'. Both denote the same type and charset.
        Api.Response ok = post("/db/query", "[\"SELECT 1\"]");
        Api.Response bad = post("/db/query", "[]");
        assertThat(mediaType(ok)).isEqualTo("application/json;charset=utf-8");
        assertThat(mediaType(bad)).isEqualTo("text/plain;charset=utf-8");
        assertThat(bad.header("X-Content-Type-Options")).isEqualTo("nosniff");
    }

    private void recreate(String table, String columns) {
        api.execute("[\"DROP TABLE IF EXISTS " + table + "\", \"CREATE TABLE " + table + " (" + columns + ")\"]");
    }

    @Test
    void plainPositionalNamedAndMixedFormsInOneRequest() {
        recreate("rb_forms", "id INTEGER NOT NULL PRIMARY KEY, name TEXT");
        assertOk(post("/db/execute", "["
                        + "[\"INSERT INTO rb_forms(id, name) VALUES(?, ?)\", 1, \"fiona\"],"
                        + "[\"INSERT INTO rb_forms(id, name) VALUES(:id, :name)\", {\"id\": 2, \"name\": \"declan\"}],"
                        + "\"INSERT INTO rb_forms(id, name) VALUES(3, 'plain')\","
                        + "[\"INSERT INTO rb_forms(id, name) VALUES(?, :name)\", 4, {\"name\": \"mixed\"}],"
                        + "[\"INSERT INTO rb_forms(id, name) VALUES(@id, $name)\", {\"id\": 5, \"name\": \"prefixes\"}],"
                        + "[\"INSERT INTO rb_forms(id, name) VALUES(6, 'no params')\"]]"),
                "{\"results\":[{\"last_insert_id\":1,\"rows_affected\":1},{\"last_insert_id\":2,\"rows_affected\":1},"
                        + "{\"last_insert_id\":3,\"rows_affected\":1},{\"last_insert_id\":4,\"rows_affected\":1},"
                        + "{\"last_insert_id\":5,\"rows_affected\":1},{\"last_insert_id\":6,\"rows_affected\":1}]}");
        assertThat(api.query("SELECT id, name FROM rb_forms ORDER BY id")).isEqualTo(
                "{\"results\":[{\"columns\":[\"id\",\"name\"],\"types\":[\"integer\",\"text\"],\"values\":"
                        + "[[1,\"fiona\"],[2,\"declan\"],[3,\"plain\"],[4,\"mixed\"],[5,\"prefixes\"],[6,\"no params\"]]}]}");

        // the same forms on the read endpoints, mixed in one body
        String reads = "[\"SELECT name FROM rb_forms WHERE id = 1\", [\"SELECT name FROM rb_forms WHERE id = ?\", 2],"
                + " [\"SELECT :a AS a, ? AS b\", {\"a\": 10}, 20]]";
        String expected = "{\"results\":[{\"columns\":[\"name\"],\"types\":[\"text\"],\"values\":[[\"fiona\"]]},"
                + "{\"columns\":[\"name\"],\"types\":[\"text\"],\"values\":[[\"declan\"]]},"
                + "{\"columns\":[\"a\",\"b\"],\"types\":[\"integer\",\"integer\"],\"values\":[[10,20]]}]}";
        assertOk(post("/db/query", reads), expected);
        assertOk(post("/db/request", reads), expected);
    }

    @Test
    void parameterValuesBindWithTheirSqliteTypes() {
        assertOk(post("/db/query", "[[\"SELECT ? AS i, typeof(?) AS ti, ? AS r, typeof(?) AS tr, ? AS big, typeof(?) AS tbig,"
                        + " ? AS t, ? AS f, typeof(?) AS tb, ? AS n, typeof(?) AS tn, ? AS s, ? AS maxint\","
                        + " 42, 42, 2.5, 2.0, 1180591620717411303424, 1180591620717411303424,"
                        + " true, false, true, null, null, \"fiona\", 9223372036854775807]]"),
                "{\"results\":[{\"columns\":[\"i\",\"ti\",\"r\",\"tr\",\"big\",\"tbig\",\"t\",\"f\",\"tb\",\"n\",\"tn\",\"s\",\"maxint\"],"
                        + "\"types\":[\"integer\",\"text\",\"real\",\"text\",\"real\",\"text\",\"integer\",\"integer\",\"text\",\"\",\"text\",\"text\",\"integer\"],"
                        + "\"values\":[[42,\"integer\",2.5,\"real\",1.1805916207174113e+21,\"real\",1,0,\"integer\",null,\"null\",\"fiona\",9223372036854775807]]}]}");
    }

    @Test
    void blobsBindFromByteArraysAndHexStrings() {
        recreate("rb_blobs", "id INTEGER NOT NULL PRIMARY KEY, data BLOB");
        assertOk(post("/db/execute", "[[\"INSERT INTO rb_blobs(id, data) VALUES(1, ?)\", [1, 2, 255]],"
                        + " [\"INSERT INTO rb_blobs(id, data) VALUES(2, ?)\", \"x'0102ff'\"],"
                        + " [\"INSERT INTO rb_blobs(id, data) VALUES(3, :d)\", {\"d\": \" X'0102FF' \"}],"
                        + " [\"INSERT INTO rb_blobs(id, data) VALUES(4, ?)\", \"x'012'\"]]"),
                "{\"results\":[{\"last_insert_id\":1,\"rows_affected\":1},{\"last_insert_id\":2,\"rows_affected\":1},"
                        + "{\"last_insert_id\":3,\"rows_affected\":1},{\"last_insert_id\":4,\"rows_affected\":1}]}");
        assertThat(api.query("SELECT typeof(data), data FROM rb_blobs ORDER BY id")).isEqualTo(
                "{\"results\":[{\"columns\":[\"typeof(data)\",\"data\"],\"types\":[\"text\",\"blob\"],\"values\":"
                        + "[[\"blob\",\"AQL/\"],[\"blob\",\"AQL/\"],[\"blob\",\"AQL/\"],[\"text\",\"x'012'\"]]}]}");
        assertThat(api.query("SELECT data FROM rb_blobs WHERE id <= 2 ORDER BY id", "blob_array")).isEqualTo(
                "{\"results\":[{\"columns\":[\"data\"],\"types\":[\"blob\"],\"values\":[[[1,2,255]],[[1,2,255]]]}]}");
    }

    @Test
    void textPlainBodiesCarryMultiStatementStrings() {
        api.execute("[\"DROP TABLE IF EXISTS rb_text\"]");
        Api.Response r = postText("/db/execute", "CREATE TABLE rb_text (id INTEGER NOT NULL PRIMARY KEY, v TEXT);"
                + " INSERT INTO rb_text(v) VALUES('a'); INSERT INTO rb_text(v) VALUES(\"b\")");
        assertOk(r, "{\"results\":[{\"last_insert_id\":2,\"rows_affected\":1}]}");

        // only the last statement's rows come back from a multi-statement query
        assertOk(postText("/db/query", "SELECT count(*) FROM rb_text; SELECT v FROM rb_text ORDER BY v"),
                "{\"results\":[{\"columns\":[\"v\"],\"types\":[\"text\"],\"values\":[[\"a\"],[\"b\"]]}]}");
        assertOk(api.post("/db/query", "text/plain; charset=utf-8", "SELECT count(*) AS n FROM rb_text".getBytes(StandardCharsets.UTF_8)),
                "{\"results\":[{\"columns\":[\"n\"],\"types\":[\"integer\"],\"values\":[[2]]}]}");

        // an empty text body is one empty statement, which is skipped
        assertOk(postText("/db/execute", ""), "{\"results\":[]}");
        assertOk(postText("/db/query", ""), "{\"results\":[]}");

        // /db/request has no text form: the body is read as JSON
        assertBadRequest(postText("/db/request", "SELECT 1"), "invalid JSON body");
        assertBadRequest(postText("/db/request", ""), "invalid JSON body");
    }

    @Test
    void getQueryTakesQAndIgnoresTheBodyType() {
        assertOk(api.get("/db/query"), "{\"results\":[]}");
        assertOk(api.get("/db/query?pretty"), "{\n    \"results\": []\n}");
        assertOk(api.get("/db/query?q=SELECT%201%20AS%20one"),
                "{\"results\":[{\"columns\":[\"one\"],\"types\":[\"integer\"],\"values\":[[1]]}]}");
        assertOk(api.method("GET", "/db/query?q=SELECT+2+AS+two", "text/plain", null),
                "{\"results\":[{\"columns\":[\"two\"],\"types\":[\"integer\"],\"values\":[[2]]}]}");
        assertBadRequest(api.get("/db/query?q="), "query parameter not set");
    }

    @Test
    void emptyStringStatementsAreSkippedEverywhere() {
        recreate("rb_empty", "id INTEGER NOT NULL PRIMARY KEY");
        assertOk(post("/db/execute", "[\"\", \"INSERT INTO rb_empty(id) VALUES(7)\", \"\", [\"\", 1]]"),
                "{\"results\":[{\"last_insert_id\":7,\"rows_affected\":1}]}");
        assertOk(post("/db/execute", "[\"\"]"), "{\"results\":[]}");
        assertOk(post("/db/query", "[\"\", \"SELECT id FROM rb_empty\", \"\"]"),
                "{\"results\":[{\"columns\":[\"id\"],\"types\":[\"integer\"],\"values\":[[7]]}]}");
        assertOk(post("/db/query", "[\"\", \"\"]"), "{\"results\":[]}");
        assertOk(post("/db/request", "[\"\", \"SELECT id FROM rb_empty\"]"),
                "{\"results\":[{\"columns\":[\"id\"],\"types\":[\"integer\"],\"values\":[[7]]}]}");
        assertOk(post("/db/request", "[\"\"]"), "{\"results\":[]}");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "[", "[\"SELECT 1\"", "[\"SELECT 1\",", "[\"SELECT 1\",]", "not json", "[\"a\" \"b\"]",
        "[[\"SELECT ?\", 1", "[\"SELECT 1\"}"})
    void invalidJsonBody(String body) {
        for (String path : JSON_ENDPOINTS) {
            assertBadRequest(post(path, body), "invalid JSON body");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"sql\": \"SELECT 1\"}", "\"SELECT 1\"", "null", "42", "[1]", "[null]", "[{\"a\": 1}]",
        "[[]]", "[[1, \"SELECT 1\"]]", "[[{\"a\": 1}]]"})
    void invalidRequest(String body) {
        for (String path : JSON_ENDPOINTS) {
            assertBadRequest(post(path, body), "invalid request");
        }
    }

    @Test
    void noStatements() {
        for (String path : JSON_ENDPOINTS) {
            assertBadRequest(post(path, "[]"), "no statements");
            assertBadRequest(post(path, " [ ] "), "no statements");
        }
    }

    @Test
    void unsupportedParameterTypes() {
        for (String path : JSON_ENDPOINTS) {
            assertBadRequest(post(path, "[[\"SELECT ?\", [1, 256]]]"), "unsupported type 256");
            assertBadRequest(post(path, "[[\"SELECT ?\", [\"a\"]]]"), "unsupported type string");
            assertBadRequest(post(path, "[[\"SELECT ?\", [1.5]]]"), "unsupported type 1.5");
            assertBadRequest(post(path, "[[\"SELECT :a\", {\"a\": {\"b\": 1}}]]"), "unsupported type map[string]interface {}");
        }
    }

    @Test
    void malformedBodiesWriteNothing() {
        recreate("rb_atomic", "id INTEGER");
        assertBadRequest(post("/db/execute", "[\"INSERT INTO rb_atomic VALUES(1)\", [\"INSERT INTO rb_atomic VALUES(?)\", [300]]]"),
                "unsupported type 300");
        assertBadRequest(post("/db/execute", "[\"INSERT INTO rb_atomic VALUES(1)\", 2]"), "invalid request");
        assertThat(api.query("SELECT count(*) AS n FROM rb_atomic")).isEqualTo(
                "{\"results\":[{\"columns\":[\"n\"],\"types\":[\"integer\"],\"values\":[[0]]}]}");
    }

    @Test
    void tooFewArgumentsFailTheStatementAndSurplusOnesAreIgnored() {
        recreate("rb_args", "a INTEGER, b INTEGER");
        assertOk(post("/db/execute", "[[\"INSERT INTO rb_args(a, b) VALUES(?, ?)\", 1],"
                        + " [\"INSERT INTO rb_args(a, b) VALUES(?, ?)\", 1, 2, 3],"
                        + " [\"INSERT INTO rb_args(a, b) VALUES(:a, :b)\", {\"a\": 4, \"b\": 5, \"zzz\": 6}]]"),
                "{\"results\":[{\"error\":\"not enough args to execute query: want 2 got 1\"},"
                        + "{\"last_insert_id\":1,\"rows_affected\":1},{\"last_insert_id\":2,\"rows_affected\":1}]}");
        assertThat(api.query("SELECT a, b FROM rb_args ORDER BY rowid")).isEqualTo(
                "{\"results\":[{\"columns\":[\"a\",\"b\"],\"types\":[\"integer\",\"integer\"],\"values\":[[1,2],[4,5]]}]}");

        // positional arguments are consumed across the statements of one string, in order
        assertOk(post("/db/execute", "[[\"INSERT INTO rb_args(a, b) VALUES(?, ?); INSERT INTO rb_args(a, b) VALUES(?, ?)\", 6, 7, 8, 9]]"),
                "{\"results\":[{\"last_insert_id\":4,\"rows_affected\":1}]}");
        assertThat(api.query("SELECT a, b FROM rb_args WHERE rowid > 2 ORDER BY rowid")).isEqualTo(
                "{\"results\":[{\"columns\":[\"a\",\"b\"],\"types\":[\"integer\",\"integer\"],\"values\":[[6,7],[8,9]]}]}");

        assertOk(post("/db/query", "[[\"SELECT ?, ?\", 1]]"),
                "{\"results\":[{\"error\":\"not enough args to execute query: want 2 got 1\"}]}");
        assertOk(post("/db/query", "[[\"SELECT ? AS x\", 1, 2, 3], [\"SELECT :a AS a\", {\"a\": 1, \"zzz\": 2}]]"),
                "{\"results\":[{\"columns\":[\"x\"],\"types\":[\"integer\"],\"values\":[[1]]},"
                        + "{\"columns\":[\"a\"],\"types\":[\"integer\"],\"values\":[[1]]}]}");
        assertOk(post("/db/request", "[[\"SELECT ?, ?\", 1]]"),
                "{\"results\":[{\"error\":\"not enough args to execute query: want 2 got 1\"}]}");
    }
}
