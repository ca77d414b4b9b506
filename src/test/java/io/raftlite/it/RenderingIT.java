package io.raftlite.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

/**
 * Spec 2.4: the response JSON, byte for byte: types, value rendering, the associative form, pretty,
 * timings and qualified column names. Tables are prefixed {@code rd_}.
 */
@ExtendWith(SharedNode.class)
class RenderingIT {
    private final Api api = SharedNode.api();

    private String post(String path, String json) {
        Api.Response r = api.post(path, json);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.body();
    }

    private void recreate(String table, String columns) {
        api.execute("[\"DROP TABLE IF EXISTS " + table + "\", \"CREATE TABLE " + table + " (" + columns + ")\"]");
    }

    @Test
    void typesAreDeclaredTypesLowerCased() {
        recreate("rd_types", "a int, b VARCHAR(255), c Number(5), d BOOL, e foo, f INTEGER, g TEXT, h REAL, i BLOB, j");
        api.execute("[\"INSERT INTO rd_types VALUES(1, 'x', 5, 1, 'y', 2, 'z', 1.5, x'00', 'k')\"]");
        assertThat(api.query("SELECT * FROM rd_types")).isEqualTo("{\"results\":[{"
                + "\"columns\":[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",\"g\",\"h\",\"i\",\"j\"],"
                + "\"types\":[\"int\",\"varchar(255)\",\"number(5)\",\"bool\",\"foo\",\"integer\",\"text\",\"real\",\"blob\",\"text\"],"
                + "\"values\":[[1,\"x\",5,1,\"y\",2,\"z\",1.5,\"AA==\",\"k\"]]}]}");
        // declared types follow the column through aliases
        assertThat(api.query("SELECT b AS name, c AS n FROM rd_types")).isEqualTo(
                "{\"results\":[{\"columns\":[\"name\",\"n\"],\"types\":[\"varchar(255)\",\"number(5)\"],\"values\":[[\"x\",5]]}]}");
        // a table with no rows: declared types are still there, values are omitted
        assertThat(api.query("SELECT a, b FROM rd_types WHERE a < 0")).isEqualTo(
                "{\"results\":[{\"columns\":[\"a\",\"b\"],\"types\":[\"int\",\"varchar(255)\"]}]}");
    }

    @Test
    void emptyTypesAreFilledFromTheFirstRow() {
        recreate("rd_fill", "id INTEGER");
        api.execute("[\"INSERT INTO rd_fill VALUES(1)\", \"INSERT INTO rd_fill VALUES(2)\"]");
        assertThat(api.query("SELECT COUNT(*) FROM rd_fill")).isEqualTo(
                "{\"results\":[{\"columns\":[\"COUNT(*)\"],\"types\":[\"integer\"],\"values\":[[2]]}]}");
        assertThat(post("/db/query", "[[\"SELECT ?\", 4.0]]")).isEqualTo(
                "{\"results\":[{\"columns\":[\"?\"],\"types\":[\"real\"],\"values\":[[4]]}]}");
        assertThat(api.query("SELECT 'a' AS t, 1.5 AS r, NULL AS n, x'41' AS b")).isEqualTo(
                "{\"results\":[{\"columns\":[\"t\",\"r\",\"n\",\"b\"],\"types\":[\"text\",\"real\",\"\",\"text\"],"
                        + "\"values\":[[\"a\",1.5,null,\"A\"]]}]}");
        // filled once, from the first row only
        assertThat(api.query("SELECT CASE WHEN id = 1 THEN NULL ELSE id END AS x FROM rd_fill ORDER BY id")).isEqualTo(
                "{\"results\":[{\"columns\":[\"x\"],\"types\":[\"\"],\"values\":[[null],[2]]}]}");
        assertThat(api.query("SELECT CASE WHEN id = 1 THEN 'one' ELSE id END AS x FROM rd_fill ORDER BY id")).isEqualTo(
                "{\"results\":[{\"columns\":[\"x\"],\"types\":[\"text\"],\"values\":[[\"one\"],[2]]}]}");
        // no rows at all: nothing to fill from
        assertThat(api.query("SELECT id + 1 AS x FROM rd_fill WHERE id < 0")).isEqualTo(
                "{\"results\":[{\"columns\":[\"x\"],\"types\":[\"\"]}]}");
        assertThat(api.query("PRAGMA table_info(rd_no_such_table)")).isEqualTo(
                "{\"results\":[{\"columns\":[\"cid\",\"name\",\"type\",\"notnull\",\"dflt_value\",\"pk\"],"
                        + "\"types\":[\"\",\"\",\"\",\"\",\"\",\"\"]}]}");
    }

