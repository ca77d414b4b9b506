package io.raftlite.k8s;

import static io.raftlite.k8s.HelmChart.values;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import io.raftlite.k8s.HelmChart.ValueSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Behaviours of the chart that one value set alone cannot show: scaling changes no pod template, values
 * reach the objects they are meant for (ports, names, extra flags), the monitoring objects carry the files
 * they are built from, the helm test pod asks the client Service, and no template needs a cluster.
 * The rules every rendering must follow are in {@link HelmChartRulesTest}.
 */
class HelmChartTest {

    @TempDir
    static Path work;

    private static Manifests render(ValueSet set) {
        return Manifests.parse(HelmChart.render(set, work));
    }

    private static DeploymentRules.Deployment check(Manifests manifests) {
        return DeploymentRules.check(manifests, new DeploymentRules.Target(HelmChart.NAMESPACE, true, "cluster.local"));
    }

    /**
     * Changing replicaCount must not change the voters' pod template, or every pod restarts (and a cluster
     * being scaled loses quorum while it rolls): -bootstrap-expect lives in a ConfigMap.
     */
    @Test
    void scalingTheVotersChangesNoPodTemplate() {
        String reference = null;
        String referenceReplicas = null;
        for (int voters : new int[] {1, 3, 5, 7}) {
            ValueSet set = new ValueSet("voters-" + voters, "db", values("replicaCount", voters, "readReplicas.enabled", true));
            String rendered = HelmChart.render(set, work);
            Manifests manifests = Manifests.parse(rendered);
            StatefulSet sts = manifests.named(StatefulSet.class, "db-raftlite");
            assertThat(sts.getSpec().getReplicas()).isEqualTo(voters);
            assertThat(manifests.named(ConfigMap.class, "db-raftlite-config").getData())
                    .containsEntry("bootstrap-expect", String.valueOf(voters));
            assertThat(manifests.single(PodDisruptionBudget.class).getSpec().getMaxUnavailable().getIntVal())
                    .isEqualTo((voters - 1) / 2);

            String template = statefulSetTemplateText(rendered, "db-raftlite");
            String replicaTemplate = statefulSetTemplateText(rendered, "db-raftlite-replica");
            if (reference == null) {
                reference = template;
                referenceReplicas = replicaTemplate;
            }
            assertThat(template).as("voters' pod template, as rendered, with %d voters", voters).isEqualTo(reference);
            assertThat(replicaTemplate).as("read replicas' pod template with %d voters", voters).isEqualTo(referenceReplicas);
        }
    }

    /** The text of spec.template of one StatefulSet document, exactly as Helm wrote it. */
    private static String statefulSetTemplateText(String rendered, String name) {
        for (String document : rendered.split("(?m)^---\\s*$")) {
            if (document.contains("\nkind: StatefulSet") && document.contains("\n  name: " + name + "\n")) {
                int start = document.indexOf("\n  template:\n");
                assertThat(start).as("template of %s", name).isPositive();
                int end = document.indexOf("\n  volumeClaimTemplates:", start);
                return end < 0 ? document.substring(start) : document.substring(start, end);
            }
        }
        throw new AssertionError("no StatefulSet " + name + " in the rendered chart");
    }

    @Test
    void customPortsAndDomainReachEveryObject() {
        Manifests manifests = render(new ValueSet("ports", "db", values(
                "ports.http", 5001, "ports.raft", 5002, "service.port", 80, "clusterDomain", "corp.example")));
        DeploymentRules.Deployment deployment =
                DeploymentRules.check(manifests, new DeploymentRules.Target(HelmChart.NAMESPACE, true, "corp.example"));
        Container container = DeploymentRules.container(deployment.voters().getSpec().getTemplate().getSpec());
        assertThat(DeploymentRules.containerPort(container, "http")).isEqualTo(5001);
        assertThat(DeploymentRules.containerPort(container, "raft")).isEqualTo(5002);
        PodCommandLine first = deployment.commandLines().get("db-raftlite").get(0);
        assertThat(first.property("raftlite.raft-adv-addr"))
                .isEqualTo("db-raftlite-0.db-raftlite-headless.prod.svc.corp.example:5002");
        assertThat(first.property("server.port")).isEqualTo("5001");
        Service client = manifests.named(Service.class, "db-raftlite");
        assertThat(client.getSpec().getPorts()).singleElement().satisfies(p -> {
            assertThat(p.getPort()).isEqualTo(80);
            assertThat(p.getTargetPort().getStrVal()).isEqualTo("http");
        });
        assertThat(manifests.named(Service.class, "db-raftlite-headless").getSpec().getPorts())
                .extracting(ServicePort::getPort).containsExactlyInAnyOrder(5001, 5002);
        assertThat(deployment.voters().getSpec().getTemplate().getMetadata().getAnnotations())
                .containsEntry("prometheus.io/port", "5001");
    }

