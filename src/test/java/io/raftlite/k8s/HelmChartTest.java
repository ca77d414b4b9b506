package io.raftlite.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Lints {@code helm/raftlite} and renders it through the Helm embedded by helm-java, then parses every
 * rendered document (duplicate keys are an error) and checks what must hold together across objects:
 * the StatefulSet's headless Service, selectors against pod labels, named ports, probe paths, the
 * quorum-keeping PodDisruptionBudget and each pod's peer arguments.
 */
class HelmChartTest {

    private static final Path CHART = Path.of("helm", "raftlite").toAbsolutePath();
    private static final String RELEASE = "db";
    private static final String NAMESPACE = "prod";

    private static final YAMLMapper YAML = YAMLMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();

    @Test
    void lintStrictPasses() {
        assertThat(Files.isRegularFile(CHART.resolve("Chart.yaml"))).as("chart at %s", CHART).isTrue();
        LintResult result = new Helm(CHART).lint().strict().call();
        assertThat(result.isFailed()).as("helm lint --strict: %s", result.getMessages()).isFalse();
        assertThat(result.getMessages())
                .as("lint messages")
                .noneMatch(m -> m.contains("[WARNING]") || m.contains("[ERROR]"));
    }

    @ParameterizedTest(name = "replicaCount={0}")
    @ValueSource(ints = {0, 1, 3, 5})
    void renderedObjectsFitTogether(int replicas) throws IOException {
        // 0 stands for "chart defaults": no --set at all.
        int expectedReplicas = replicas == 0 ? 3 : replicas;
        TemplateCommand template = new Helm(CHART).template().withName(RELEASE).withNamespace(NAMESPACE);
        if (replicas != 0) {
            template = template.set("replicaCount", replicas);
        }
        Map<String, JsonNode> objects = byKindAndName(parseAll(template.call()));

        JsonNode sts = single(objects, "StatefulSet");
        String stsName = sts.at("/metadata/name").asText();
        assertThat(sts.at("/spec/replicas").asInt()).isEqualTo(expectedReplicas);
        assertThat(sts.at("/spec/replicas").isInt()).as("replicas is an integer, not a string").isTrue();
        assertThat(sts.at("/spec/podManagementPolicy").asText()).isEqualTo("Parallel");

        // serviceName names a headless Service that publishes not-ready pods and selects the pods.
        String headlessName = sts.at("/spec/serviceName").asText();
        JsonNode headless = objects.get("Service/" + headlessName);
        assertThat(headless).as("Service %s (the StatefulSet's serviceName)", headlessName).isNotNull();
        assertThat(headless.at("/spec/clusterIP").asText()).isEqualTo("None");
        assertThat(headless.at("/spec/publishNotReadyAddresses").asBoolean()).isTrue();

        JsonNode podLabels = sts.at("/spec/template/metadata/labels");
        assertSelects(sts.at("/spec/selector/matchLabels"), podLabels, "StatefulSet selector");
        assertSelects(headless.at("/spec/selector"), podLabels, "headless Service selector");

        JsonNode container = sts.at("/spec/template/spec/containers/0");
        Map<String, Integer> containerPorts = new HashMap<>();
        container.at("/ports").forEach(p -> containerPorts.put(p.at("/name").asText(), p.at("/containerPort").asInt()));
        assertThat(containerPorts).containsEntry("http", 4001).containsEntry("raft", 4002);
        assertThat(servicePorts(headless)).containsEntry("http", 4001).containsEntry("raft", 4002);
        assertTargetPortsExist(headless, containerPorts);

        // The client Service: ClusterIP, HTTP only, same pods.
        List<JsonNode> clientServices = objects.values().stream()
                .filter(o -> o.at("/kind").asText().equals("Service") && !o.at("/metadata/name").asText().equals(headlessName))
                .toList();
        assertThat(clientServices).hasSize(1);
        JsonNode client = clientServices.get(0);
        assertThat(client.at("/spec/type").asText()).isEqualTo("ClusterIP");
        assertThat(client.at("/spec/clusterIP").isMissingNode()).as("client Service is not headless").isTrue();
        assertThat(servicePorts(client)).containsOnlyKeys("http").containsEntry("http", 4001);
        assertSelects(client.at("/spec/selector"), podLabels, "client Service selector");
        assertTargetPortsExist(client, containerPorts);

        // Probes: readiness on the node's readiness check; liveness and startup never depend on a leader.
        assertProbe(container, "readinessProbe", "/readyz", containerPorts);
        assertProbe(container, "livenessProbe", "/actuator/health/liveness", containerPorts);
        assertProbe(container, "startupProbe", "/actuator/health/liveness", containerPorts);

        // PDB: a drain may never take the majority away.
        JsonNode pdb = single(objects, "PodDisruptionBudget");
        assertThat(pdb.at("/spec/maxUnavailable").isInt()).isTrue();
        assertThat(pdb.at("/spec/maxUnavailable").asInt()).isEqualTo((expectedReplicas - 1) / 2);
        if (expectedReplicas == 3) {
            assertThat(pdb.at("/spec/maxUnavailable").asInt()).isEqualTo(1);
        } else if (expectedReplicas == 5) {
            assertThat(pdb.at("/spec/maxUnavailable").asInt()).isEqualTo(2);
        }
        assertSelects(pdb.at("/spec/selector/matchLabels"), podLabels, "PDB selector");

        // Peer arguments: bootstrap-expect, DNS discovery through the headless Service, stable names.
        List<String> args = texts(container.at("/args"));
        String headlessFqdn = headlessName + "." + NAMESPACE + ".svc.cluster.local";
        assertThat(flag(args, "-bootstrap-expect")).isEqualTo(String.valueOf(expectedReplicas));
        assertThat(flag(args, "-disco-mode")).isEqualTo("dns");
        assertThat(YAML.readTree(flag(args, "-disco-config")).at("/name").asText()).isEqualTo(headlessFqdn);
        assertThat(flag(args, "-node-id")).isEqualTo("$(POD_NAME)");
        assertThat(flag(args, "-raft-adv-addr")).isEqualTo("$(POD_NAME)." + headlessFqdn + ":4002");
        assertThat(flag(args, "-http-adv-addr")).isEqualTo("$(POD_NAME)." + headlessFqdn + ":4001");
        assertThat(flag(args, "-raft-addr")).isEqualTo("0.0.0.0:4002");
        assertThat(flag(args, "-http-addr")).isEqualTo("0.0.0.0:4001");
        assertThat(args.get(args.size() - 1)).as("data directory, last argument").isEqualTo("/data");
        // POD_NAME comes from the downward API's pod name; the pod IP is never used.
        JsonNode podNameEnv = envVar(container, "POD_NAME");
        assertThat(podNameEnv.at("/valueFrom/fieldRef/fieldPath").asText()).isEqualTo("metadata.name");
        assertThat(YAML.writeValueAsString(sts)).doesNotContain("status.podIP").doesNotContain("POD_IP");
        // The pod names the StatefulSet creates resolve under the headless Service.
        assertThat(stsName + "-0." + headlessFqdn).hasSizeLessThanOrEqualTo(253);

        // Data on a per-pod volume at /data, writable /tmp under a read-only root filesystem.
        assertThat(mountPath(container, "data")).isEqualTo("/data");
        assertThat(mountPath(container, "tmp")).isEqualTo("/tmp");
        assertThat(texts(sts.at("/spec/volumeClaimTemplates")).size()).isEqualTo(1);
        assertThat(sts.at("/spec/volumeClaimTemplates/0/metadata/name").asText()).isEqualTo("data");
        JsonNode tmpVolume = StreamSupport.stream(sts.at("/spec/template/spec/volumes").spliterator(), false)
                .filter(v -> v.at("/name").asText().equals("tmp")).findFirst().orElseThrow();
        assertThat(tmpVolume.has("emptyDir")).isTrue();

        // Security and scheduling defaults.
        assertThat(sts.at("/spec/template/spec/securityContext/runAsNonRoot").asBoolean()).isTrue();
        assertThat(container.at("/securityContext/readOnlyRootFilesystem").asBoolean()).isTrue();
        assertThat(container.at("/securityContext/allowPrivilegeEscalation").isBoolean()).isTrue();
        assertThat(container.at("/securityContext/allowPrivilegeEscalation").asBoolean()).isFalse();
        JsonNode antiAffinity = sts.at("/spec/template/spec/affinity/podAntiAffinity");
        assertThat(antiAffinity.has("requiredDuringSchedulingIgnoredDuringExecution")).as("soft by default").isFalse();
        JsonNode preferred = antiAffinity.at("/preferredDuringSchedulingIgnoredDuringExecution/0/podAffinityTerm");
        assertThat(preferred.at("/topologyKey").asText()).isEqualTo("kubernetes.io/hostname");
        assertSelects(preferred.at("/labelSelector/matchLabels"), podLabels, "anti-affinity selector");
        assertThat(container.at("/resources/requests").isObject()).isTrue();

        // Prometheus scrape annotations point at the metrics endpoint on the HTTP port.
        JsonNode annotations = sts.at("/spec/template/metadata/annotations");
        assertThat(annotations.at("/prometheus.io~1scrape").asText()).isEqualTo("true");
        assertThat(annotations.at("/prometheus.io~1port").asText()).isEqualTo("4001");
        assertThat(annotations.at("/prometheus.io~1path").asText()).isEqualTo("/actuator/prometheus");

        // helm-java's template returns the release manifest without hooks: the helm test pod is not here.
        assertThat(objects.keySet()).noneMatch(k -> k.startsWith("Pod/"));
    }

