package io.raftlite.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node starts from the bean definitions Spring's ahead-of-time processing wrote at build time,
 * unless a Spring property that build-time conditions read is set at run time; then it starts the
 * classic way, so that property still takes effect (docs/configuration.md, "Start-up from
 * ahead-of-time bean definitions").
 */
class AheadOfTimeModeIT {
    private static final String AOT_START = "Starting AOT-processed RaftliteApplication";
    private static final String CLASSIC_START = "starting without the build's ahead-of-time bean definitions";

    @TempDir
    Path tmp;

    @Test
    void aNodeWithOnlyRaftliteSettingsStartsFromTheGeneratedDefinitionsAndServesEverything() throws Exception {
        try (NodeProcess node = NodeProcess.start(tmp.resolve("n1"), "-fk", "--server.tomcat.threads.max=6")) {
            String log = Files.readString(node.logFile());
            assertThat(log).contains(AOT_START).doesNotContain(CLASSIC_START);
            Api api = new Api(node);
            Api.Response w = api.post("/db/execute", "[\"CREATE TABLE aot (id INTEGER PRIMARY KEY, v TEXT)\","
                    + " [\"INSERT INTO aot(v) VALUES(?)\", \"x\"]]");
            assertThat(w.status()).as(w.body()).isEqualTo(200);
            assertThat(w.json().at("/results/1/last_insert_id").asInt()).as(w.body()).isEqualTo(1);
            Api.Response r = api.get("/db/query?q=SELECT+v+FROM+aot&level=strong");
            assertThat(r.json().at("/results/0/values/0/0").asText()).as(r.body()).isEqualTo("x");
            // What the build-time conditions kept: foreign keys on (-fk), the actuator endpoints, the
            // OpenAPI description, and the worker count set at run time.
            Api.Response fk = api.post("/db/execute", "[\"CREATE TABLE child (p INTEGER REFERENCES aot(id))\","
                    + " \"INSERT INTO child VALUES(99)\"]");
            assertThat(fk.json().at("/results/1/error").asText()).as(fk.body()).contains("FOREIGN KEY");
            assertThat(api.get("/actuator/prometheus").body()).contains("raftlite_raft_applied_index");
            assertThat(api.get("/actuator/health/readiness").status()).isEqualTo(200);
            assertThat(api.get("/v3/api-docs").json().path("paths").has("/db/execute")).isTrue();
            assertThat(api.get("/actuator/env").status()).as("not exposed by default").isEqualTo(404);
            assertThat(api.get("/actuator/prometheus").body()).as("Spring's per-route request observation is off")
                    .doesNotContain("http_server_requests_seconds");
        }
    }

    @Test
    void switchingSpringsRequestObservationBackOnBringsItsMetricBack() throws Exception {
        try (NodeProcess node = NodeProcess.start(tmp.resolve("n3"), "--management.observations.enable.http.server.requests=true")) {
            assertThat(Files.readString(node.logFile())).contains(CLASSIC_START);
            Api api = new Api(node);
            assertThat(api.get("/status").status()).isEqualTo(200);
            assertThat(api.post("/db/execute", "[\"CREATE TABLE observed (a)\"]").status()).isEqualTo(200);
            assertThat(api.get("/actuator/prometheus").body()).contains("http_server_requests_seconds_count");
        }
    }

    @Test
    void aSpringPropertyThatSwitchesBeansMakesTheNodeStartTheClassicWay() throws Exception {
        try (NodeProcess node = NodeProcess.start(tmp.resolve("n2"), "--springdoc.api-docs.enabled=false",
                "--management.endpoints.web.exposure.include=health,env")) {
            String log = Files.readString(node.logFile());
            assertThat(log).contains(CLASSIC_START).doesNotContain(AOT_START);
            Api api = new Api(node);
            // Both settings took effect, which they could not have from the build's definitions.
            assertThat(api.get("/v3/api-docs").status()).isEqualTo(404);
            assertThat(api.get("/actuator/env").status()).isEqualTo(200);
            assertThat(api.get("/actuator/prometheus").status()).isEqualTo(404);
            Api.Response w = api.post("/db/execute", "[\"CREATE TABLE classic (a)\"]");
            assertThat(w.status()).as(w.body()).isEqualTo(200);
        }
    }
}
