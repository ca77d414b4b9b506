package io.raftlite.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/**
 * Rewriting of non-deterministic SQL (spec section 5): what {@code /db/sql} shows, when each data
 * endpoint rewrites, the opt-outs, and that a rewritten write stores literals (the same values when
 * the log is replayed).
 *
 * <p>Whether a statement reached SQLite rewritten is observable on one node: a statement that
 * produces five rows from one {@code random()} call gives one distinct value if the call was
 * replaced by a literal, five if SQLite evaluated it per row.
 */
@ExtendWith(SharedNode.class)
class RewritingIT {
    private static final String TABLE = "rewriting_t";
    private static final String FIVE_ROWS = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 5) ";
    private static final Pattern JULIAN_DAY_CALL = Pattern.compile("datetime\\((\\d+\\.\\d{6})\\)");

    private final Api api = SharedNode.api();
    private NodeProcess ownNode;

    @BeforeAll
    static void createTable() {
        SharedNode.api().execute("[\"CREATE TABLE " + TABLE + " (id INTEGER PRIMARY KEY, tag TEXT, r INTEGER, b BLOB, ts TEXT)\"]");
    }

    @AfterEach
    void stopOwnNode() {
        if (ownNode != null) {
            ownNode.stop();
        }
    }

    // ---- helpers ----

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String jsonString(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** GET /db/sql?q=...; checks the response shape and returns the rewritten text. */
    private String preview(String sql, String params) {
        Api.Response r = api.get("/db/sql?q=" + enc(sql) + (params.isEmpty() ? "" : "&" + params));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.header("Content-Type")).startsWith("application/json");
        JsonNode json = r.json();
        assertThat(fieldNames(json)).containsExactly("results");
        assertThat(json.get("results").size()).isEqualTo(1);
        JsonNode entry = json.get("results").get(0);
        assertThat(fieldNames(entry)).containsExactly("original", "rewritten");
        assertThat(entry.get("original").asString()).isEqualTo(sql);
        return entry.get("rewritten").asString();
    }

    private String preview(String sql) {
        return preview(sql, "");
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new java.util.ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> it = node.properties().iterator();
        it.forEachRemaining(e -> names.add(e.getKey()));
        return names;
    }

    private JsonNode firstRow(Api.Response r) {
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode result = r.json().get("results").get(0);
        assertThat(result.has("error")).as(r.body()).isFalse();
        return result.get("values").get(0);
    }

    /** Rows with {@code tag}, and how many distinct values of {@code column} they hold. */
    private long[] countAndDistinct(String tag, String column) {
        JsonNode row = firstRow(api.get("/db/query?q=" + enc("SELECT COUNT(*), COUNT(DISTINCT " + column + ") FROM " + TABLE
                + " WHERE tag = '" + tag + "'")));
        return new long[] {row.get(0).asLong(), row.get(1).asLong()};
    }

    private void executeOk(String path, String json) {
        Api.Response r = api.post(path, json);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).as(json).doesNotContain("error");
    }

    // ---- /db/sql ----

    @Test
    void randomBecomesANonNegativeIntegerLiteral() {
        String sql = "INSERT INTO " + TABLE + "(r) VALUES(random())";
        String first = preview(sql);
        assertThat(first).isNotEqualTo(sql).doesNotContainIgnoringCase("random");
        assertThat(first).matches("(?s).*VALUES\\s*\\(\\s*\\d+\\s*\\).*");
        // Drawn afresh each time.
        assertThat(preview(sql)).isNotEqualTo(first);
        // Any case, and in a SELECT list.
        assertThat(preview("SELECT RANDOM() AS r")).matches("SELECT \\d+ AS r");
    }

    @Test
    void randomblobBecomesABlobLiteral() {
        assertThat(preview("INSERT INTO " + TABLE + "(b) VALUES(randomblob(16))"))
                .matches("(?s).*VALUES\\s*\\(\\s*X'[0-9A-F]{32}'\\s*\\).*");
        // max(N, 1) bytes.
        assertThat(preview("SELECT randomblob(0)")).matches("SELECT X'[0-9A-F]{2}'");
        // A non-literal size is left alone.
        String nonLiteral = "SELECT randomblob(length(tag)) FROM " + TABLE;
        assertThat(preview(nonLiteral)).isEqualTo(nonLiteral);
    }

    @Test
    void nowBecomesAJulianDayLiteral() {
        double before = julianDayNow();
        String rewritten = preview("INSERT INTO " + TABLE + "(ts) VALUES(datetime('now'))");
        double after = julianDayNow();
        Matcher m = JULIAN_DAY_CALL.matcher(rewritten);
        assertThat(m.find()).as(rewritten).isTrue();
        assertThat(rewritten).doesNotContainIgnoringCase("'now'");
        double jd = Double.parseDouble(m.group(1));
        assertThat(jd).isBetween(before - 0.000001, after + 0.000001);

        assertThat(preview("SELECT strftime('%s', 'now')")).matches("SELECT strftime\\('%s', \\d+\\.\\d{6}\\)");
        assertThat(preview("SELECT julianday('NOW'), date('now', 'start of month')"))
                .matches("SELECT julianday\\(\\d+\\.\\d{6}\\), date\\(\\d+\\.\\d{6}, 'start of month'\\)");
    }

    private static double julianDayNow() {
        return System.currentTimeMillis() / 86_400_000.0 + 2440587.5;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"INSERT INTO rewriting_t(ts) VALUES(CURRENT_TIMESTAMP)", "SELECT CURRENT_TIME, CURRENT_DATE",
        "SELECT datetime()", "SELECT date('2024-02-29', '+1 day')", "SELECT strftime('%Y', '2020-01-01')",
        "SELECT * FROM rewriting_t ORDER BY random()", "SELECT * FROM rewriting_t ORDER BY RANDOM() DESC, randomblob(4)",
        "SELECT 1"})
    void leftAlone(String sql) {
        assertThat(preview(sql)).isEqualTo(sql);
    }

    @Test
    void randomInOrderByIsKeptWhileTheSelectListIsRewritten() {
        String rewritten = preview("INSERT INTO " + TABLE + "(r) SELECT random() FROM " + TABLE + " ORDER BY random()");
        assertThat(rewritten).matches("INSERT INTO " + TABLE + "\\(r\\) SELECT \\d+ FROM " + TABLE + " ORDER BY random\\(\\)");
    }

    @Test
    void optOutsLeaveTheirFunctionsAlone() {
        String both = "INSERT INTO " + TABLE + "(r, b, ts) VALUES(random(), randomblob(4), datetime('now'))";
        String noRandom = preview(both, "norwrandom");
        assertThat(noRandom).contains("random(), randomblob(4)").doesNotContain("'now'");
        assertThat(JULIAN_DAY_CALL.matcher(noRandom).find()).isTrue();

        String noTime = preview(both, "norwtime");
        assertThat(noTime).contains("datetime('now')").doesNotContain("random(").doesNotContain("randomblob(");

        assertThat(preview(both, "norwrandom&norwtime")).isEqualTo(both);
    }

    @Test
    void postTakesTheJsonArrayForm() {
        String a = "INSERT INTO " + TABLE + "(r) VALUES(random())";
        String b = "SELECT * FROM " + TABLE;
        Api.Response r = api.post("/db/sql", "[" + jsonString(a) + ", [" + jsonString(b + " WHERE r = ?") + ", 7]]");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode results = r.json().get("results");
        assertThat(results.size()).isEqualTo(2);
        assertThat(fieldNames(results.get(0))).containsExactly("original", "rewritten");
        assertThat(results.get(0).get("original").asString()).isEqualTo(a);
        assertThat(results.get(0).get("rewritten").asString()).matches("INSERT INTO " + TABLE + "\\(r\\) VALUES\\(\\d+\\)");
        assertThat(results.get(1).get("original").asString()).isEqualTo(b + " WHERE r = ?");
        assertThat(results.get(1).get("rewritten").asString()).isEqualTo(b + " WHERE r = ?");
    }

    @Test
    void getWithoutQIsABadRequest() {
        Api.Response r = api.get("/db/sql");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body()).isEqualTo("query not specified\n");
        assertThat(r.header("Content-Type")).startsWith("text/plain");

        Api.Response empty = api.get("/db/sql?q=");
        assertThat(empty.status()).isEqualTo(400);
        assertThat(empty.body()).isEqualTo("query parameter not set\n");
    }

    @Test
    void otherMethodsAreNotAllowed() {
        assertThat(api.method("DELETE", "/db/sql?q=SELECT%201", null, null).status()).isEqualTo(405);
        assertThat(api.method("PUT", "/db/sql", "application/json", "[\"SELECT 1\"]".getBytes(StandardCharsets.UTF_8)).status())
                .isEqualTo(405);
    }

    @Test
    void previewTouchesNoData() {
        api.post("/db/sql", "[\"INSERT INTO " + TABLE + "(tag) VALUES('preview-only')\"]");
        api.get("/db/sql?q=" + enc("DELETE FROM " + TABLE));
        assertThat(countAndDistinct("preview-only", "id")[0]).isZero();
        executeOk("/db/execute", "[\"INSERT INTO " + TABLE + "(tag) VALUES('preview-kept')\"]");
        api.get("/db/sql?q=" + enc("DELETE FROM " + TABLE + " WHERE tag = 'preview-kept'"));
        assertThat(countAndDistinct("preview-kept", "id")[0]).isEqualTo(1);
    }

    @Test
    void prettyIndents() {
        Api.Response r = api.get("/db/sql?pretty&q=" + enc("SELECT 1"));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).contains("\n    \"results\": [");
        assertThat(r.json().get("results").get(0).get("rewritten").asString()).isEqualTo("SELECT 1");
    }

    // ---- what the data endpoints store ----

    private String fiveRandomRows(String tag, String function) {
        return "[[" + jsonString(FIVE_ROWS + "INSERT INTO " + TABLE + "(tag, r, b) SELECT ?, " + function + " FROM c") + ", "
                + jsonString(tag) + "]]";
    }

    @Test
    void executeStoresOneLiteralForRandom() {
        executeOk("/db/execute", fiveRandomRows("exec-random", "random(), NULL"));
        executeOk("/db/execute?norwrandom", fiveRandomRows("exec-random-off", "random(), NULL"));
        executeOk("/db/execute?noparse", fiveRandomRows("exec-random-noparse", "random(), NULL"));
        executeOk("/db/execute?norwtime", fiveRandomRows("exec-random-notime", "random(), NULL"));

        assertThat(countAndDistinct("exec-random", "r")).containsExactly(5, 1);
        assertThat(countAndDistinct("exec-random-off", "r")).containsExactly(5, 5);
        assertThat(countAndDistinct("exec-random-noparse", "r")).containsExactly(5, 5);
        assertThat(countAndDistinct("exec-random-notime", "r")).containsExactly(5, 1);
    }

    @Test
    void executeStoresOneLiteralForRandomblob() {
        executeOk("/db/execute", fiveRandomRows("exec-blob", "NULL, randomblob(16)"));
        executeOk("/db/execute?norwrandom", fiveRandomRows("exec-blob-off", "NULL, randomblob(16)"));
        executeOk("/db/execute?noparse", fiveRandomRows("exec-blob-noparse", "NULL, randomblob(16)"));

        assertThat(countAndDistinct("exec-blob", "b")).containsExactly(5, 1);
        assertThat(countAndDistinct("exec-blob-off", "b")).containsExactly(5, 5);
        assertThat(countAndDistinct("exec-blob-noparse", "b")).containsExactly(5, 5);
        JsonNode len = firstRow(api.get("/db/query?q=" + enc("SELECT DISTINCT length(b), typeof(b) FROM " + TABLE
                + " WHERE tag = 'exec-blob'")));
        assertThat(len.get(0).asLong()).isEqualTo(16);
        assertThat(len.get(1).asString()).isEqualTo("blob");
    }

    @Test
    void executeStoresADateTimeForNow() {
        executeOk("/db/execute", "[[\"INSERT INTO " + TABLE + "(tag, ts) VALUES('exec-now', datetime('now'))\"]]");
        JsonNode row = firstRow(api.get("/db/query?q=" + enc("SELECT ts, (julianday('now') - julianday(ts)) * 86400 FROM " + TABLE
                + " WHERE tag = 'exec-now'")));
        assertThat(row.get(0).asString()).matches("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}");
        assertThat(row.get(1).asDouble()).isBetween(-2.0, 120.0);
    }

    @Test
    void requestAlwaysRewrites() {
        Api.Response w = api.post("/db/request", fiveRandomRows("request-random", "random(), randomblob(8)"));
        assertThat(w.status()).isEqualTo(200);
        assertThat(w.json().get("results").get(0).get("rows_affected").asLong()).isEqualTo(5);
        assertThat(countAndDistinct("request-random", "r")).containsExactly(5, 1);
        assertThat(countAndDistinct("request-random", "b")).containsExactly(5, 1);

        api.post("/db/request?norwrandom", fiveRandomRows("request-random-off", "random(), randomblob(8)"));
        assertThat(countAndDistinct("request-random-off", "r")).containsExactly(5, 5);

        // Even an all-read batch served locally is rewritten on /db/request.
        for (String level : new String[] {"none", "weak", "linearizable", "strong", "auto"}) {
            assertThat(distinctRandomsInARead("/db/request", "level=" + level)).as(level).isEqualTo(1);
        }
        assertThat(distinctRandomsInARead("/db/request", "norwrandom")).isEqualTo(5);
    }

    @Test
    void queryRewritesOnlyAtLevelStrong() {
        assertThat(distinctRandomsInARead("/db/query", "level=strong")).isEqualTo(1);
        assertThat(distinctRandomsInARead("/db/query", "level=STRONG")).isEqualTo(1);
        for (String level : new String[] {"none", "weak", "linearizable", "auto", "bogus"}) {
            assertThat(distinctRandomsInARead("/db/query", "level=" + level)).as(level).isEqualTo(5);
        }
        assertThat(distinctRandomsInARead("/db/query", "")).isEqualTo(5);
        assertThat(distinctRandomsInARead("/db/query", "level=strong&norwrandom")).isEqualTo(5);
        assertThat(distinctRandomsInARead("/db/query", "level=strong&noparse")).isEqualTo(5);

        // GET too.
        String sql = FIVE_ROWS + "SELECT COUNT(DISTINCT r) FROM (SELECT random() AS r FROM c)";
        assertThat(firstRow(api.get("/db/query?level=strong&q=" + enc(sql))).get(0).asLong()).isEqualTo(1);
        assertThat(firstRow(api.get("/db/query?level=weak&q=" + enc(sql))).get(0).asLong()).isEqualTo(5);
    }

    private long distinctRandomsInARead(String path, String params) {
        String sql = FIVE_ROWS + "SELECT COUNT(DISTINCT r) FROM (SELECT random() AS r FROM c)";
        return firstRow(api.post(params.isEmpty() ? path : path + "?" + params, "[" + jsonString(sql) + "]")).get(0).asLong();
    }

    // ---- literals survive a replay of the log ----

    @Test
    void rewrittenValuesAreTheSameWhenTheLogIsReplayed(@TempDir Path dir) throws Exception {
        ownNode = NodeProcess.start(dir.resolve("node"));
        Api own = new Api(ownNode);
        own.execute("[\"CREATE TABLE t (tag TEXT PRIMARY KEY, r INTEGER, b BLOB, ts TEXT, ct TEXT)\"]");
        String insert = "INSERT INTO t(tag, r, b, ts, ct) VALUES(?, random(), randomblob(8), "
                + "strftime('%Y-%m-%d %H:%M:%f', 'now'), CURRENT_TIMESTAMP)";
        String one = "[[" + jsonString(insert) + ", \"TAG\"]]";
        for (String[] write : new String[][] {{"/db/execute", "rewritten"}, {"/db/execute?norwrandom&norwtime", "raw"},
            {"/db/execute?noparse", "noparse"}, {"/db/request", "request"}, {"/db/execute?queue&wait&noparse", "queued"}}) {
            Api.Response r = own.post(write[0], one.replace("TAG", write[1]));
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            assertThat(r.body()).doesNotContain("error");
        }
        String select = "/db/query?q=" + enc("SELECT tag, r, hex(b), ts, ct FROM t ORDER BY tag");
        JsonNode before = own.get(select).json().get("results").get(0).get("values");
        assertThat(before.size()).isEqualTo(5);

        // Let the clock move past CURRENT_TIMESTAMP's one-second resolution, then crash: the
        // database is rebuilt by replaying the log.
        Thread.sleep(1100);
        ownNode.kill();
        ownNode.restart();
        JsonNode after = own.get(select).json().get("results").get(0).get("values");
        assertThat(after.size()).isEqualTo(5);

        Map<String, JsonNode> was = byTag(before);
        Map<String, JsonNode> is = byTag(after);
        for (String tag : new String[] {"rewritten", "request", "queued"}) {
            assertThat(is.get(tag).get(1)).as(tag + " random()").isEqualTo(was.get(tag).get(1));
            assertThat(is.get(tag).get(2)).as(tag + " randomblob()").isEqualTo(was.get(tag).get(2));
            assertThat(is.get(tag).get(3)).as(tag + " 'now'").isEqualTo(was.get(tag).get(3));
        }
        // Control: not rewritten, so SQLite evaluated the functions again during the replay.
        for (String tag : new String[] {"raw", "noparse"}) {
            assertThat(is.get(tag).get(1)).as(tag + " random()").isNotEqualTo(was.get(tag).get(1));
            assertThat(is.get(tag).get(2)).as(tag + " randomblob()").isNotEqualTo(was.get(tag).get(2));
            assertThat(is.get(tag).get(3)).as(tag + " 'now'").isNotEqualTo(was.get(tag).get(3));
        }
        // CURRENT_TIMESTAMP is never rewritten.
        for (String tag : new String[] {"rewritten", "raw"}) {
            assertThat(is.get(tag).get(4)).as(tag + " CURRENT_TIMESTAMP").isNotEqualTo(was.get(tag).get(4));
        }
    }

    private static Map<String, JsonNode> byTag(JsonNode rows) {
        Map<String, JsonNode> m = new java.util.HashMap<>();
        rows.forEach(row -> m.put(row.get(0).asString(), row));
        return m;
    }
}