    @Test
    void hardAntiAffinityAndDisabledPersistence() throws IOException {
        String rendered = new Helm(CHART).template().withName(RELEASE).withNamespace(NAMESPACE)
                .set("podAntiAffinity", "hard")
                .set("persistence.enabled", false)
                .call();
        JsonNode sts = single(byKindAndName(parseAll(rendered)), "StatefulSet");
        JsonNode required = sts.at("/spec/template/spec/affinity/podAntiAffinity/requiredDuringSchedulingIgnoredDuringExecution/0");
        assertThat(required.at("/topologyKey").asText()).isEqualTo("kubernetes.io/hostname");
        assertThat(sts.at("/spec/volumeClaimTemplates").isMissingNode()).isTrue();
        JsonNode dataVolume = StreamSupport.stream(sts.at("/spec/template/spec/volumes").spliterator(), false)
                .filter(v -> v.at("/name").asText().equals("data")).findFirst().orElseThrow();
        assertThat(dataVolume.has("emptyDir")).isTrue();
    }

    /**
     * The {@code helm test} hook pod. helm-java renders no hooks, so its template is checked as text (lint
     * --strict above does render and validate it): a test hook that GETs /readyz on the client Service.
     */
    @Test
    void helmTestHookQueriesReadinessThroughTheClientService() throws IOException {
        String hook = Files.readString(CHART.resolve("templates/tests/test-connection.yaml"));
        assertThat(hook).contains("kind: Pod").contains("helm.sh/hook: test").contains("restartPolicy: Never");
        assertThat(hook).contains("printf \"http://%s:%d/readyz\" (include \"raftlite.fullname\" .) (int .Values.service.port)");
        String service = Files.readString(CHART.resolve("templates/service.yaml"));
        assertThat(service).contains("name: {{ include \"raftlite.fullname\" . }}");
        assertThat(hook).as("the test pod must not carry the voter component label the Services select")
                .doesNotContain("raftlite.selectorLabels").doesNotContain("raftlite.labels");
    }

