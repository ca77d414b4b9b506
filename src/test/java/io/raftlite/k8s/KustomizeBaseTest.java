package io.raftlite.k8s;

import static io.raftlite.k8s.HelmChart.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.raftlite.k8s.HelmChart.ValueSet;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code k8s/}, the kustomize base: complete (every listed file exists, every manifest is listed),
 * namespace-agnostic, strictly parsed and held to the same {@link DeploymentRules} as the chart, in any
 * namespace it is applied to. It must also stay the same deployment as the chart's defaults: the test
 * compares it object by object with the chart rendered for a release named {@code raftlite}.
 */
class KustomizeBaseTest {

    /** Labels only Helm writes. */
    private static final Set<String> HELM_LABELS = Set.of("helm.sh/chart", "app.kubernetes.io/managed-by", "app.kubernetes.io/version");

    @TempDir
    static Path work;

    @Test
    void everyListedResourceExistsAndEveryManifestIsListed() throws IOException {
        List<String> resources = KustomizeBase.kustomization().resources();
        assertThat(resources).as("resources listed once").doesNotHaveDuplicates();
        for (String resource : resources) {
            assertThat(KustomizeBase.DIR.resolve(resource)).as("resource %s", resource).isRegularFile();
        }
        Set<String> manifests = new HashSet<>();
        try (Stream<Path> files = Files.walk(KustomizeBase.DIR)) {
            files.filter(Files::isRegularFile)
                    .map(f -> KustomizeBase.DIR.relativize(f).toString().replace(File.separatorChar, '/'))
                    .filter(f -> f.endsWith(".yaml") || f.endsWith(".yml"))
                    .filter(f -> !f.equals("kustomization.yaml"))
                    .forEach(manifests::add);
        }
        assertThat(manifests).as("manifests in k8s/").isNotEmpty();
        assertThat(resources).as("kustomization.yaml lists every manifest in k8s/").containsExactlyInAnyOrderElementsOf(manifests);
    }

    @ParameterizedTest(name = "applied to namespace {0}")
    @ValueSource(strings = {"default", "data", "team-b"})
    void followsTheRulesInAnyNamespace(String namespace) {
        Manifests manifests = KustomizeBase.build();
        DeploymentRules.Deployment deployment =
                DeploymentRules.check(manifests, new DeploymentRules.Target(namespace, false, "cluster.local"));
        assertThat(deployment.voters().getSpec().getReplicas()).as("a three-voter cluster").isEqualTo(3);
        assertThat(deployment.readReplicas()).isEmpty();
        PodCommandLine first = deployment.commandLines().get("raftlite").get(0);
        assertThat(first.property("raftlite.raft-adv-addr"))
                .isEqualTo("raftlite-0.raftlite-headless." + namespace + ".svc.cluster.local:4002");
    }

    @Test
    void theKustomizationOnlySetsTheImage() {
        KustomizeBase.Kustomization k = KustomizeBase.kustomization();
        assertThat(k.images()).singleElement().satisfies(image -> assertThat(image.name()).isEqualTo("raftlite"));
        StatefulSet sts = KustomizeBase.build().single(StatefulSet.class);
        String image = DeploymentRules.container(sts.getSpec().getTemplate().getSpec()).getImage();
        String expected = "raftlite:" + k.images().get(0).newTag();
        assertThat(image).isEqualTo(expected);
        assertThat(KustomizeBase.applyImages("raftlite", List.of(new KustomizeBase.Image("raftlite", "reg.example/raftlite", "1.2"))))
                .isEqualTo("reg.example/raftlite:1.2");
        assertThat(KustomizeBase.applyImages("other:1", k.images())).isEqualTo("other:1");
    }

    /**
     * The same deployment as {@code helm install raftlite helm/raftlite --set networkPolicy.enabled=true}:
     * object for object, field for field, except what only Helm writes (its labels, the namespace) and
     * the namespace the base reads from the downward API instead.
     */
    @Test
    void isTheChartsDefaultDeployment() {
        Manifests chart = Manifests.parse(HelmChart.render(
                new ValueSet("k8s-base", "raftlite", values("networkPolicy.enabled", true)), work));
        Manifests base = KustomizeBase.build();
        assertThat(base.names()).isEqualTo(chart.names());
        for (HasMetadata object : chart.objects()) {
            HasMetadata counterpart = base.named(object.getClass(), object.getMetadata().getName());
            // Both sides through the typed model, so that fabric8's defaults apply to both alike.
            HasMetadata expected = StrictManifestParser.toTyped(normaliseChart(chart.tree(object)));
            assertThat(sortedYaml(normaliseBase(StrictManifestParser.mapper().valueToTree(counterpart))))
                    .as("k8s/ %s %s vs the chart's", object.getKind(), object.getMetadata().getName())
                    .isEqualTo(sortedYaml(StrictManifestParser.mapper().valueToTree(expected)));
        }
    }

