package io.raftlite.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/**
 * Read consistency levels, {@code raft_index} and the read-path query parameters on a single node
 * (spec section 3 and the data-endpoint parameters of 2.7). A single node is always its own leader,
 * so every level must return a write made just before; what differs is whether the read went
 * through the Raft log, which {@code raft_index} reveals.
 */
@ExtendWith(SharedNode.class)
class ConsistencyIT {
    private static final String TABLE = "consistency_kv";
    private static final AtomicInteger NEXT_ID = new AtomicInteger(1);

    private final Api api = SharedNode.api();

    @BeforeAll
    static void createTable() {
        SharedNode.api().execute("[\"CREATE TABLE " + TABLE + " (id INTEGER PRIMARY KEY, v TEXT)\"]");
    }

    // ---- helpers ----

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** Inserts a fresh row through /db/execute and returns its id. */
    private int insert(String value) {
        int id = NEXT_ID.getAndIncrement();
        String body = api.execute("[[\"INSERT INTO " + TABLE + "(id, v) VALUES(?, ?)\", " + id + ", \"" + value + "\"]]");
        assertThat(body).isEqualTo("{\"results\":[{\"last_insert_id\":" + id + ",\"rows_affected\":1}]}");
        return id;
    }

    private static String select(int id) {
        return "SELECT v FROM " + TABLE + " WHERE id = " + id;
    }

    private static String rowsBody(String value) {
        return "{\"results\":[{\"columns\":[\"v\"],\"types\":[\"text\"],\"values\":[[\"" + value + "\"]]}]}";
    }

    private static String withParams(String path, String params) {
        return params.isEmpty() ? path : path + "?" + params;
    }

    private Api.Response getQuery(String sql, String params) {
        return api.get("/db/query?q=" + enc(sql) + (params.isEmpty() ? "" : "&" + params));
    }

    private Api.Response postQuery(String sql, String params) {
        return api.post(withParams("/db/query", params), "[\"" + sql + "\"]");
    }

    private Api.Response request(String json, String params) {
        return api.post(withParams("/db/request", params), json);
    }

    private static JsonNode ok(Api.Response r) {
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode json = r.json();
        assertThat(json.has("error")).as(r.body()).isFalse();
        return json;
    }

    private static long raftIndex(Api.Response r) {
        JsonNode json = ok(r);
        assertThat(json.has("raft_index")).as("raft_index expected in %s", r.body()).isTrue();
        assertThat(json.get("raft_index").isIntegralNumber()).as(r.body()).isTrue();
        long index = json.get("raft_index").asLong();
        assertThat(index).isPositive();
        return index;
    }

    private static void assertNoRaftIndex(Api.Response r) {
        assertThat(ok(r).has("raft_index")).as("no raft_index expected in %s", r.body()).isFalse();
    }