    @Test
    void fullnameOverrideNamesEveryObject() {
        Manifests manifests = render(new ValueSet("kv", "db", values("fullnameOverride", "kv", "readReplicas.enabled", true,
                "readReplicas.autoscaling.enabled", true, "networkPolicy.enabled", true, "serviceMonitor.enabled", true,
                "prometheusRule.enabled", true, "grafanaDashboard.enabled", true)));
        check(manifests);
        assertThat(manifests.names()).containsExactlyInAnyOrder(
                "ConfigMap/kv-config", "ConfigMap/kv-dashboard",
                "HorizontalPodAutoscaler/kv-replica",
                "NetworkPolicy/kv",
                "PodDisruptionBudget/kv",
                "PrometheusRule/kv",
                "Service/kv", "Service/kv-headless", "Service/kv-replica-headless",
                "ServiceMonitor/kv",
                "StatefulSet/kv", "StatefulSet/kv-replica");
        PodCommandLine first = DeploymentRules.check(manifests,
                new DeploymentRules.Target(HelmChart.NAMESPACE, true, "cluster.local")).commandLines().get("kv").get(0);
        assertThat(first.property("raftlite.http-adv-addr")).isEqualTo("kv-0.kv-headless.prod.svc.cluster.local:4001");
    }

    /** extraArgs come after the chart's flags and before the data directory, and raftlite understands them. */
    @Test
    void extraArgsAndEnvReachTheNode() {
        Manifests manifests = render(new ValueSet("extra", "db", values(
                "extraArgs", List.of("-raft-snap", "4096", "-fk"),
                "extraEnv", List.of(Map.of("name", "RAFTLITE_EXTRA", "value", "yes")))));
        DeploymentRules.Deployment deployment = check(manifests);
        PodCommandLine node = deployment.commandLines().get("db-raftlite").get(1);
        List<String> args = node.args;
        assertThat(args.subList(args.size() - 4, args.size())).containsExactly("-raft-snap", "4096", "-fk", "/data");
        assertThat(node.property("raftlite.raft.snapshot-threshold")).isEqualTo("4096");
        assertThat(node.property("raftlite.foreign-keys")).isEqualTo("true");
        assertThat(node.env).containsEntry("RAFTLITE_EXTRA", "yes");
    }

    @Test
    void listenAddressDefaultsToThePodIp() {
        PodCommandLine node = check(render(new ValueSet("defaults", "db", Map.of()))).commandLines().get("db-raftlite").get(2);
        assertThat(node.property("server.address")).isEqualTo(node.podIp);
        assertThat(node.property("raftlite.raft-addr")).isEqualTo(node.podIp + ":4002");
        PodCommandLine everywhere = check(render(new ValueSet("all", "db", values("listenAddress", "0.0.0.0"))))
                .commandLines().get("db-raftlite").get(2);
        assertThat(everywhere.property("server.address")).isEqualTo("0.0.0.0");
    }

    @Test
    void persistenceOffUsesAnEmptyDirAndNoClaims() {
        StatefulSet sts = render(new ValueSet("ephemeral", "db", values("persistence.enabled", false)))
                .named(StatefulSet.class, "db-raftlite");
        assertThat(sts.getSpec().getVolumeClaimTemplates()).isEmpty();
        assertThat(sts.getSpec().getTemplate().getSpec().getVolumes())
                .anySatisfy(v -> {
                    assertThat(v.getName()).isEqualTo("data");
                    assertThat(v.getEmptyDir()).isNotNull();
                });
        StatefulSet persistent = render(new ValueSet("persistent", "db", values("persistence.size", "5Gi",
                "persistence.storageClassName", "fast"))).named(StatefulSet.class, "db-raftlite");
        assertThat(persistent.getSpec().getVolumeClaimTemplates()).singleElement().satisfies(claim -> {
            assertThat(claim.getMetadata().getName()).isEqualTo("data");
            assertThat(claim.getSpec().getResources().getRequests().get("storage").toString()).isEqualTo("5Gi");
            assertThat(claim.getSpec().getStorageClassName()).isEqualTo("fast");
        });
    }