    /** Cross-check with the real kustomize where kubectl is installed: the same objects as resolved here. */
    @Test
    void kubectlKustomizeBuildsTheSameObjects() throws Exception {
        Path kubectl = Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .map(dir -> Path.of(dir, "kubectl")).filter(Files::isExecutable).findFirst().orElse(null);
        assumeThat(kubectl).as("kubectl on the PATH (optional cross-check)").isNotNull();
        Process process = new ProcessBuilder(kubectl.toString(), "kustomize", KustomizeBase.DIR.toString())
                .redirectErrorStream(true).start();
        try {
            process.getOutputStream().close();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("kubectl kustomize finished").isTrue();
            assertThat(process.exitValue()).as("kubectl kustomize: %s", output).isZero();
            Manifests built = Manifests.parse(output);
            Manifests resolved = KustomizeBase.build();
            assertThat(built.names()).isEqualTo(resolved.names());
            for (HasMetadata object : resolved.objects()) {
                HasMetadata other = built.named(object.getClass(), object.getMetadata().getName());
                assertThat(sortedYaml(StrictManifestParser.mapper().valueToTree(other)))
                        .as("%s %s", object.getKind(), object.getMetadata().getName())
                        .isEqualTo(sortedYaml(StrictManifestParser.mapper().valueToTree(object)));
            }
        } finally {
            process.destroyForcibly();
        }
    }

    private static JsonNode normaliseChart(JsonNode tree) {
        JsonNode copy = tree.deepCopy();
        ((ObjectNode) copy.get("metadata")).remove("namespace");
        stripHelmLabels(copy);
        return replaceText(copy, "." + HelmChart.NAMESPACE + ".svc.", ".$(POD_NAMESPACE).svc.");
    }

    private static JsonNode normaliseBase(JsonNode tree) {
        JsonNode copy = tree.deepCopy();
        removePodNamespaceEnv(copy);
        return copy;
    }

    /** Removes Helm's own labels from every {@code labels} map (object, pod template, claim templates). */
    private static void stripHelmLabels(JsonNode node) {
        if (node.isObject()) {
            if (node.get("labels") instanceof ObjectNode labels) {
                HELM_LABELS.forEach(labels::remove);
            }
            node.forEach(KustomizeBaseTest::stripHelmLabels);
        } else if (node.isArray()) {
            node.forEach(KustomizeBaseTest::stripHelmLabels);
        }
    }

    /** The base's one addition: POD_NAMESPACE from the downward API. */
    private static void removePodNamespaceEnv(JsonNode node) {
        if (node.isObject()) {
            JsonNode env = node.get("env");
            if (env instanceof ArrayNode list) {
                for (Iterator<JsonNode> it = list.iterator(); it.hasNext(); ) {
                    if ("POD_NAMESPACE".equals(it.next().path("name").asText())) {
                        it.remove();
                    }
                }
            }
            node.forEach(KustomizeBaseTest::removePodNamespaceEnv);
        } else if (node.isArray()) {
            node.forEach(KustomizeBaseTest::removePodNamespaceEnv);
        }
    }

    private static JsonNode replaceText(JsonNode node, String from, String to) {
        if (node.isTextual()) {
            return TextNode.valueOf(node.asText().replace(from, to));
        }
        if (node.isObject()) {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            node.fields().forEachRemaining(e -> out.set(e.getKey(), replaceText(e.getValue(), from, to)));
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            node.forEach(e -> out.add(replaceText(e, from, to)));
            return out;
        }
        return node;
    }

    /** YAML with map keys sorted, so that a difference shows as a readable text diff. */
    private static String sortedYaml(JsonNode tree) {
        try {
            YAMLMapper yaml = YAMLMapper.builder().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).build();
            return yaml.writeValueAsString(yaml.treeToValue(tree, Map.class));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