    private static void assertBadRequest(Api.Response r, String message) {
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.body()).isEqualTo(message + "\n");
        assertThat(r.header("Content-Type")).startsWith("text/plain");
    }

    // ---- every level reads its own write ----

    @ParameterizedTest(name = "level={0}")
    @ValueSource(strings = {"", "level=none", "level=weak", "level=linearizable", "level=strong", "level=auto",
        "level=NONE", "level=Weak", "level=LiNeArIzAbLe", "level=STRONG", "level=Auto", "level=bogus", "level=",
        "level"})
    void everyLevelSeesTheWriteJustMade(String params) {
        String value = "v-" + params.replace('=', '-');
        int id = insert(value);

        assertThat(getQuery(select(id), params).body()).as("GET /db/query").isEqualTo(rowsBody(value));
        assertThat(postQuery(select(id), params).body()).as("POST /db/query").isEqualTo(rowsBody(value));
        assertThat(request("[\"" + select(id) + "\"]", params).body()).as("POST /db/request").isEqualTo(rowsBody(value));
    }

    @ParameterizedTest(name = "level={0}")
    @ValueSource(strings = {"none", "weak", "linearizable", "strong", "auto"})
    void everyLevelSeesAnUpdateJustMade(String level) {
        int id = insert("before");
        api.execute("[[\"UPDATE " + TABLE + " SET v = ? WHERE id = ?\", \"after-" + level + "\", " + id + "]]");
        assertThat(getQuery(select(id), "level=" + level).body()).isEqualTo(rowsBody("after-" + level));
        api.execute("[[\"DELETE FROM " + TABLE + " WHERE id = ?\", " + id + "]]");
        assertThat(postQuery(select(id), "level=" + level).body())
                .isEqualTo("{\"results\":[{\"columns\":[\"v\"],\"types\":[\"text\"]}]}");
    }

    // ---- raft_index ----

    @Test
    void raftIndexIsReportedForWritesAndIncreases() {
        int id = insert("ri");
        String insert = "[[\"UPDATE " + TABLE + " SET v = v || '+' WHERE id = ?\", " + id + "]]";
        long first = raftIndex(api.post("/db/execute?raft_index", insert));
        long second = raftIndex(api.post("/db/execute?raft_index", insert));
        assertThat(second).isGreaterThan(first);
        // Also for a statement that fails in SQL: it still went through the log.
        long failed = raftIndex(api.post("/db/execute?raft_index", "[\"INSERT INTO consistency_nope VALUES(1)\"]"));
        assertThat(failed).isGreaterThan(second);
        // The flag is a presence flag.
        assertThat(raftIndex(api.post("/db/execute?raft_index=false", insert))).isGreaterThan(failed);
    }

    @Test
    void raftIndexComesLastAfterTime() {
        int id = insert("order");
        Api.Response w = api.post("/db/execute?raft_index&timings", "[[\"UPDATE " + TABLE + " SET v = 'o' WHERE id = ?\", " + id + "]]");
        assertThat(w.body()).matches("\\{\"results\":\\[\\{(\"last_insert_id\":\\d+,)?\"rows_affected\":1,\"time\":[0-9.e-]+}],\"time\":[0-9.e-]+,\"raft_index\":\\d+}");
        Api.Response r = getQuery(select(id), "level=strong&raft_index&timings");
        assertThat(r.body()).matches("\\{\"results\":\\[\\{\"columns\":\\[\"v\"],\"types\":\\[\"text\"],"
                + "\"values\":\\[\\[\"o\"]],\"time\":[0-9.e-]+}],\"time\":[0-9.e-]+,\"raft_index\":\\d+}");
    }

    @Test
    void raftIndexIsAbsentWithoutTheFlag() {
        int id = insert("no-flag");
        assertNoRaftIndex(api.post("/db/execute", "[[\"UPDATE " + TABLE + " SET v = 'x' WHERE id = ?\", " + id + "]]"));
        assertNoRaftIndex(getQuery(select(id), "level=strong"));
        assertNoRaftIndex(postQuery(select(id), "level=strong"));
        assertNoRaftIndex(request("[[\"UPDATE " + TABLE + " SET v = 'y' WHERE id = ?\", " + id + "], \"" + select(id) + "\"]", ""));
    }

    @Test
    void strongReadsGoThroughTheLogAndOthersDoNot() {
        int id = insert("ri-levels");
        long write = raftIndex(api.post("/db/execute?raft_index", "[[\"UPDATE " + TABLE + " SET v = 'w' WHERE id = ?\", " + id + "]]"));

        Api.Response strong = getQuery(select(id), "level=strong&raft_index");
        assertThat(strong.json().get("results")).isEqualTo(Api.parse(rowsBody("w")).get("results"));
        long strongIndex = raftIndex(strong);
        assertThat(strongIndex).isGreaterThan(write);
        long strongPost = raftIndex(postQuery(select(id), "level=strong&raft_index"));
        assertThat(strongPost).isGreaterThan(strongIndex);
        // The level value is case-insensitive, so this is a strong read too.
        long upper = raftIndex(getQuery(select(id), "level=STRONG&raft_index"));
        assertThat(upper).isGreaterThan(strongPost);

        // A strong read has completed in this term, so linearizable reads take the read-index path.
        for (String level : new String[] {"none", "weak", "linearizable", "auto", "bogus", "Linearizable"}) {
            Api.Response get = getQuery(select(id), "level=" + level + "&raft_index");
            assertThat(get.body()).as(level).isEqualTo(rowsBody("w"));
            Api.Response post = postQuery(select(id), "level=" + level + "&raft_index");
            assertThat(post.body()).as(level).isEqualTo(rowsBody("w"));
        }
        // Default level (weak).
        assertThat(getQuery(select(id), "raft_index").body()).isEqualTo(rowsBody("w"));
    }

    @Test
    void requestWithAWriteGoesThroughTheLogAndReadsSeeIt() {
        int id = NEXT_ID.getAndIncrement();
        long before = raftIndex(api.post("/db/execute?raft_index", "[\"UPDATE " + TABLE + " SET v = v WHERE id = 0\"]"));
        Api.Response r = request("[[\"INSERT INTO " + TABLE + "(id, v) VALUES(?, ?)\", " + id + ", \"r1\"], \"" + select(id) + "\"]",
                "raft_index");
        long index = raftIndex(r);
        assertThat(index).isGreaterThan(before);
        JsonNode results = r.json().get("results");
        assertThat(results.toString()).isEqualTo("[{\"last_insert_id\":" + id + ",\"rows_affected\":1},"
                + "{\"columns\":[\"v\"],\"types\":[\"text\"],\"values\":[[\"r1\"]]}]");

        // Whatever level is asked for, a batch with a write goes through the log.
        for (String level : new String[] {"none", "weak", "linearizable", "strong", "auto"}) {
            Api.Response w = request("[[\"UPDATE " + TABLE + " SET v = ? WHERE id = ?\", \"" + level + "\", " + id + "], \""
                    + select(id) + "\"]", "level=" + level + "&raft_index");
            long next = raftIndex(w);
            assertThat(next).as(level).isGreaterThan(index);
            index = next;
            assertThat(w.json().get("results").get(1).get("values").toString()).as(level).isEqualTo("[[\"" + level + "\"]]");
        }
    }

    @Test
    void allReadRequestIsServedLocallyUnlessStrong() {
        int id = insert("ro");
        getQuery(select(id), "level=strong"); // a strong read in this term: linearizable may use the fast path
        for (String level : new String[] {"", "level=none", "level=weak", "level=linearizable", "level=auto", "level=bogus"}) {
            Api.Response r = request("[\"" + select(id) + "\", \"SELECT COUNT(*) FROM " + TABLE + " WHERE id = " + id + "\"]",
                    level.isEmpty() ? "raft_index" : level + "&raft_index");
            assertNoRaftIndex(r);
            assertThat(r.body()).as(level).isEqualTo("{\"results\":[{\"columns\":[\"v\"],\"types\":[\"text\"],\"values\":[[\"ro\"]]},"
                    + "{\"columns\":[\"COUNT(*)\"],\"types\":[\"integer\"],\"values\":[[1]]}]}");
        }
        long strong = raftIndex(request("[\"" + select(id) + "\"]", "level=strong&raft_index"));
        long strongMixedCase = raftIndex(request("[\"" + select(id) + "\"]", "level=sTrOnG&raft_index"));
        assertThat(strongMixedCase).isGreaterThan(strong);
    }

    @Test
    void requestWithAStatementThatCannotBePreparedCountsAsAWrite() {
        // rqlite classifies with sqlite3_stmt_readonly; a statement that fails to prepare is a write,
        // so the batch goes through the log.
        Api.Response r = request("[\"SELECT * FROM consistency_missing\"]", "raft_index");
        assertThat(r.json().get("results").toString()).isEqualTo("[{\"error\":\"no such table: consistency_missing\"}]");
        raftIndex(r);
    }

    @Test
    void autoLevelOnRequestServesAllReadBatchLocally() {
        int id = insert("auto");
        Api.Response r = request("[\"" + select(id) + "\"]", "level=auto&raft_index&freshness=1ns&freshness_strict");
        assertThat(r.body()).isEqualTo(rowsBody("auto"));
    }

    // ---- freshness ----

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"level=none&freshness=1ns", "level=none&freshness=1ns&freshness_strict",
        "level=none&freshness=1ns&freshness_strict=false", "level=weak&freshness=1ns", "level=strong&freshness=1ns",
        "level=linearizable&freshness=1ns&freshness_strict", "level=auto&freshness=1ns", "freshness=0",
        "level=none&freshness=0&freshness_strict"})
    void freshnessIsAcceptedAndIgnoredOnTheLeader(String params) {
        int id = insert("fresh");
        // 1ns would make any follower's read stale; the leader ignores freshness.
        assertThat(getQuery(select(id), params).body()).isEqualTo(rowsBody("fresh"));
        assertThat(postQuery(select(id), params).body()).isEqualTo(rowsBody("fresh"));
        assertThat(request("[\"" + select(id) + "\"]", params).body()).isEqualTo(rowsBody("fresh"));
    }

    @Test
    void freshnessStrictWithoutFreshnessIsRejected() {
        int id = insert("strict");
        String message = "freshness_strict requires freshness";
        assertBadRequest(getQuery(select(id), "level=none&freshness_strict"), message);
        assertBadRequest(postQuery(select(id), "freshness_strict"), message);
        assertBadRequest(request("[\"" + select(id) + "\"]", "level=none&freshness_strict=true"), message);
    }

    @Test
    void freshnessMustBeADuration() {
        int id = insert("dur");
        assertBadRequest(getQuery(select(id), "level=none&freshness=soon"), "freshness is not a valid duration");
        assertBadRequest(postQuery(select(id), "level=none&freshness=5"), "freshness is not a valid duration");
        assertBadRequest(request("[\"" + select(id) + "\"]", "level=none&freshness=1x"), "freshness is not a valid duration");
    }

    // ---- linearizable_timeout ----

    @Test
    void linearizableTimeoutMustBeADuration() {
        int id = insert("lt");
        String message = "linearizable_timeout is not a valid duration";
        assertBadRequest(getQuery(select(id), "level=linearizable&linearizable_timeout=soon"), message);
        assertBadRequest(postQuery(select(id), "level=linearizable&linearizable_timeout=10"), message);
        assertBadRequest(getQuery(select(id), "level=linearizable&linearizable_timeout="), message);
        assertBadRequest(request("[\"" + select(id) + "\"]", "level=linearizable&linearizable_timeout=1s5"), message);
        // Validated whatever the level.
        assertBadRequest(getQuery(select(id), "linearizable_timeout=x"), message);
    }

    @ParameterizedTest(name = "linearizable_timeout={0}")
    @ValueSource(strings = {"5s", "1m30s", "2500ms", "1h", "0", "0s"})
    void validLinearizableTimeoutsAreAccepted(String timeout) {
        int id = insert("lt-ok");
        getQuery(select(id), "level=strong"); // a strong read in this term: the read-index path
        String params = "level=linearizable&linearizable_timeout=" + timeout;
        // Zero means "use the default", as in rqlite.
        assertThat(getQuery(select(id), params).body()).isEqualTo(rowsBody("lt-ok"));
        assertThat(postQuery(select(id), params).body()).isEqualTo(rowsBody("lt-ok"));
        assertThat(request("[\"" + select(id) + "\"]", params).body()).isEqualTo(rowsBody("lt-ok"));
    }

    // ---- transaction on reads ----

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"transaction", "transaction=true", "transaction=false", "transaction&level=strong",
        "transaction&level=none", "transaction&level=linearizable"})
    void transactionalQueryReportsEveryStatement(String params) {
        int id = insert("tx");
        String body = "[\"" + select(id) + "\", \"SELECT * FROM consistency_absent\", [\"SELECT COUNT(*) FROM " + TABLE
                + " WHERE id = ?\", " + id + "]]";
        Api.Response r = api.post("/db/query?" + params, body);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("{\"results\":[{\"columns\":[\"v\"],\"types\":[\"text\"],\"values\":[[\"tx\"]]},"
                + "{\"error\":\"no such table: consistency_absent\"},"
                + "{\"columns\":[\"COUNT(*)\"],\"types\":[\"integer\"],\"values\":[[1]]}]}");
    }

    @Test
    void queriesCannotWriteAtAnyLevel() {
        int id = insert("ro-query");
        for (String level : new String[] {"none", "weak", "linearizable", "strong", "auto"}) {
            Api.Response r = api.post("/db/query?level=" + level,
                    "[[\"UPDATE " + TABLE + " SET v = 'changed' WHERE id = ?\", " + id + "]]");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).as(level)
                    .isEqualTo("{\"results\":[{\"error\":\"attempt to change database via query operation\"}]}");
        }
        assertThat(getQuery(select(id), "").body()).isEqualTo(rowsBody("ro-query"));
    }
}
