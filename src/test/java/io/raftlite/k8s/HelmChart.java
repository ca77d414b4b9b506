package io.raftlite.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The chart in {@code helm/raftlite}, rendered and linted by the Helm that helm-java embeds, with named
 * value sets. helm-java's lint takes no values, so {@link #lint} lints a scratch copy whose values.yaml
 * is the chart's own merged with the value set, the way {@code helm lint -f set.yaml} merges them.
 */
final class HelmChart {

    static final Path CHART = Path.of("helm", "raftlite").toAbsolutePath();
    static final String NAMESPACE = "prod";

    /** Plain (lenient) YAML for writing values files; the strict parser reads what Helm renders. */
    private static final YAMLMapper YAML = new YAMLMapper();

    private HelmChart() {
    }

    /** A named set of values and the release name to install them under. */
    record ValueSet(String name, String release, Map<String, Object> values) {
        @Override
        public String toString() {
            return name;
        }

        /** The name Helm gives the StatefulSet (the chart's fullname) for this release. */
        String fullname() {
            Object override = values.get("fullnameOverride");
            if (override != null) {
                return override.toString();
            }
            return release.contains("raftlite") ? release : release + "-raftlite";
        }

        int replicaCount() {
            return (Integer) values.getOrDefault("replicaCount", 3);
        }

        /** Whether {@code <section>.enabled} is true, for a dotted section such as "readReplicas.autoscaling". */
        boolean enabled(String section) {
            Object node = values;
            for (String key : section.split("\\.")) {
                node = node instanceof Map<?, ?> map ? map.get(key) : null;
            }
            return node instanceof Map<?, ?> map && Boolean.TRUE.equals(map.get("enabled"));
        }
    }

    /**
     * Values from dotted keys: {@code values("readReplicas.enabled", true, "replicaCount", 5)}.
     */
    static Map<String, Object> values(Object... keysAndValues) {
        Map<String, Object> root = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            String[] path = ((String) keysAndValues[i]).split("\\.");
            Map<String, Object> node = root;
            for (int j = 0; j < path.length - 1; j++) {
                @SuppressWarnings("unchecked")
                Map<String, Object> child = (Map<String, Object>) node.computeIfAbsent(path[j], k -> new LinkedHashMap<>());
                node = child;
            }
            node.put(path[path.length - 1], keysAndValues[i + 1]);
        }
        return root;
    }

    /** {@code helm template <release> helm/raftlite -n prod -f <values>}. */
    static String render(ValueSet set, Path workDir) {
        return new Helm(CHART).template()
                .withName(set.release())
                .withNamespace(NAMESPACE)
                .withValuesFile(writeValues(set, workDir))
                .call();
    }

    /** {@code helm lint --strict} with the value set. */
    static LintResult lint(ValueSet set, Path workDir) {
        Path copy = scratchCopy(workDir.resolve("lint-" + set.name()));
        try {
            ObjectNode merged = (ObjectNode) YAML.readTree(CHART.resolve("values.yaml").toFile());
            merge(merged, YAML.valueToTree(set.values()));
            YAML.writeValue(copy.resolve("values.yaml").toFile(), merged);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Helm(copy).lint().strict().call();
    }

    /**
     * Renders the chart including its {@code helm test} hook pod, which {@code helm template} through
     * helm-java leaves out: a scratch copy moves the hook templates out of the hook phase (their
     * {@code helm.sh/hook*} annotations removed) so they render like any other object.
     */
    static String renderWithTestHooks(ValueSet set, Path workDir) {
        Path copy = scratchCopy(workDir.resolve("hooks-" + set.name()));
        try (Stream<Path> hooks = Files.list(copy.resolve("templates/tests"))) {
            for (Path hook : hooks.toList()) {
                List<String> lines = Files.readAllLines(hook);
                List<String> kept = new ArrayList<>();
                for (int i = 0; i < lines.size(); i++) {
                    String line = lines.get(i);
                    if (line.trim().startsWith("helm.sh/hook")) {
                        continue;
                    }
                    if (line.trim().equals("annotations:") && onlyHookAnnotationsFollow(lines, i)) {
                        continue;
                    }
                    kept.add(line);
                }
                Files.write(copy.resolve("templates").resolve("hook-" + hook.getFileName()), kept);
                Files.delete(hook);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Helm(copy).template()
                .withName(set.release())
                .withNamespace(NAMESPACE)
                .withValuesFile(writeValues(set, workDir))
                .call();
    }

    private static boolean onlyHookAnnotationsFollow(List<String> lines, int header) {
        int indent = indentation(lines.get(header));
        for (int i = header + 1; i < lines.size() && indentation(lines.get(i)) > indent; i++) {
            if (!lines.get(i).trim().startsWith("helm.sh/hook")) {
                return false;
            }
        }
        return true;
    }

    private static int indentation(String line) {
        return line.length() - line.stripLeading().length();
    }

    /** A copy of the chart under {@code dir/raftlite} (lint wants the directory named like the chart). */
    static Path scratchCopy(Path dir) {
        Path target = dir.resolve("raftlite");
        try (Stream<Path> files = Files.walk(CHART)) {
            for (Path source : files.toList()) {
                Path destination = target.resolve(CHART.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(destination);
                } else {
                    Files.copy(source, destination);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return target;
    }

    private static Path writeValues(ValueSet set, Path workDir) {
        try {
            Path file = Files.createTempFile(workDir, "values-" + set.name() + "-", ".yaml");
            YAML.writeValue(file.toFile(), set.values());
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Helm's merge: maps merge key by key, anything else (lists included) is replaced. */
    private static void merge(ObjectNode base, JsonNode overlay) {
        for (Iterator<Map.Entry<String, JsonNode>> it = overlay.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            JsonNode existing = base.get(field.getKey());
            if (existing instanceof ObjectNode existingObject && field.getValue().isObject()) {
                merge(existingObject, field.getValue());
            } else {
                base.set(field.getKey(), field.getValue());
            }
        }
    }
}
