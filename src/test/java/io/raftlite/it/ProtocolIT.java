package io.raftlite.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/**
 * Spec section 1: what every request goes through before and around the handlers. Routing (prefix
 * and exact paths, 404 and 405 with empty bodies), OPTIONS, the root redirect, the version and CORS
 * headers, query-string validation with rqlite's exact plain-text messages, and how query strings
 * and bodies are decoded. Auth is off on the shared node; {@link AuthIT} covers auth on.
 *
 * <p>Content types are compared as media types (type and charset, case and spacing ignored): the
 * servlet container re-serialises {@code text/plain; charset=utf-8} as {@code text/plain;charset=utf-8},
 * which is the same media type.
 */
@ExtendWith(SharedNode.class)
class ProtocolIT {
    private static final String T = "protocol_";

    private final Api api = SharedNode.api();

    @BeforeAll
    static void tables() {
        Api api = SharedNode.api();
        api.execute("[\"CREATE TABLE IF NOT EXISTS " + T + "tx (id INTEGER NOT NULL PRIMARY KEY)\"]");
        api.execute("[\"CREATE TABLE IF NOT EXISTS " + T + "form (id INTEGER NOT NULL PRIMARY KEY, v TEXT)\"]");
    }

    // ---- helpers -------------------------------------------------------------------------------

    private Api.Response method(String method, String path) {
        return api.method(method, path, null, null);
    }

    private static void assertEmpty(Api.Response r, int status) {
        assertThat(r.status()).as("status, body: %s", r.body()).isEqualTo(status);
        assertThat(r.bytes()).as("body of %d", status).isEmpty();
    }

    /** Compares a Content-Type header as a media type: type/subtype and charset, case- and space-insensitive. */
    static void assertMediaType(String header, String expected) {
        assertThat(header).as("Content-Type").isNotNull();
        assertThat(normaliseMediaType(header)).as("Content-Type %s", header).isEqualTo(normaliseMediaType(expected));
    }

    private static String normaliseMediaType(String value) {
        return value.toLowerCase(Locale.ROOT).replace(" ", "").replace("\"", "");
    }

    /** rqlite's plain error: the message and a newline, text/plain utf-8, no sniffing. */
    static void assertPlainError(Api.Response r, int status, String message) {
        assertThat(r.status()).as("status, body: %s", r.body()).isEqualTo(status);
        assertThat(r.body()).isEqualTo(message + "\n");
        assertMediaType(r.header("Content-Type"), "text/plain; charset=utf-8");
        assertThat(r.header("X-Content-Type-Options")).isEqualTo("nosniff");
    }

    private String version() {
        return api.get("/status?key=build.version").json().asString();
    }

    private long count(String table) {
        return api.get("/db/query?q=" + java.net.URLEncoder.encode("SELECT COUNT(*) FROM " + table, StandardCharsets.UTF_8))
                .json().at("/results/0/values/0/0").asLong();
    }

    /** What came back over a raw connection: status line, header block and body (Connection: close). */
    private record Raw(String statusLine, String headers, String body) {
        int status() {
            return Integer.parseInt(statusLine.split(" ")[1]);
        }

