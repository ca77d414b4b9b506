package io.raftlite.k8s;

import static io.raftlite.k8s.HelmChart.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raftlite.k8s.HelmChart.ValueSet;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code values.schema.json} turns a wrong value into an error at install time, naming the value, instead
 * of a cluster that renders but does not work. Each case changes one value of a set that renders.
 */
class HelmValuesSchemaTest {

    /** How Helm starts a schema violation (and not, say, a template that failed for another reason). */
    private static final String SCHEMA_ERROR = "values don't meet the specifications of the schema";

    @TempDir
    static Path work;

    static Stream<Arguments> badValues() {
        return Stream.of(
                Arguments.of("replicaCount", "three"),
                Arguments.of("replicaCount", 0),
                Arguments.of("replicaCount", 2.5),
                Arguments.of("replicas", 3), // misspelt top-level key
                Arguments.of("ports.http", 70000),
                Arguments.of("ports.http", "4001"),
                Arguments.of("ports.htp", 4001),
                Arguments.of("service.type", "Headless"),
                Arguments.of("persistence.enabled", "yes"),
                Arguments.of("podAntiAffinity", "sometimes"),
                Arguments.of("image.pullPolicy", "Sometimes"),
                Arguments.of("listenAddress", ""),
                Arguments.of("extraArgs", "-raft-snap 4096"),
                Arguments.of("readReplicas.enabled", "true"),
                Arguments.of("readReplicas.replicaCount", -1),
                Arguments.of("readReplicas.autoscaling.minReplicas", 0),
                Arguments.of("readReplicas.autoscaling.targetCPUUtilizationPercentage", 150),
                Arguments.of("serviceMonitor.interval", "30"),
                Arguments.of("networkPolicy.enable", true),
                Arguments.of("grafanaDashboard.label", ""));
    }

    @Test
    void theUnchangedSetRenders() {
        ValueSet set = new ValueSet("baseline", "db", values("readReplicas.enabled", true,
                "readReplicas.autoscaling.enabled", true, "serviceMonitor.enabled", true, "networkPolicy.enabled", true));
        assertThat(HelmChart.render(set, work)).contains("kind: StatefulSet");
    }

    @ParameterizedTest(name = "{0} = {1}")
    @MethodSource("badValues")
    void aWrongValueFailsTheInstallNamingIt(String key, Object value) {
        ValueSet set = new ValueSet("bad", "db", values(key, value));
        String leaf = key.substring(key.lastIndexOf('.') + 1);
        assertThatThrownBy(() -> HelmChart.render(set, work))
                .as("%s = %s", key, value)
                .hasMessageContaining(SCHEMA_ERROR)
                .hasMessageContaining(leaf);
    }

    /** The same holds for lint, which is what a CI pipeline of a chart user typically runs. */
    @Test
    void lintRejectsAWrongValueToo() {
        var result = HelmChart.lint(new ValueSet("bad-lint", "db", Map.of("replicaCount", "three")), work);
        assertThat(result.isFailed()).as("lint messages %s", result.getMessages()).isTrue();
        assertThat(String.join("\n", result.getMessages())).contains("replicaCount");
    }

    @Test
    void extraArgsMustBeStrings() {
        ValueSet set = new ValueSet("args", "db", values("extraArgs", List.of(Map.of("flag", "-fk"))));
        assertThatThrownBy(() -> HelmChart.render(set, work)).hasMessageContaining(SCHEMA_ERROR).hasMessageContaining("extraArgs");
    }
}