    @Test
    void realsAreFormattedLikeGo() {
        assertThat(post("/db/query", "[[\"SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?\", 4.0, 1e-7, 1e21, 3.14, 0.1, 1e23, 123456789.5,"
                        + " -0.5, 1e20, 0.000001]]"))
                .isEqualTo("{\"results\":[{\"columns\":[\"?\",\"?\",\"?\",\"?\",\"?\",\"?\",\"?\",\"?\",\"?\",\"?\"],"
                        + "\"types\":[\"real\",\"real\",\"real\",\"real\",\"real\",\"real\",\"real\",\"real\",\"real\",\"real\"],"
                        + "\"values\":[[4,1e-7,1e+21,3.14,0.1,1e+23,123456789.5,-0.5,100000000000000000000,0.000001]]}]}");
        recreate("rd_real", "r REAL");
        api.execute("[[\"INSERT INTO rd_real VALUES(?)\", 2], \"INSERT INTO rd_real VALUES(0.25)\"]");
        // a REAL column stores 2 as 2.0, which prints as 2
        assertThat(api.query("SELECT r, typeof(r) AS t FROM rd_real ORDER BY r")).isEqualTo(
                "{\"results\":[{\"columns\":[\"r\",\"t\"],\"types\":[\"real\",\"text\"],\"values\":[[0.25,\"real\"],[2,\"real\"]]}]}");
    }

    @Test
    void infiniteRealFailsTheWholeResponse() {
        Api.Response r = api.get("/db/query?q=SELECT%201e999");
        assertThat(r.status()).isEqualTo(400); // rqlite: 500; the query asked for what JSON cannot carry
        assertThat(r.body()).isEqualTo("json: error calling MarshalJSON for type *http.DBResults: json: unsupported value: +Inf\n");
    }

    @Test
    void dateTimeColumnsRenderAsRfc3339() {
        recreate("rd_dates", "id INTEGER NOT NULL PRIMARY KEY, v DATETIME");
        Object[] in = {"\"2004-02-14\"", "\"2004-02-14 07:15:00\"", "\"2004-02-14T07:15:00\"", "\"2004-02-14 07:15:00.5\"",
            "\"2004-02-14T07:15:00.510241\"", "\"2004-02-14 07:15:00+02:00\"", "\"2004-02-14T07:15:00.25-05:30\"",
            "\"2004-02-14T07:15:00Z\"", "\"2004-02-14 07:15\"", "1076742900", "1076742900500", "\"not a date\"", "1.5",
            "null", "\"x'41'\"", "0"};
        StringBuilder body = new StringBuilder("[");
        for (int i = 0; i < in.length; i++) {
            body.append(i == 0 ? "" : ",").append("[\"INSERT INTO rd_dates(id, v) VALUES(?, ?)\", ").append(i + 1).append(", ")
                    .append(in[i]).append(']');
        }
        Api.Response w = api.post("/db/execute", body.append(']').toString());
        assertThat(w.body()).doesNotContain("error");
        assertThat(api.query("SELECT v FROM rd_dates ORDER BY id")).isEqualTo("{\"results\":[{\"columns\":[\"v\"],"
                + "\"types\":[\"datetime\"],\"values\":[[\"2004-02-14T00:00:00Z\"],[\"2004-02-14T07:15:00Z\"],"
                + "[\"2004-02-14T07:15:00Z\"],[\"2004-02-14T07:15:00.5Z\"],[\"2004-02-14T07:15:00.510241Z\"],"
                + "[\"2004-02-14T07:15:00+02:00\"],[\"2004-02-14T07:15:00.25-05:30\"],[\"2004-02-14T07:15:00Z\"],"
                + "[\"2004-02-14T07:15:00Z\"],[\"2004-02-14T07:15:00Z\"],[\"2004-02-14T07:15:00.5Z\"],"
                + "[\"0001-01-01T00:00:00Z\"],[1.5],[null],[\"QQ==\"],[\"1970-01-01T00:00:00Z\"]]}]}");
        // date and timestamp columns too, whatever the case of the declared type
        recreate("rd_dates2", "d DATE, t TimeStamp, s TEXT");
        api.execute("[\"INSERT INTO rd_dates2 VALUES('2021-03-04', '2021-03-04 05:06:07', '2021-03-04 05:06:07')\"]");
        assertThat(api.query("SELECT d, t, s FROM rd_dates2")).isEqualTo("{\"results\":[{\"columns\":[\"d\",\"t\",\"s\"],"
                + "\"types\":[\"date\",\"timestamp\",\"text\"],"
                + "\"values\":[[\"2021-03-04T00:00:00Z\",\"2021-03-04T05:06:07Z\",\"2021-03-04 05:06:07\"]]}]}");
    }