    @Test
    void readReplicasFollowTheVotersAndLeaveOnShutdown() {
        Manifests manifests = render(new ValueSet("replicas", "db", values("readReplicas.enabled", true,
                "readReplicas.replicaCount", 3)));
        DeploymentRules.Deployment deployment = check(manifests);
        assertThat(deployment.readReplicas()).singleElement()
                .satisfies(s -> assertThat(s.getMetadata().getName()).isEqualTo("db-raftlite-replica"));
        assertThat(deployment.commandLines().get("db-raftlite-replica")).hasSize(3).allSatisfy(node -> {
            assertThat(node.args).contains("-raft-non-voter", "-raft-cluster-remove-shutdown").doesNotContain("-bootstrap-expect");
            assertThat(node.property("raftlite.raft-adv-addr"))
                    .isEqualTo(node.podName + ".db-raftlite-replica-headless.prod.svc.cluster.local:4002");
            assertThat(node.property("raftlite.cluster.disco-config"))
                    .isEqualTo("{\"name\":\"db-raftlite-headless.prod.svc.cluster.local\"}");
        });
        assertThat(DeploymentRules.podLabels(deployment.readReplicas().get(0)))
                .containsEntry("app.kubernetes.io/component", "replica");
    }

    @Test
    void networkPolicyOpensHttpOnlyToTheConfiguredPeers() {
        Map<String, Object> web = Map.of("namespaceSelector", Map.of("matchLabels", Map.of("kubernetes.io/metadata.name", "web")));
        Manifests manifests = render(new ValueSet("netpol", "db", values("networkPolicy.enabled", true,
                "networkPolicy.httpFrom", List.of(web))));
        check(manifests);
        NetworkPolicy policy = manifests.single(NetworkPolicy.class);
        List<NetworkPolicyIngressRule> httpRules = policy.getSpec().getIngress().stream()
                .filter(r -> r.getPorts().stream().anyMatch(p -> "http".equals(p.getPort().getStrVal()))).toList();
        assertThat(httpRules).singleElement().satisfies(rule ->
                assertThat(rule.getFrom()).singleElement().satisfies(peer ->
                        assertThat(peer.getNamespaceSelector().getMatchLabels()).containsEntry("kubernetes.io/metadata.name", "web")));
        assertThat(policy.getSpec().getIngress()).as("no rule opens all ports").allSatisfy(r -> assertThat(r.getPorts()).isNotEmpty());
    }

