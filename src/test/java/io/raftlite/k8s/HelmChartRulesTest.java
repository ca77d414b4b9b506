package io.raftlite.k8s;

import static io.raftlite.k8s.HelmChart.values;
import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import io.raftlite.k8s.HelmChart.ValueSet;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every value set a user is likely to install with: {@code helm lint --strict} is clean, every rendered
 * document parses strictly into its typed Kubernetes object, and the objects follow
 * {@link DeploymentRules}. The set of objects matches the features switched on.
 */
class HelmChartRulesTest {

    @TempDir
    static Path work;

    static Stream<ValueSet> valueSets() {
        return Stream.of(
                new ValueSet("defaults", "db", Map.of()),
                new ValueSet("one-voter", "db", values("replicaCount", 1)),
                new ValueSet("three-voters", "db", values("replicaCount", 3)),
                new ValueSet("five-voters", "db", values("replicaCount", 5)),
                new ValueSet("read-replicas", "db", values("readReplicas.enabled", true)),
                new ValueSet("read-replicas-autoscaled", "db", values(
                        "readReplicas.enabled", true, "readReplicas.autoscaling.enabled", true)),
                new ValueSet("monitoring-and-network-policy", "db", values(
                        "networkPolicy.enabled", true, "serviceMonitor.enabled", true,
                        "prometheusRule.enabled", true, "grafanaDashboard.enabled", true)),
                new ValueSet("everything", "db", values(
                        "replicaCount", 5,
                        "readReplicas.enabled", true, "readReplicas.autoscaling.enabled", true,
                        "networkPolicy.enabled", true, "serviceMonitor.enabled", true,
                        "prometheusRule.enabled", true, "grafanaDashboard.enabled", true)),
                new ValueSet("no-persistence", "db", values("persistence.enabled", false)),
                new ValueSet("custom-ports-and-domain", "db", values(
                        "ports.http", 5001, "ports.raft", 5002, "service.port", 80, "clusterDomain", "corp.example",
                        "readReplicas.enabled", true, "networkPolicy.enabled", true, "serviceMonitor.enabled", true)),
                new ValueSet("fullname-override", "db", values("fullnameOverride", "kv", "readReplicas.enabled", true)),
                new ValueSet("release-named-raftlite", "raftlite", Map.of()),
                new ValueSet("extra-args-and-env", "db", values(
                        "extraArgs", List.of("-raft-snap", "4096", "-fk"),
                        "extraEnv", List.of(Map.of("name", "RAFTLITE_EXTRA", "value", "1")))),
                new ValueSet("listen-on-all-interfaces", "db", values("listenAddress", "0.0.0.0")),
                new ValueSet("http-from-one-namespace", "db", values(
                        "networkPolicy.enabled", true,
                        "networkPolicy.httpFrom", List.of(Map.of("namespaceSelector",
                                Map.of("matchLabels", Map.of("kubernetes.io/metadata.name", "web")))))),
                new ValueSet("hard-anti-affinity", "db", values("podAntiAffinity", "hard")),
                new ValueSet("labels-annotations-scheduling", "db", values(
                        "podLabels", Map.of("team", "storage"),
                        "podAnnotations", Map.of("example.com/owner", "storage"),
                        "service.annotations", Map.of("example.com/lb", "internal"),
                        "imagePullSecrets", List.of(Map.of("name", "registry")),
                        "nodeSelector", Map.of("kubernetes.io/os", "linux"),
                        "tolerations", List.of(Map.of("key", "dedicated", "operator", "Equal", "value", "db",
                                "effect", "NoExecute", "tolerationSeconds", 300)),
                        "readReplicas.enabled", true,
                        "readReplicas.resources", Map.of("requests", Map.of("cpu", "100m", "memory", "256Mi")))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valueSets")
    void lintStrictIsClean(ValueSet set) {
        LintResult result = HelmChart.lint(set, work);
        assertThat(result.isFailed()).as("helm lint --strict with %s: %s", set, result.getMessages()).isFalse();
        assertThat(result.getMessages()).as("lint messages for %s", set)
                .noneMatch(m -> m.contains("[WARNING]") || m.contains("[ERROR]"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valueSets")
    void renderedObjectsFitTogether(ValueSet set) {
        String domain = (String) set.values().getOrDefault("clusterDomain", "cluster.local");
        DeploymentRules.Target target = new DeploymentRules.Target(HelmChart.NAMESPACE, true, domain);

        Manifests installed = Manifests.parse(HelmChart.render(set, work));
        assertThat(installed.all(Pod.class)).as("helm template leaves the test hook out").isEmpty();
        DeploymentRules.check(installed, target);

        // Once more with the helm test pod rendered as a plain object: it must fit in too.
        Manifests withHooks = Manifests.parse(HelmChart.renderWithTestHooks(set, work));
        DeploymentRules.check(withHooks, target);
        assertThat(withHooks.all(Pod.class)).as("the helm test pod").hasSize(1);
        assertThat(withHooks.names()).containsAll(installed.names());
        assertThat(withHooks.objects()).hasSize(installed.objects().size() + 1);

        assertExpectedObjects(set, installed);
    }

    /** The objects present are exactly those of the features switched on, under the chart's names. */
    private static void assertExpectedObjects(ValueSet set, Manifests manifests) {
        String f = set.fullname();
        boolean replicas = set.enabled("readReplicas");
        boolean autoscaled = replicas && set.enabled("readReplicas.autoscaling");

        assertThat(manifests.named(StatefulSet.class, f).getSpec().getReplicas()).isEqualTo(set.replicaCount());
        manifests.named(Service.class, f);
        manifests.named(Service.class, f + "-headless");
        assertThat(manifests.named(ConfigMap.class, f + "-config").getData())
                .containsEntry("bootstrap-expect", String.valueOf(set.replicaCount()));
        assertThat(manifests.find(StatefulSet.class, f + "-replica").isPresent()).as("read replicas").isEqualTo(replicas);
        assertThat(manifests.find(Service.class, f + "-replica-headless").isPresent()).isEqualTo(replicas);
        assertThat(manifests.all(HorizontalPodAutoscaler.class)).as("HPA").hasSize(autoscaled ? 1 : 0);
        assertThat(manifests.all(NetworkPolicy.class)).as("NetworkPolicy").hasSize(set.enabled("networkPolicy") ? 1 : 0);
        assertThat(manifests.all(ServiceMonitor.class)).as("ServiceMonitor").hasSize(set.enabled("serviceMonitor") ? 1 : 0);
        assertThat(manifests.all(PrometheusRule.class)).as("PrometheusRule").hasSize(set.enabled("prometheusRule") ? 1 : 0);
        assertThat(manifests.find(ConfigMap.class, f + "-dashboard").isPresent()).as("dashboard")
                .isEqualTo(set.enabled("grafanaDashboard"));
        for (HasMetadata object : manifests.objects()) {
            assertThat(object.getMetadata().getLabels())
                    .as("labels of %s", object.getMetadata().getName())
                    .containsEntry("app.kubernetes.io/instance", set.release())
                    .containsEntry("app.kubernetes.io/managed-by", "Helm");
        }
    }
}