    @Test
    void booleanColumnsRenderAsBooleans() {
        recreate("rd_bool", "id INTEGER NOT NULL PRIMARY KEY, b BOOLEAN, c BOOL");
        api.execute("[\"INSERT INTO rd_bool VALUES(1, 1, 1)\", \"INSERT INTO rd_bool VALUES(2, 0, 0)\","
                + " \"INSERT INTO rd_bool VALUES(3, 2, 2)\", \"INSERT INTO rd_bool VALUES(4, -1, -1)\","
                + " \"INSERT INTO rd_bool VALUES(5, 'yes', 'yes')\", \"INSERT INTO rd_bool VALUES(6, NULL, NULL)\","
                + " [\"INSERT INTO rd_bool VALUES(7, ?, ?)\", true, false]]");
        assertThat(api.query("SELECT b, c FROM rd_bool ORDER BY id")).isEqualTo("{\"results\":[{\"columns\":[\"b\",\"c\"],"
                + "\"types\":[\"boolean\",\"bool\"],\"values\":[[true,1],[false,0],[true,2],[false,-1],[\"yes\",\"yes\"],"
                + "[null,null],[true,0]]}]}");
    }

    @Test
    void blobsAreBase64OrArraysExceptInTextLikeColumns() {
        recreate("rd_blob", "b BLOB, t TEXT, v VARCHAR(10), j JSON, c CLOB, n NCHAR(5), nv NVARCHAR(9), x, i INTEGER");
        api.execute("[[\"INSERT INTO rd_blob VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)\", [65,66,67], [65,66,67], [65,66,67],"
                + " [65,66,67], [65,66,67], [65,66,67], [65,66,67], [65,66,67], [65,66,67]]]");
        String columns = "\"columns\":[\"b\",\"t\",\"v\",\"j\",\"c\",\"n\",\"nv\",\"x\",\"i\"],"
                + "\"types\":[\"blob\",\"text\",\"varchar(10)\",\"json\",\"clob\",\"nchar(5)\",\"nvarchar(9)\",\"text\",\"integer\"],";
        assertThat(api.query("SELECT * FROM rd_blob")).isEqualTo("{\"results\":[{" + columns
                + "\"values\":[[\"QUJD\",\"ABC\",\"ABC\",\"ABC\",\"ABC\",\"ABC\",\"ABC\",\"ABC\",\"QUJD\"]]}]}");
        assertThat(api.query("SELECT * FROM rd_blob", "blob_array")).isEqualTo("{\"results\":[{" + columns
                + "\"values\":[[[65,66,67],\"ABC\",\"ABC\",\"ABC\",\"ABC\",\"ABC\",\"ABC\",\"ABC\",[65,66,67]]]}]}");
        assertThat(api.query("SELECT x'414243'")).isEqualTo(
                "{\"results\":[{\"columns\":[\"x'414243'\"],\"types\":[\"text\"],\"values\":[[\"ABC\"]]}]}");
        // invalid UTF-8 in a text-like column becomes U+FFFD
        JsonNode bad = Api.parse(api.query("SELECT x'41ff42' AS s"));
        assertThat(bad.at("/results/0/values/0/0").asString()).isEqualTo("A\uFFFDB");
    }

