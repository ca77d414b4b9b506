package io.raftlite.system;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The objects {@code helm template} renders from {@code helm/raftlite} with default values: the
 * single source of every setting the simulation uses (pod arguments and environment, ports,
 * probes, Service ports, scrape annotations), so the system test proves the chart and not a
 * hand-written copy of it.
 */
final class RenderedChart {
    static final Path CHART = Path.of("helm", "raftlite").toAbsolutePath();

    private static final YAMLMapper YAML = YAMLMapper.builder().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();

    private final String namespace;
    private final List<JsonNode> objects;

    private RenderedChart(String namespace, List<JsonNode> objects) {
        this.namespace = namespace;
        this.objects = List.copyOf(objects);
    }

    /** Renders the chart as {@code helm template <release> helm/raftlite --namespace <namespace>} does. */
    static RenderedChart render(String release, String namespace) {
        return render(release, namespace, Map.of());
    }

    /**
     * Renders the chart with values set as {@code --set key=value} sets them (what
     * {@code helm upgrade --reuse-values --set ...} renders when the release was installed with defaults).
     */
    static RenderedChart render(String release, String namespace, Map<String, Object> set) {
        var template = new Helm(CHART).template().withName(release).withNamespace(namespace);
        set.forEach(template::set);
        String manifest = template.call();
        List<JsonNode> docs = new ArrayList<>();
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(manifest)) {
            while (it.hasNext()) {
                JsonNode doc = it.next();
                if (doc != null && doc.isObject() && doc.has("kind")) {
                    docs.add(doc);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("rendered chart is not YAML", e);
        }
        return new RenderedChart(namespace, docs);
    }

    String namespace() {
        return namespace;
    }

    List<JsonNode> objects(String kind) {
        return objects.stream().filter(o -> o.path("kind").asText().equals(kind)).toList();
    }

    Optional<JsonNode> object(String kind, String name) {
        return objects(kind).stream().filter(o -> o.at("/metadata/name").asText().equals(name)).findFirst();
    }

    /** The StatefulSet of the voting nodes: the one whose pods carry {@code app.kubernetes.io/component: voter}. */
    JsonNode voterStatefulSet() {
        List<JsonNode> voters = objects("StatefulSet").stream()
                .filter(s -> s.at("/spec/template/metadata/labels/app.kubernetes.io~1component").asText().equals("voter"))
                .toList();
        if (voters.size() != 1) {
            throw new IllegalStateException("expected exactly one voter StatefulSet, found " + voters.size());
        }
        return voters.get(0);
    }

    /**
     * The client Service: the one Service with a cluster IP that selects the voter pods (the headless
     * Service, {@code clusterIP: None}, is for peer discovery).
     */
    JsonNode clientService(JsonNode podLabels) {
        List<JsonNode> services = objects("Service").stream()
                .filter(s -> !"None".equals(s.at("/spec/clusterIP").asText()))
                .filter(s -> selects(s.at("/spec/selector"), podLabels))
                .toList();
        if (services.size() != 1) {
            throw new IllegalStateException("expected exactly one client Service selecting the voters, found " + services.size());
        }
        return services.get(0);
    }

    /** Every Service of the release with a cluster IP: the ones the kubelet turns into environment variables. */
    List<JsonNode> servicesWithClusterIp() {
        return objects("Service").stream().filter(s -> !"None".equals(s.at("/spec/clusterIP").asText())).toList();
    }

    /** A rendered ConfigMap's data, as a pod's {@code configMapKeyRef} reads it. */
    Map<String, String> configMapData(String name) {
        JsonNode cm = object("ConfigMap", name).orElseThrow(() -> new IllegalStateException("no ConfigMap " + name + " rendered"));
        Map<String, String> data = new java.util.LinkedHashMap<>();
        cm.path("data").fields().forEachRemaining(e -> data.put(e.getKey(), e.getValue().asText()));
        return data;
    }

    /** Whether a Service (or other) selector matches the given labels, as Kubernetes evaluates {@code matchLabels}. */
    static boolean selects(JsonNode selector, JsonNode labels) {
        if (selector == null || !selector.isObject() || selector.isEmpty()) {
            return false;
        }
        var it = selector.fields();
        while (it.hasNext()) {
            var e = it.next();
            if (!e.getValue().asText().equals(labels.path(e.getKey()).asText(null))) {
                return false;
            }
        }
        return true;
    }

    /** A file of the chart ({@code files/alerts.yaml}, ...), if the chart has it. */
    static Optional<Path> chartFile(String relative) {
        Path p = CHART.resolve(relative);
        return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
    }
}