    /** The PrometheusRule carries exactly the promtool-tested rule file, and the dashboard exactly its JSON. */
    @Test
    void monitoringObjectsCarryTheirFiles() throws IOException {
        Manifests manifests = render(new ValueSet("monitoring", "db", values("prometheusRule.enabled", true,
                "prometheusRule.labels", Map.of("release", "kube-prometheus-stack"),
                "serviceMonitor.enabled", true, "serviceMonitor.labels", Map.of("release", "kube-prometheus-stack"),
                "grafanaDashboard.enabled", true)));
        check(manifests);

        JsonNode alerts = StrictManifestParser.readTree(Files.readString(HelmChart.CHART.resolve("files/alerts.yaml")));
        PrometheusRule rule = manifests.single(PrometheusRule.class);
        assertThat(manifests.tree(rule).get("spec")).as("PrometheusRule spec = files/alerts.yaml").isEqualTo(alerts);
        assertThat(rule.getMetadata().getLabels()).containsEntry("release", "kube-prometheus-stack");
        assertThat(manifests.single(ServiceMonitor.class).getMetadata().getLabels()).containsEntry("release", "kube-prometheus-stack");
        assertThat(rule.getSpec().getGroups().stream().flatMap(g -> g.getRules().stream()).map(r -> r.getAlert()))
                .as("alert names are unique").doesNotHaveDuplicates();

        ConfigMap dashboard = manifests.named(ConfigMap.class, "db-raftlite-dashboard");
        assertThat(dashboard.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1");
        assertThat(dashboard.getData()).hasSize(1);
        String json = dashboard.getData().values().iterator().next();
        JsonMapper jsonMapper = JsonMapper.builder().enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();
        JsonNode parsed = jsonMapper.readTree(json);
        assertThat(parsed).isEqualTo(jsonMapper.readTree(Files.readString(HelmChart.CHART.resolve("files/dashboard.json"))));
        assertThat(parsed.path("title").asText()).isNotBlank();
        assertThat(parsed.path("panels")).isNotEmpty();
        assertThat(dashboard.getData().keySet().iterator().next()).endsWith(".json");
    }

    @Test
    void dashboardCanGoToGrafanasNamespace() {
        Manifests manifests = render(new ValueSet("dashboard-ns", "db", values("grafanaDashboard.enabled", true,
                "grafanaDashboard.namespace", "monitoring")));
        assertThat(manifests.named(ConfigMap.class, "db-raftlite-dashboard").getMetadata().getNamespace()).isEqualTo("monitoring");
        assertThat(manifests.named(StatefulSet.class, "db-raftlite").getMetadata().getNamespace()).isEqualTo(HelmChart.NAMESPACE);
    }

    /** {@code helm test}: a pod that GETs /readyz through the client Service, which exists with that port. */
    @Test
    void helmTestPodAsksTheClientServiceForReadiness() {
        ValueSet set = new ValueSet("hook", "db", values("service.port", 8080));
        Manifests manifests = Manifests.parse(HelmChart.renderWithTestHooks(set, work));
        check(manifests);
        Pod pod = manifests.single(Pod.class);
        assertThat(pod.getSpec().getRestartPolicy()).isEqualTo("Never");
        List<String> args = pod.getSpec().getContainers().get(0).getArgs();
        String url = args.get(args.size() - 1);
        Matcher m = Pattern.compile("http://([^:/]+):(\\d+)(/.*)").matcher(url);
        assertThat(m.matches()).as("URL %s", url).isTrue();
        Service service = manifests.named(Service.class, m.group(1));
        assertThat(service.getSpec().getClusterIP()).as("the client Service, not the headless one").isNotEqualTo("None");
        assertThat(service.getSpec().getPorts()).anySatisfy(p -> assertThat(p.getPort()).isEqualTo(Integer.parseInt(m.group(2))));
        assertThat(m.group(3)).isEqualTo(DeploymentRules.READINESS_PATH);
        assertThat(args).contains("--fail");
    }

    /**
     * Helm accepts release names of up to 53 characters. Every name derived from it must still be valid:
     * a StatefulSet name of at most 52 (its pods carry the label {@code controller-revision-hash:
     * <name>-<hash>}, at most 63), pod DNS labels of at most 63, and no two objects sharing a name.
     */
    @Test
    void namesStayValidForTheLongestReleaseName() {
        String release = "payments-ledger-production-europe-west1-blue-green-xy";
        assertThat(release).hasSize(53);
        ValueSet set = new ValueSet("long-release", release, values("readReplicas.enabled", true,
                "readReplicas.autoscaling.enabled", true));
        check(render(set));
    }

    /** {@code lookup} queries a cluster even in {@code helm template}: the chart must not need one. */
    @Test
    void noTemplateUsesLookup() throws IOException {
        Pattern action = Pattern.compile("\\{\\{(.*?)}}", Pattern.DOTALL);
        try (Stream<Path> files = Files.walk(HelmChart.CHART.resolve("templates"))) {
            List<Path> templates = files.filter(Files::isRegularFile).toList();
            assertThat(templates).isNotEmpty();
            for (Path template : templates) {
                Matcher m = action.matcher(Files.readString(template));
                while (m.find()) {
                    String body = m.group(1);
                    if (body.trim().startsWith("/*") || body.trim().startsWith("- /*")) {
                        continue;
                    }
                    assertThat(body).as("action in %s", HelmChart.CHART.relativize(template))
                            .doesNotContainPattern("(^|[\\s(|])lookup\\s");
                }
            }
        }
    }
}