    @Test
    void associativeForm() {
        recreate("rd_assoc", "id INTEGER NOT NULL PRIMARY KEY, name TEXT, age INTEGER");
        assertThat(post("/db/execute?associative", "[[\"INSERT INTO rd_assoc(name, age) VALUES(?, ?)\", \"fiona\", 20]]"))
                .isEqualTo("{\"results\":[{\"last_insert_id\":1,\"rows_affected\":1,\"rows\":null}]}");
        // keys of the types and row objects come sorted, as Go writes maps
        assertThat(api.query("SELECT name, id, age FROM rd_assoc", "associative")).isEqualTo(
                "{\"results\":[{\"types\":{\"age\":\"integer\",\"id\":\"integer\",\"name\":\"text\"},"
                        + "\"rows\":[{\"age\":20,\"id\":1,\"name\":\"fiona\"}]}]}");
        assertThat(api.query("SELECT name FROM rd_assoc WHERE id < 0", "associative")).isEqualTo(
                "{\"results\":[{\"types\":{\"name\":\"text\"},\"rows\":[]}]}");
        // duplicate column names collapse in the associative form only
        assertThat(api.query("SELECT 1 AS a, 2 AS a", "associative")).isEqualTo(
                "{\"results\":[{\"types\":{\"a\":\"integer\"},\"rows\":[{\"a\":2}]}]}");
        assertThat(api.query("SELECT 1 AS a, 2 AS a")).isEqualTo(
                "{\"results\":[{\"columns\":[\"a\",\"a\"],\"types\":[\"integer\",\"integer\"],\"values\":[[1,2]]}]}");
        // the unified endpoint mixes entry kinds; a failed statement is a bare error entry there
        assertThat(post("/db/request?associative", "[[\"UPDATE rd_assoc SET name = ? WHERE id = ?\", \"lynx\", 1],"
                        + " \"SELECT name FROM rd_assoc\", \"SELECT * FROM rd_nope\"]"))
                .isEqualTo("{\"results\":[{\"last_insert_id\":1,\"rows_affected\":1,\"rows\":null},"
                        + "{\"types\":{\"name\":\"text\"},\"rows\":[{\"name\":\"lynx\"}]},{\"error\":\"no such table: rd_nope\"}]}");
        assertThat(post("/db/execute?associative", "[\"INSERT INTO rd_nope VALUES(1)\"]"))
                .isEqualTo("{\"results\":[{\"error\":\"no such table: rd_nope\"}]}");
    }

    @Test
    void associativeQueryErrorIsARowsObject() {
        // /db/query reports every entry as a rows object; in the associative form a failed one keeps "rows":[]
        assertThat(api.query("SELECT * FROM rd_nope", "associative"))
                .isEqualTo("{\"results\":[{\"rows\":[],\"error\":\"no such table: rd_nope\"}]}");
        assertThat(api.query("SELECT * FROM rd_nope")).isEqualTo("{\"results\":[{\"error\":\"no such table: rd_nope\"}]}");
    }

    @Test
    void prettyIndentsWithFourSpaces() {
        recreate("rd_pretty", "id INTEGER NOT NULL PRIMARY KEY, name TEXT");
        assertThat(post("/db/execute?pretty", "[\"INSERT INTO rd_pretty(name) VALUES('a')\"]")).isEqualTo("""
                {
                    "results": [
                        {
                            "last_insert_id": 1,
                            "rows_affected": 1
                        }
                    ]
                }""");
        assertThat(api.query("SELECT id, name FROM rd_pretty", "pretty")).isEqualTo("""
                {
                    "results": [
                        {
                            "columns": [
                                "id",
                                "name"
                            ],
                            "types": [
                                "integer",
                                "text"
                            ],
                            "values": [
                                [
                                    1,
                                    "a"
                                ]
                            ]
                        }
                    ]
                }""");
        assertThat(api.query("SELECT id FROM rd_pretty WHERE id < 0", "pretty&associative")).isEqualTo("""
                {
                    "results": [
                        {
                            "types": {
                                "id": "integer"
                            },
                            "rows": []
                        }
                    ]
                }""");
        assertThat(post("/db/execute?pretty", "[\"PRAGMA synchronous=FULL\"]")).isEqualTo("""
                {
                    "results": [],
                    "error": "disallowed pragma"
                }""");
    }

    @Test
    void timingsAddTimeFields() {
        recreate("rd_time", "id INTEGER");
        JsonNode w = Api.parse(post("/db/execute?timings", "[\"INSERT INTO rd_time VALUES(1)\", \"INSERT INTO rd_time VALUES(2)\"]"));
        assertTime(w.get("time"));
        assertThat(w.get("results")).hasSize(2);
        for (JsonNode entry : w.get("results")) {
            assertTime(entry.get("time"));
            assertThat(entry.get("rows_affected").asLong()).isEqualTo(1);
        }
        JsonNode q = Api.parse(api.query("SELECT id FROM rd_time", "timings"));
        assertTime(q.get("time"));
        assertTime(q.at("/results/0/time"));
        assertThat(q.at("/results/0/values").toString()).isEqualTo("[[1],[2]]");
        JsonNode qa = Api.parse(api.query("SELECT id FROM rd_time", "timings&associative"));
        assertTime(qa.get("time"));
        assertTime(qa.at("/results/0/time"));
        JsonNode r = Api.parse(post("/db/request?timings", "[\"SELECT 1\", \"INSERT INTO rd_time VALUES(3)\"]"));
        assertTime(r.get("time"));
        assertTime(r.at("/results/0/time"));
        assertTime(r.at("/results/1/time"));
        // without the flag there is no time anywhere
        assertThat(api.query("SELECT id FROM rd_time")).doesNotContain("time");
    }

