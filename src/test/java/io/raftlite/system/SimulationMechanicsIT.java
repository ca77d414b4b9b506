package io.raftlite.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The parts of the simulation that stand in for Kubernetes behave as Kubernetes does, so the
 * system tests prove the chart: {@code $(VAR)} expansion, the pod's resolved command, and the
 * metric names read out of PromQL. Needs no external program.
 */
class SimulationMechanicsIT {

    @Test
    void dependentVariablesExpandAsInKubernetes() {
        Map<String, String> vars = Map.of("POD_NAME", "raftlite-1", "POD_IP", "10.1.2.3");
        assertThat(DependentVariables.expand("$(POD_IP):4001", vars)).isEqualTo("10.1.2.3:4001");
        assertThat(DependentVariables.expand("$(POD_NAME).h.ns.svc:$(POD_NAME)", vars)).isEqualTo("raftlite-1.h.ns.svc:raftlite-1");
        assertThat(DependentVariables.expand("$(UNDEFINED)-x", vars)).as("undefined stays as written").isEqualTo("$(UNDEFINED)-x");
        assertThat(DependentVariables.expand("$$(POD_IP)", vars)).as("escaped").isEqualTo("$(POD_IP)");
        assertThat(DependentVariables.expand("$$$(POD_IP)", vars)).isEqualTo("$10.1.2.3");
        assertThat(DependentVariables.expand("${POD_IP} $POD_IP", vars)).as("not references").isEqualTo("${POD_IP} $POD_IP");
        assertThat(DependentVariables.expand("a$(POD_IP", vars)).as("unterminated").isEqualTo("a$(POD_IP");
        assertThat(DependentVariables.expand("cost $", vars)).isEqualTo("cost $");
    }

    @Test
    void everyPodOfTheChartResolvesCompletely(@TempDir Path dir) {
        RenderedChart chart = RenderedChart.render(SimulatedRelease.RELEASE, SimulatedRelease.NAMESPACE);
        PodTemplate template = new PodTemplate(chart);
        assertThat(template.replicas()).isEqualTo(3);
        PodTemplate.Launch launch = template.resolve(template.podName(1), "127.0.0.2", v -> dir.resolve(v));
        assertThat(launch.environment()).containsEntry("POD_NAME", "raftlite-1").containsEntry("POD_IP", "127.0.0.2")
                .containsEntry("RAFTLITE_BOOTSTRAP_EXPECT", "3").containsKey("RAFTLITE_SERVICE_HOST")
                .containsKey("KUBERNETES_SERVICE_HOST");
        assertThat(launch.args()).as("no unresolved $(VAR) reference: the pod would get it literally")
                .noneMatch(a -> a.contains("$("));
        assertThat(launch.args()).contains("raftlite-1", "127.0.0.2:4001", "127.0.0.2:4002",
                "raftlite-1.raftlite-headless.default.svc.cluster.local:4002");
        assertThat(launch.args().get(launch.args().size() - 1)).isEqualTo(dir.resolve("data").toString());
        assertThat(template.podFqdn("raftlite-0")).isEqualTo("raftlite-0.raftlite-headless.default.svc.cluster.local");
        assertThat(PodTemplate.quantityBytes("1Gi")).isEqualTo(1L << 30);
        assertThat(PodTemplate.quantityBytes("512Mi")).isEqualTo(512L << 20);
    }

    @Test
    void metricNamesAreReadOutOfPromQl() {
        assertThat(MetricReferences.inExpression("max by (job) (raftlite_raft_leader) == 0")).containsExactly("raftlite_raft_leader");
        assertThat(MetricReferences.inExpression(
                "(max by (job) (raftlite_raft_commit_index)) - on (job) group_right () raftlite_raft_applied_index > 1000"))
                .containsExactlyInAnyOrder("raftlite_raft_commit_index", "raftlite_raft_applied_index");
        assertThat(MetricReferences.inExpression(
                "histogram_quantile(0.99, sum by (instance, le) (rate(raftlite_raft_apply_seconds_bucket{job=~\"$job\"}[$__rate_interval])))"))
                .containsExactly("raftlite_raft_apply_seconds_bucket");
        assertThat(MetricReferences.inExpression("up{job=~\".*raftlite.*\"} == 0")).containsExactly("up");
        assertThat(MetricReferences.inExpression(
                "sum by (job) (rate(a_total{outcome=~\"x|y\"}[5m])) / sum(rate(b_total[5m])) by (job) > 1e3 and c offset 5m"))
                .containsExactlyInAnyOrder("a_total", "b_total", "c");
        assertThat(MetricReferences.inExpression("sum by (instance) (jvm_memory_used_bytes{job=~\"$job\", area=\"heap\"})"))
                .containsExactly("jvm_memory_used_bytes");
    }
}