        String header(String name) {
            for (String line : headers.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                    return line.substring(colon + 1).trim();
                }
            }
            return null;
        }
    }

    /** An HTTP/1.1 GET written byte for byte, for request targets java.net.URI refuses (raw brackets, bad escapes). */
    private Raw rawGet(String target) throws IOException {
        try (Socket s = new Socket("127.0.0.1", SharedNode.node().httpPort())) {
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            out.write(("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            in.transferTo(buf);
            String text = buf.toString(StandardCharsets.UTF_8);
            int endOfHeaders = text.indexOf("\r\n\r\n");
            int endOfStatus = text.indexOf("\r\n");
            assertThat(endOfHeaders).as("a complete HTTP response: %s", text).isPositive();
            // bodies here are small and sent with Content-Length (or chunked JSON, which we only search)
            return new Raw(text.substring(0, endOfStatus), text.substring(endOfStatus + 2, endOfHeaders),
                    text.substring(endOfHeaders + 4));
        }
    }

    // ---- routing -------------------------------------------------------------------------------

    @Test
    void prefixRoutesMatchLongerPaths() {
        // /db/executeXYZ is /db/execute
        Api.Response exec = api.post("/db/executeXYZ", "[\"INSERT INTO " + T + "form(id, v) VALUES(1000, 'prefix')\"]");
        assertThat(exec.status()).isEqualTo(200);
        assertThat(exec.json().at("/results/0/rows_affected").asInt()).isEqualTo(1);
        assertThat(api.get("/db/queryfoo?q=SELECT+v+FROM+" + T + "form+WHERE+id%3D1000").json().at("/results/0/values/0/0").asString())
                .isEqualTo("prefix");
        assertThat(api.post("/db/request/anything", "[\"SELECT 7\"]").json().at("/results/0/values/0/0").asInt()).isEqualTo(7);
        assertThat(api.get("/db/sqlX?q=SELECT+1").status()).isEqualTo(200);
        Api.Response status = api.get("/statusfoo");
        assertThat(status.status()).isEqualTo(200);
        assertThat(status.json().at("/store/raft/state").asString()).isEqualTo("Leader");
        assertThat(api.get("/status/").json().has("build")).isTrue();
        assertThat(api.get("/nodesX").status()).isEqualTo(200);
        assertThat(api.get("/readyzzz").status()).isEqualTo(200);
        Api.Response backup = api.get("/db/backup.sqlite");
        assertThat(backup.status()).isEqualTo(200);
        assertThat(new String(backup.bytes(), 0, 15, StandardCharsets.US_ASCII)).isEqualTo("SQLite format 3");
        // wrong methods on prefix variants of the write-side routes: 405 proves they were routed
        assertEmpty(method("GET", "/db/loadX"), 405);
        assertEmpty(method("GET", "/remove/x"), 405);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/bootX", "/boot/", "/snapshotX", "/snapshot/", "/reapX", "/leaderX", "/leader/", "/licensesX",
        "/debug/varsX", "/debug/vars/"})
    void exactRoutesDoNotMatchLongerPaths(String path) {
        for (String m : List.of("GET", "POST")) {
            Api.Response r = method(m, path);
            assertEmpty(r, 404);
            assertThat(r.header("X-RQLITE-VERSION")).isNotBlank();
        }
    }

    @Test
    void exactRoutesMatchTheirPath() {
        assertEmpty(method("GET", "/boot"), 405);
        assertEmpty(method("GET", "/snapshot"), 405);
        assertEmpty(method("GET", "/reap"), 405);
        assertThat(api.get("/leader").status()).isEqualTo(200);
        assertThat(api.get("/leader").json().path("leader").asBoolean()).isTrue();
        assertThat(api.get("/licenses").status()).isEqualTo(200);
        assertThat(api.get("/debug/vars").status()).isEqualTo(200);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/nope", "/db", "/db/", "/db/foo", "/db/exec", "/dbx/execute", "/STATUS", "/Db/query",
        "/statu", "/debug", "/debug/", "/error", "/index.html", "/leade"})
    void unknownPathsAre404WithAnEmptyBody(String path) {
        for (String m : List.of("GET", "POST", "DELETE", "PUT")) {
            Api.Response r = method(m, path);
            assertEmpty(r, 404);
            assertThat(r.header("X-RQLITE-VERSION")).isNotBlank();
        }
    }

    @ParameterizedTest(name = "{0} {1} -> 405")
    @CsvSource({
        "GET, /db/execute", "PUT, /db/execute", "DELETE, /db/execute", "PATCH, /db/execute",
        "PUT, /db/query", "DELETE, /db/query",
        "GET, /db/request", "PUT, /db/request",
        "PUT, /db/sql", "DELETE, /db/sql",
        "POST, /db/backup", "DELETE, /db/backup",
        "GET, /db/load", "PUT, /db/load",
        "GET, /boot", "PUT, /boot",
        "GET, /snapshot", "DELETE, /snapshot",
        "GET, /reap", "PUT, /reap",
        "GET, /remove", "POST, /remove",
        "POST, /status", "PUT, /status", "HEAD, /status",
        "POST, /nodes", "DELETE, /nodes",
        "PUT, /leader", "DELETE, /leader",
        "POST, /readyz", "HEAD, /readyz",
        "POST, /licenses",
        "POST, /console/", "DELETE, /console/index.html",
    })
    void wrongMethodIs405WithAnEmptyBody(String m, String path) {
        Api.Response r = method(m, path);
        assertEmpty(r, 405);
        assertThat(r.header("X-RQLITE-VERSION")).isNotBlank();
        assertThat(r.header("Access-Control-Allow-Methods")).isEqualTo("OPTIONS, GET, POST");
    }

    @Test
    void debugVarsTakesAnyMethod() {
        for (String m : List.of("GET", "POST", "PUT", "DELETE", "PATCH")) {
            Api.Response r = method(m, "/debug/vars");
            assertThat(r.status()).as(m).isEqualTo(200);
            assertThat(r.json().isObject()).isTrue();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"/nope", "/db/execute", "/db/query", "/status", "/boot", "/", "/console/", "/remove",
        "/status?timeout=bogus", "/db/query?q=", "/x?freshness_strict"})
    void optionsIs200WithAnEmptyBodyOnAnyPath(String path) {
        Api.Response r = method("OPTIONS", path);
        assertEmpty(r, 200);
        assertThat(r.header("X-RQLITE-VERSION")).isNotBlank();
        assertThat(r.header("Access-Control-Allow-Methods")).isEqualTo("OPTIONS, GET, POST");
        assertThat(r.header("Access-Control-Allow-Headers")).isEqualTo("Content-Type");
    }

    @Test
    void rootRedirectsToTheConsole() {
        for (String m : List.of("GET", "POST", "DELETE")) {
            Api.Response r = method(m, "/");
            assertThat(r.status()).as(m).isEqualTo(302);
            assertThat(r.header("Location")).isEqualTo("/console/");
            assertThat(r.header("X-RQLITE-VERSION")).isNotBlank();
        }
        assertThat(api.get("/?pretty").status()).isEqualTo(302);
        Api.Response console = api.get("/console");
        assertThat(console.status()).isEqualTo(301);
        assertThat(console.header("Location")).isEqualTo("/console/");
    }

    // ---- headers -------------------------------------------------------------------------------

    @Test
    void versionHeaderOnEveryResponse() {
        String version = version();
        assertThat(version).isNotBlank();
        List<Api.Response> responses = List.of(
                api.get("/status"), api.get("/db/query?q=SELECT+1"), api.post("/db/execute", "[]"),
                api.get("/readyz"), api.get("/nodes"), api.get("/leader"), api.get("/licenses"),
                method("GET", "/nope"), method("GET", "/db/execute"), api.get("/status?timeout=x"),
                api.post("/db/execute", "not json"), method("OPTIONS", "/status"), api.get("/"), api.get("/console"),
                api.get("/actuator/health"), api.get("/actuator/prometheus"), api.get("/v3/api-docs"));
        for (Api.Response r : responses) {
            assertThat(r.header("X-RQLITE-VERSION")).as("status %d body %s", r.status(), r.body()).isEqualTo(version);
        }
    }

    @Test
    void corsHeadersWithAuthOff() {
        for (Api.Response r : List.of(api.get("/status"), method("GET", "/nope"), method("PUT", "/status"),
                api.get("/status?retries=x"), method("OPTIONS", "/db/query"), api.get("/db/query?q=SELECT+1"))) {
            assertThat(r.header("Access-Control-Allow-Methods")).isEqualTo("OPTIONS, GET, POST");
            assertThat(r.header("Access-Control-Allow-Headers")).isEqualTo("Content-Type");
            assertThat(r.headers().allValues("Access-Control-Allow-Methods")).hasSize(1);
            assertThat(r.header("Access-Control-Allow-Credentials")).isNull();
            assertThat(r.header("Access-Control-Allow-Origin")).isNull(); // no -http-allow-origin
            assertThat(r.header("WWW-Authenticate")).isNull();
        }
    }

    @Test
    void jsonContentTypes() {
        assertMediaType(api.get("/status").header("Content-Type"), "application/json; charset=utf-8");
        assertMediaType(api.get("/db/query?q=SELECT+1").header("Content-Type"), "application/json; charset=utf-8");
        assertMediaType(api.post("/db/execute", "[\"SELECT 1\"]").header("Content-Type"), "application/json; charset=utf-8");
    }

    @Test
    void bodyParseErrorsArePlainText() {
        assertPlainError(api.post("/db/execute", "not json"), 400, "invalid JSON body");
        assertPlainError(api.post("/db/query", "{\"a\":1}"), 400, "invalid request");
    }

    @Test
    void servedByOnBackup() {
        Api.Response r = api.get("/db/backup");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("X-RQLITE-SERVED-BY")).isEqualTo("127.0.0.1:" + SharedNode.node().httpPort());
    }

    @Test
    void servedByOnDataEndpoints() {
        // spec 1.3: successful execute/query/request responses carry this node's advertised HTTP address
        String self = "127.0.0.1:" + SharedNode.node().httpPort();
        assertThat(api.post("/db/execute", "[\"SELECT 1\"]").header("X-RQLITE-SERVED-BY")).as("execute").isEqualTo(self);
        assertThat(api.get("/db/query?q=SELECT+1").header("X-RQLITE-SERVED-BY")).as("query").isEqualTo(self);
        assertThat(api.post("/db/request", "[\"SELECT 1\"]").header("X-RQLITE-SERVED-BY")).as("request").isEqualTo(self);
    }

    // ---- query-string validation -----------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"/status", "/db/query", "/nope", "/", "/readyz", "/boot", "/debug/vars", "/console", "/leader"})
    void queryStringIsValidatedOnEveryPathBeforeRouting(String path) {
        assertPlainError(api.get(path + "?timeout=bogus"), 400, "timeout is not a valid duration");
        assertPlainError(api.get(path + "?pretty&retries=two"), 400, "retries is not a valid integer");
        assertPlainError(api.get(path + "?q="), 400, "query parameter not set");
        assertPlainError(api.get(path + "?freshness_strict"), 400, "freshness_strict requires freshness");
        // validation comes before method checks too
        assertPlainError(method("DELETE", path + "?db_timeout=1"), 400, "db_timeout is not a valid duration");
        assertThat(api.get(path + "?timeout=bogus").header("X-RQLITE-VERSION")).isNotBlank();
    }

    @Test
    void validationOnPostBodies() {
        assertPlainError(api.post("/db/execute?timeout=1x", "[\"SELECT 1\"]"), 400, "timeout is not a valid duration");
        assertPlainError(api.post("/db/request?linearizable_timeout=soon", "[\"SELECT 1\"]"), 400,
                "linearizable_timeout is not a valid duration");
        assertPlainError(api.post("/snapshot?trailing_logs=many", "[]"), 400, "trailing_logs is not a valid integer");
    }

    @ParameterizedTest
    @ValueSource(strings = {"timeout", "freshness", "db_timeout", "linearizable_timeout"})
    void durationParameters(String name) {
        for (String bad : List.of("", "1", "abc", "10sec", "1.5.5s", "PT1S", "1%20s", "9223372036854775808ns")) {
            assertPlainError(api.get("/status?" + name + "=" + bad), 400, name + " is not a valid duration");
        }
        assertPlainError(api.get("/status?" + name), 400, name + " is not a valid duration");
        for (String ok : List.of("0", "1m30s", "500ms", "-1s", "1.5s", "2h", "10us", "1%C2%B5s", "%2B3s", ".5s")) {
            Api.Response r = api.get("/status?key=build&" + name + "=" + ok);
            assertThat(r.status()).as(name + "=" + ok + ": " + r.body()).isEqualTo(200);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"retries", "trailing_logs"})
    void integerParameters(String name) {
        for (String bad : List.of("", "1.0", "1e3", "x", "0x10", "99999999999999999999")) {
            assertPlainError(api.get("/status?" + name + "=" + bad), 400, name + " is not a valid integer");
        }
        for (String ok : List.of("0", "3", "-2", "%2B7")) {
            assertThat(api.get("/status?key=build&" + name + "=" + ok).status()).as(name + "=" + ok).isEqualTo(200);
        }
    }

    @Test
    void freshnessStrictNeedsFreshness() {
        assertPlainError(api.get("/db/query?q=SELECT+1&level=none&freshness_strict"), 400, "freshness_strict requires freshness");
        Api.Response ok = api.get("/db/query?q=SELECT+1&level=none&freshness=1m&freshness_strict");
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.json().at("/results/0/values/0/0").asInt()).isEqualTo(1);
    }

    @Test
    void malformedQueryStrings() throws IOException {
        for (String target : List.of("/status?x=%zz", "/nope?q=SELECT+1&y=%zz", "/db/query?%zz")) {
            Raw r = rawGet(target);
            assertThat(r.status()).as(target).isEqualTo(400);
            assertThat(r.body()).isEqualTo("invalid URL escape \"%zz\"\n");
            assertMediaType(r.header("Content-Type"), "text/plain; charset=utf-8");
            assertThat(r.header("X-Content-Type-Options")).isEqualTo("nosniff");
            assertThat(r.header("X-RQLITE-VERSION")).isNotBlank();
        }
        assertThat(rawGet("/status?x=%4").body()).isEqualTo("invalid URL escape \"%4\"\n");
        assertPlainError(api.get("/nope?a=1;b=2"), 400, "invalid semicolon separator in query");
    }

    // ---- query-string decoding -------------------------------------------------------------------

    @Test
    void repeatedKeysFirstWins() {
        JsonNode r = api.get("/db/query?q=SELECT+1+AS+first&q=SELECT+2+AS+second").json();
        assertThat(r.at("/results/0/columns/0").asString()).isEqualTo("first");
        assertThat(r.at("/results").size()).isEqualTo(1);
        assertThat(api.get("/status?key=build.version&key=store").json().asString()).isEqualTo(version());
        // the first timeout is validated, the second never looked at
        assertThat(api.get("/status?key=build&timeout=1s&timeout=bogus").status()).isEqualTo(200);
    }

    @Test
    void transactionIsAPresenceFlag() {
        // a batch whose second statement fails: inside a transaction the first is rolled back too
        for (String flag : List.of("transaction=false", "transaction", "transaction=true", "transaction=0")) {
            long before = count(T + "tx");
            String body = "[\"INSERT INTO " + T + "tx(id) VALUES(NULL)\", \"INSERT INTO " + T + "tx(id) VALUES(1/0, 2)\"]";
            Api.Response r = api.post("/db/execute?" + flag, body);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.json().at("/results/1/error").isMissingNode()).as(flag + ": " + r.body()).isFalse();
            assertThat(count(T + "tx")).as(flag).isEqualTo(before);
        }
        // control: without the flag the first insert stays
        long before = count(T + "tx");
        Api.Response r = api.post("/db/execute",
                "[\"INSERT INTO " + T + "tx(id) VALUES(NULL)\", \"INSERT INTO " + T + "tx(id) VALUES(1/0, 2)\"]");
        assertThat(r.json().at("/results/1/error").isMissingNode()).as(r.body()).isFalse();
        assertThat(count(T + "tx")).isEqualTo(before + 1);
    }

    @Test
    void keysWithoutEquals() {
        Api.Response pretty = api.get("/db/query?q=SELECT+1+AS+one&pretty");
        assertThat(pretty.body()).contains("\n").contains("\"one\"");
        assertThat(api.get("/db/query?q=SELECT+1+AS+one").body()).doesNotContain("\n");
        JsonNode timed = api.get("/db/query?timings&q=SELECT+1").json();
        assertThat(timed.at("/results/0/time").isNumber()).as(timed.toString()).isTrue();
        JsonNode assoc = api.get("/db/query?associative&q=SELECT+1+AS+one").json();
        assertThat(assoc.at("/results/0/rows/0/one").asInt()).as(assoc.toString()).isEqualTo(1);
    }

    @Test
    void plusIsASpaceAndEscapesAreDecoded() {
        JsonNode r = api.get("/db/query?q=SELECT+%27a+b%27+AS+v,+1%2B1+AS+w,+%27%C3%A9%27+AS+x").json();
        assertThat(r.at("/results/0/values/0/0").asString()).isEqualTo("a b");
        assertThat(r.at("/results/0/values/0/1").asInt()).isEqualTo(2);
        assertThat(r.at("/results/0/values/0/2").asString()).isEqualTo("é");
    }

    @Test
    void unknownParametersAreIgnored() {
        Api.Response r = api.get("/status?q%5BuseLeader%5D=true&q%5BactiveHostIndex%5D=0&foo=bar&level=bogus");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().has("store")).isTrue();
        assertThat(api.get("/db/query?q=SELECT+1&frobnicate=yes&level=whatever").json().at("/results/0/values/0/0").asInt())
                .isEqualTo(1);
    }

    @Test
    void unknownParametersWithRawBracketsAreIgnored() throws IOException {
        // rqlite-js (axios) sends the brackets unescaped: GET /status?q[useLeader]=true&q[activeHostIndex]=0
        Raw status = rawGet("/status?q[useLeader]=true&q[activeHostIndex]=0");
        assertThat(status.status()).as(status.statusLine() + "\n" + status.body()).isEqualTo(200);
        assertThat(status.body()).contains("\"store\"");
        Raw query = rawGet("/db/query?q=SELECT+1&x[y]=z");
        assertThat(query.status()).as(query.body()).isEqualTo(200);
        assertThat(query.body()).contains("\"values\":[[1]]");
    }

    // ---- bodies ----------------------------------------------------------------------------------

    @Test
    void formUrlencodedBodiesAreStillReadAsJson() {
        String form = "application/x-www-form-urlencoded";
        Api.Response exec = api.post("/db/execute?transaction", form,
                ("[[\"INSERT INTO " + T + "form(id, v) VALUES(?, ?)\", 1, \"a=b&c\"]]").getBytes(StandardCharsets.UTF_8));
        assertThat(exec.status()).as(exec.body()).isEqualTo(200);
        assertThat(exec.json().at("/results/0/rows_affected").asInt()).as(exec.body()).isEqualTo(1);
        Api.Response query = api.post("/db/query?foo=bar", form + "; charset=UTF-8",
                ("[\"SELECT v FROM " + T + "form WHERE id = 1\"]").getBytes(StandardCharsets.UTF_8));
        assertThat(query.json().at("/results/0/values/0/0").asString()).as(query.body()).isEqualTo("a=b&c");
        Api.Response request = api.post("/db/request", form,
                ("[\"SELECT COUNT(*) FROM " + T + "form WHERE id = 1\"]").getBytes(StandardCharsets.UTF_8));
        assertThat(request.json().at("/results/0/values/0/0").asInt()).as(request.body()).isEqualTo(1);
    }

    @Test
    void bodyWithoutContentTypeIsJson() {
        Api.Response r = api.post("/db/query", null, "[\"SELECT 3\"]".getBytes(StandardCharsets.UTF_8));
        assertThat(r.json().at("/results/0/values/0/0").asInt()).as(r.body()).isEqualTo(3);
    }

    // ---- Spring's own endpoints ------------------------------------------------------------------

    @Test
    void actuatorIsOutsideRqlitesTable() {
        // Not rqlite endpoints: served by Spring, no rqlite query-string validation, but the headers are set.
        Api.Response health = api.get("/actuator/health?timeout=bogus");
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().path("status").asString()).isEqualTo("UP");
        assertThat(health.header("X-RQLITE-VERSION")).isEqualTo(version());
        assertThat(health.header("Access-Control-Allow-Methods")).isEqualTo("OPTIONS, GET, POST");
    }
}