    private static void assertTime(JsonNode t) {
        assertThat(t).as("time field").isNotNull();
        assertThat(t.isNumber()).as("time %s is a number", t).isTrue();
        assertThat(t.asDouble()).isGreaterThan(0).isLessThan(60);
    }

    @Test
    void qualifyColumnsNamesTheTable() {
        recreate("rd_qual", "a INTEGER, b TEXT");
        api.execute("[\"INSERT INTO rd_qual VALUES(1, 'x')\"]");
        assertThat(api.query("SELECT a, b AS bee, 7 AS seven FROM rd_qual", "qualify_columns")).isEqualTo(
                "{\"results\":[{\"columns\":[\"rd_qual.a\",\"rd_qual.bee\",\"seven\"],\"types\":[\"integer\",\"text\",\"integer\"],"
                        + "\"values\":[[1,\"x\",7]]}]}");
        assertThat(post("/db/request?qualify_columns&associative", "[\"SELECT a FROM rd_qual\"]")).isEqualTo(
                "{\"results\":[{\"types\":{\"rd_qual.a\":\"integer\"},\"rows\":[{\"rd_qual.a\":1}]}]}");
        assertThat(api.query("SELECT a FROM rd_qual")).isEqualTo(
                "{\"results\":[{\"columns\":[\"a\"],\"types\":[\"integer\"],\"values\":[[1]]}]}");
    }

    @Test
    void textRoundTripsAndIsEscapedLikeGo() {
        recreate("rd_text", "id INTEGER NOT NULL PRIMARY KEY, s TEXT");
        String text = "héllo wörld 日本語 😀 \"quoted\" back\\slash <b>&amp; tab\tnl\ncr\r bell\u0007 del\u007f \u2028";
        api.execute("[[\"INSERT INTO rd_text(id, s) VALUES(1, ?)\", " + jsonString(text) + "]]");
        Api.Response r = api.get("/db/query?q=SELECT%20s%20FROM%20rd_text%20WHERE%20id%3D1");
        assertThat(Api.parse(r.body()).at("/results/0/values/0/0").asString()).isEqualTo(text);
        assertThat(r.body()).isEqualTo("{\"results\":[{\"columns\":[\"s\"],\"types\":[\"text\"],\"values\":[[\""
                + "héllo wörld 日本語 😀 \\\"quoted\\\" back\\\\slash \\u003cb\\u003e\\u0026amp; tab\\tnl\\ncr\\r bell\\u0007 del\u007f \\u2028"
                + "\"]]}]}");
        assertThat(r.bytes()).isEqualTo(r.body().getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void integersAreExact() {
        recreate("rd_int", "id INTEGER NOT NULL PRIMARY KEY, v INTEGER");
        api.execute("[[\"INSERT INTO rd_int VALUES(1, ?)\", 1099511627776], [\"INSERT INTO rd_int VALUES(2, ?)\", 9223372036854775807],"
                + " [\"INSERT INTO rd_int VALUES(3, ?)\", -9223372036854775808], \"INSERT INTO rd_int VALUES(4, 9007199254740993)\"]");
        assertThat(api.query("SELECT v, typeof(v) AS t FROM rd_int ORDER BY id")).isEqualTo(
                "{\"results\":[{\"columns\":[\"v\",\"t\"],\"types\":[\"integer\",\"text\"],\"values\":[[1099511627776,\"integer\"],"
                        + "[9223372036854775807,\"integer\"],[-9223372036854775808,\"integer\"],[9007199254740993,\"integer\"]]}]}");
        assertThat(api.query("SELECT 1 << 40 AS big")).isEqualTo(
                "{\"results\":[{\"columns\":[\"big\"],\"types\":[\"integer\"],\"values\":[[1099511627776]]}]}");
        assertThat(api.execute("[\"INSERT INTO rd_int VALUES(9223372036854775807, 0)\"]"))
                .isEqualTo("{\"results\":[{\"last_insert_id\":9223372036854775807,\"rows_affected\":1}]}");
    }

    private static String jsonString(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
