package io.raftlite.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

/**
 * The Spring side of a node: actuator health groups, the {@code raftlite_*} Prometheus meters, the
 * OpenAPI description of every rqlite endpoint and the Swagger UI.
 */
@ExtendWith(SharedNode.class)
class ActuatorIT {
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{([^}]*)\\})? (\\S+)$");
    private static final Pattern LABEL = Pattern.compile("(\\w+)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    private final Api api = SharedNode.api();

    // ---- health ----

    @Test
    void livenessIsUpAndIndependentOfTheCluster() {
        Api.Response r = api.get("/actuator/health/liveness");
        assertThat(r.status()).isEqualTo(200);
        JsonNode j = r.json();
        assertThat(j.get("status").asString()).isEqualTo("UP");
        assertThat(names(j.get("components"))).containsExactly("livenessState");
    }

    @Test
    void readinessIsUpOnceTheStoreIsReady() {
        assertThat(api.get("/readyz").status()).isEqualTo(200);
        Api.Response r = api.get("/actuator/health/readiness");
        assertThat(r.status()).isEqualTo(200);
        JsonNode j = r.json();
        assertThat(j.get("status").asString()).isEqualTo("UP");
        assertThat(names(j.get("components"))).containsExactlyInAnyOrder("readinessState", "raftlite");
        JsonNode raftlite = j.get("components").get("raftlite");
        assertThat(raftlite.get("status").asString()).isEqualTo("UP");
        JsonNode details = raftlite.get("details");
        assertThat(details.get("open").asBoolean()).isTrue();
        assertThat(details.get("state").asString()).isEqualTo("Leader");
        assertThat(details.get("leader").asString()).isEqualTo("127.0.0.1:" + SharedNode.node().raftPort());
        assertThat(details.get("commitIndex").asLong()).isPositive();
        assertThat(details.get("appliedIndex").isIntegralNumber()).isTrue();
    }

    @Test
    void healthShowsDetailsAndGroups() {
        Api.Response r = api.get("/actuator/health");
        assertThat(r.status()).isEqualTo(200);
        JsonNode j = r.json();
        assertThat(j.get("status").asString()).isEqualTo("UP");
        assertThat(j.get("groups").toString()).contains("\"liveness\"", "\"readiness\"");
        assertThat(j.get("components").get("raftlite").get("details").get("state").asString()).isEqualTo("Leader");
        // The rqlite protocol filter leaves Spring's endpoints alone apart from the version header.
        assertThat(r.header("X-RQLITE-VERSION")).isNotBlank();
        assertThat(api.get("/actuator/health?timeout=notaduration").status()).isEqualTo(200);
    }

    // ---- prometheus ----

    @Test
    void prometheusExposesRaftAndSqliteMeters() {
        Map<String, Double> m = scrapeUnlabelled();
        for (String name : List.of("raftlite_raft_commit_index", "raftlite_raft_applied_index", "raftlite_raft_term",
                "raftlite_raft_leader", "raftlite_raft_last_log_index", "raftlite_snapshots_total",
                "raftlite_sqlite_size_bytes", "raftlite_raft_apply_seconds_count", "raftlite_raft_apply_seconds_sum",
                "raftlite_raft_proposal_gather_timeouts_total")) {
            assertThat(m).as("metric %s", name).containsKey(name);
        }
        assertThat(m.get("raftlite_raft_leader")).isEqualTo(1.0);
        assertThat(m.get("raftlite_raft_commit_index")).isPositive();
        assertThat(m.get("raftlite_sqlite_size_bytes")).isPositive();
        assertThat(m.get("raftlite_snapshots_total")).isGreaterThanOrEqualTo(0.0);
        JsonNode raft = api.get("/status?key=store.raft").json();
        assertThat(m.get("raftlite_raft_term")).as("term as /status reports it").isEqualTo(raft.get("term").asDouble())
                .isGreaterThanOrEqualTo(1.0);
    }

    @Test
    void prometheusCountsRequestsStatementsAndApplies() {
        api.execute("[\"CREATE TABLE IF NOT EXISTS act_t (id INTEGER PRIMARY KEY, v TEXT)\"]");
        String before = scrape();
        double requests = sample(before, "raftlite_http_requests_seconds_count", Map.of("endpoint", "execute", "outcome", "success"));
        double statements = sample(before, "raftlite_statements_total", Map.of("endpoint", "execute"));
        double applies = sample(before, "raftlite_raft_apply_seconds_count", Map.of());
        double commit = sample(before, "raftlite_raft_commit_index", Map.of());

        api.execute("[[\"INSERT INTO act_t(v) VALUES(?)\", \"x\"], [\"INSERT INTO act_t(v) VALUES(?)\", \"y\"]]");

        String after = scrape();
        assertThat(sample(after, "raftlite_http_requests_seconds_count", Map.of("endpoint", "execute", "outcome", "success")))
                .isGreaterThanOrEqualTo(requests + 1);
        assertThat(sample(after, "raftlite_http_requests_seconds_sum", Map.of("endpoint", "execute", "outcome", "success")))
                .isPositive();
        assertThat(sample(after, "raftlite_statements_total", Map.of("endpoint", "execute"))).isGreaterThanOrEqualTo(statements + 2);
        assertThat(sample(after, "raftlite_raft_apply_seconds_count", Map.of())).isGreaterThanOrEqualTo(applies + 1);
        assertThat(sample(after, "raftlite_raft_commit_index", Map.of())).isGreaterThan(commit);

        // A request that fails in the client's fault is counted under its own outcome.
        assertThat(api.post("/db/execute", "not json").status()).isEqualTo(400);
        assertThat(sample(scrape(), "raftlite_http_requests_seconds_count", Map.of("endpoint", "execute", "outcome", "client_error")))
                .isGreaterThanOrEqualTo(1);
    }

    private String scrape() {
        Api.Response r = api.get("/actuator/prometheus");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Content-Type")).startsWith("text/plain");
        return r.body();
    }

    private Map<String, Double> scrapeUnlabelled() {
        Map<String, Double> out = new LinkedHashMap<>();
        for (String line : scrape().lines().toList()) {
            Matcher mm = SAMPLE.matcher(line);
            if (!line.startsWith("#") && mm.matches()) {
                Map<String, String> labels = labels(mm.group(3));
                labels.remove("application");
                if (labels.isEmpty()) {
                    out.put(mm.group(1), Double.parseDouble(mm.group(4)));
                }
            }
        }
        return out;
    }

    /** The value of the one sample named {@code name} whose labels include {@code want}; fails if absent. */
    private static double sample(String exposition, String name, Map<String, String> want) {
        List<Double> found = new ArrayList<>();
        for (String line : exposition.lines().toList()) {
            Matcher mm = SAMPLE.matcher(line);
            if (line.startsWith("#") || !mm.matches() || !mm.group(1).equals(name)) {
                continue;
            }
            if (labels(mm.group(3)).entrySet().containsAll(want.entrySet())) {
                found.add(Double.parseDouble(mm.group(4)));
            }
        }
        assertThat(found).as("samples of %s%s", name, want).hasSize(1);
        return found.get(0);
    }

    private static Map<String, String> labels(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        if (text != null) {
            Matcher m = LABEL.matcher(text);
            while (m.find()) {
                out.put(m.group(1), m.group(2));
            }
        }
        return out;
    }

    // ---- OpenAPI and Swagger UI ----

    @Test
    void openApiDescribesEveryRqliteEndpoint() {
        Api.Response r = api.get("/v3/api-docs");
        assertThat(r.status()).isEqualTo(200);
        JsonNode doc = r.json();
        assertThat(doc.get("openapi").asString()).startsWith("3.");
        assertThat(doc.get("info").get("title").asString()).isEqualTo("raftlite");
        JsonNode paths = doc.get("paths");
        Map<String, List<String>> expected = new LinkedHashMap<>();
        expected.put("/db/execute", List.of("post"));
        expected.put("/db/query", List.of("get", "post"));
        expected.put("/db/request", List.of("post"));
        expected.put("/db/sql", List.of("get", "post"));
        expected.put("/db/backup", List.of("get"));
        expected.put("/db/load", List.of("post"));
        expected.put("/boot", List.of("post"));
        expected.put("/snapshot", List.of("post"));
        expected.put("/reap", List.of("post"));
        expected.put("/status", List.of("get"));
        expected.put("/readyz", List.of("get"));
        expected.put("/nodes", List.of("get"));
        expected.put("/leader", List.of("get", "post"));
        expected.put("/remove", List.of("delete"));
        expected.put("/licenses", List.of("get"));
        expected.put("/debug/vars", List.of("get"));
        expected.forEach((path, methods) -> {
            assertThat(paths.has(path)).as("path %s", path).isTrue();
            assertThat(names(paths.get(path))).as("methods of %s", path).containsExactlyInAnyOrderElementsOf(methods);
        });
        assertThat(names(paths)).as("only rqlite endpoints are described").allMatch(expected::containsKey);

        assertThat(parameters(paths.get("/db/execute").get("post")))
                .contains("transaction", "queue", "wait", "timings", "pretty", "associative", "db_timeout", "raft_index", "redirect");
        assertThat(parameters(paths.get("/db/query").get("get")))
                .contains("q", "level", "freshness", "freshness_strict", "linearizable_timeout", "transaction", "associative");
        assertThat(parameters(paths.get("/db/query").get("post"))).contains("level", "transaction");
        assertThat(parameters(paths.get("/db/request").get("post"))).contains("level", "transaction", "associative");
        assertThat(parameters(paths.get("/db/backup").get("get"))).contains("fmt", "compress", "vacuum", "tables", "noleader");
        assertThat(parameters(paths.get("/status").get("get"))).contains("key", "pretty");
        assertThat(parameters(paths.get("/readyz").get("get"))).contains("noleader", "sync", "timeout");
        assertThat(parameters(paths.get("/nodes").get("get"))).contains("ver", "nonvoters");
        assertThat(parameters(paths.get("/snapshot").get("post"))).contains("trailing_logs");
        JsonNode level = paramNamed(paths.get("/db/query").get("get"), "level");
        assertThat(level.get("schema").get("enum").toString()).contains("\"none\"", "\"weak\"", "\"linearizable\"", "\"strong\"", "\"auto\"");

        // Every parameter is valid OpenAPI: it has a schema (or content).
        paths.properties().forEach(p -> p.getValue().properties().forEach(op -> {
            JsonNode params = op.getValue().get("parameters");
            if (params != null) {
                params.forEach(param -> assertThat(param.has("schema") || param.has("content"))
                        .as("%s %s parameter %s", op.getKey(), p.getKey(), param.get("name")).isTrue());
            }
        }));
    }

    @Test
    void openApiHasRequestBodyExamples() {
        JsonNode paths = api.get("/v3/api-docs").json().get("paths");
        assertThat(bodyExamples(paths.get("/db/execute").get("post"), "application/json")).anyMatch(e -> e.contains("INSERT INTO"));
        assertThat(bodyExamples(paths.get("/db/query").get("post"), "application/json")).anyMatch(e -> e.contains("SELECT"));
        assertThat(bodyExamples(paths.get("/db/request").get("post"), "application/json"))
                .anyMatch(e -> e.contains("INSERT INTO") && e.contains("SELECT"));
        assertThat(bodyExamples(paths.get("/db/load").get("post"), "text/plain")).anyMatch(e -> e.contains("CREATE TABLE"));
        assertThat(paths.get("/db/load").get("post").get("requestBody").get("content").has("application/octet-stream")).isTrue();
        assertThat(paths.get("/boot").get("post").get("requestBody").get("content").has("application/octet-stream")).isTrue();
        assertThat(bodyExamples(paths.get("/remove").get("delete"), "application/json")).anyMatch(e -> e.contains("\"id\""));
        assertThat(bodyExamples(paths.get("/db/sql").get("post"), "application/json")).anyMatch(e -> e.contains("RANDOM()"));
        // And response examples where the shape matters.
        assertThat(paths.get("/db/execute").get("post").get("responses").get("200").toString()).contains("rows_affected");
        assertThat(paths.get("/readyz").get("get").get("responses").get("200").toString()).contains("[+]node ok");
    }

    @Test
    void swaggerUiIsServed() {
        Api.Response redirect = api.get("/swagger-ui.html");
        assertThat(redirect.status()).isIn(301, 302);
        String location = redirect.header("Location");
        assertThat(location).contains("/swagger-ui/index.html");
        String path = location.startsWith("http") ? location.substring(location.indexOf('/', "http://".length())) : location;
        Api.Response page = api.get(path);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.header("Content-Type")).startsWith("text/html");
        assertThat(page.body()).containsIgnoringCase("swagger");
        Api.Response config = api.get("/v3/api-docs/swagger-config");
        assertThat(config.status()).isEqualTo(200);
        assertThat(config.body()).contains("/v3/api-docs");
    }

    private static List<String> names(JsonNode object) {
        List<String> out = new ArrayList<>();
        object.properties().forEach(e -> out.add(e.getKey()));
        return out;
    }

    private static List<String> parameters(JsonNode operation) {
        List<String> out = new ArrayList<>();
        JsonNode params = operation.get("parameters");
        if (params != null) {
            params.forEach(p -> out.add(p.get("name").asString()));
        }
        return out;
    }

    private static JsonNode paramNamed(JsonNode operation, String name) {
        for (JsonNode p : operation.get("parameters")) {
            if (p.get("name").asString().equals(name)) {
                return p;
            }
        }
        throw new AssertionError("no parameter " + name + " in " + operation);
    }

    /** The request-body examples of one media type, as JSON text (an {@code example} or each {@code examples} value). */
    private static List<String> bodyExamples(JsonNode operation, String mediaType) {
        JsonNode body = operation.get("requestBody");
        assertThat(body).as("request body of %s", operation.get("summary")).isNotNull();
        JsonNode media = body.get("content").get(mediaType);
        assertThat(media).as("%s body of %s", mediaType, operation.get("summary")).isNotNull();
        List<String> out = new ArrayList<>();
        if (media.has("example")) {
            out.add(text(media.get("example")));
        }
        if (media.has("examples")) {
            media.get("examples").forEach(e -> out.add(text(e.get("value"))));
        }
        return out;
    }

    private static String text(JsonNode n) {
        return n.isString() ? n.asString() : n.toString();
    }
}