    @Test
    void schemaRejectsBadValues() {
        assertThatThrownBy(() -> new Helm(CHART).template().withName(RELEASE).set("replicaCount", "three").call())
                .hasMessageContaining("replicaCount");
        assertThatThrownBy(() -> new Helm(CHART).template().withName(RELEASE).set("replicas", 3).call())
                .as("unknown (misspelt) top-level value")
                .hasMessageContaining("replicas");
        assertThatThrownBy(() -> new Helm(CHART).template().withName(RELEASE).set("podAntiAffinity", "sometimes").call())
                .hasMessageContaining("podAntiAffinity");
    }

    // --- helpers

    private static List<JsonNode> parseAll(String rendered) throws IOException {
        List<JsonNode> docs = new ArrayList<>();
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(rendered)) {
            while (it.hasNextValue()) {
                JsonNode doc = it.nextValue();
                if (doc != null && !doc.isNull() && !doc.isEmpty()) {
                    docs.add(doc);
                }
            }
        }
        assertThat(docs).as("rendered documents").isNotEmpty();
        return docs;
    }

    private static Map<String, JsonNode> byKindAndName(List<JsonNode> docs) {
        Map<String, JsonNode> objects = new HashMap<>();
        for (JsonNode doc : docs) {
            assertThat(doc.at("/apiVersion").asText()).as("apiVersion of %s", doc).isNotEmpty();
            assertThat(doc.at("/metadata/namespace").asText()).as("namespace of %s", doc.at("/metadata/name")).isNotEmpty();
            String key = doc.at("/kind").asText() + "/" + doc.at("/metadata/name").asText();
            assertThat(objects.put(key, doc)).as("duplicate object %s", key).isNull();
        }
        return objects;
    }

    private static JsonNode single(Map<String, JsonNode> objects, String kind) {
        List<JsonNode> ofKind = objects.values().stream().filter(o -> o.at("/kind").asText().equals(kind)).toList();
        assertThat(ofKind).as("objects of kind %s", kind).hasSize(1);
        return ofKind.get(0);
    }

    private static void assertSelects(JsonNode selector, JsonNode labels, String what) {
        assertThat(selector.isObject() && !selector.isEmpty()).as("%s is a non-empty map", what).isTrue();
        selector.properties().forEach(e ->
                assertThat(labels.path(e.getKey()).asText()).as("%s: pod label %s", what, e.getKey())
                        .isEqualTo(e.getValue().asText()));
    }

    private static Map<String, Integer> servicePorts(JsonNode service) {
        Map<String, Integer> ports = new HashMap<>();
        service.at("/spec/ports").forEach(p -> ports.put(p.at("/name").asText(), p.at("/port").asInt()));
        return ports;
    }

    private static void assertTargetPortsExist(JsonNode service, Map<String, Integer> containerPorts) {
        service.at("/spec/ports").forEach(p -> {
            JsonNode target = p.at("/targetPort");
            if (target.isTextual()) {
                assertThat(containerPorts).as("targetPort %s of %s", target, service.at("/metadata/name"))
                        .containsKey(target.asText());
            } else {
                assertThat(containerPorts).containsValue(target.asInt());
            }
        });
    }

    private static void assertProbe(JsonNode container, String probe, String path, Map<String, Integer> containerPorts) {
        JsonNode get = container.at("/" + probe + "/httpGet");
        assertThat(get.at("/path").asText()).as("%s path", probe).isEqualTo(path);
        JsonNode port = get.at("/port");
        int resolved = port.isTextual() ? containerPorts.getOrDefault(port.asText(), -1) : port.asInt();
        assertThat(resolved).as("%s port", probe).isEqualTo(4001);
        assertThat(container.at("/" + probe + "/periodSeconds").isInt()).as("%s periodSeconds", probe).isTrue();
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.isValueNode() ? n.asText() : n.toString()));
        return out;
    }

    /** The value after a flag, which must occur exactly once. */
    private static String flag(List<String> args, String flag) {
        assertThat(args.stream().filter(flag::equals).count()).as("occurrences of %s in %s", flag, args).isEqualTo(1);
        int i = args.indexOf(flag);
        assertThat(i + 1).as("%s has a value", flag).isLessThan(args.size());
        return args.get(i + 1);
    }

    private static JsonNode envVar(JsonNode container, String name) {
        return StreamSupport.stream(container.at("/env").spliterator(), false)
                .filter(e -> e.at("/name").asText().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no env " + name));
    }

    private static String mountPath(JsonNode container, String volume) {
        return StreamSupport.stream(container.at("/volumeMounts").spliterator(), false)
                .filter(m -> m.at("/name").asText().equals(volume)).findFirst()
                .map(m -> m.at("/mountPath").asText())
                .orElseThrow(() -> new AssertionError("no mount of " + volume));
    }
}
