package io.raftlite.system;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The voter StatefulSet's pod template, turned into the concrete arguments and environment of one
 * pod the way the kubelet does it: {@code env} resolved in order ({@code fieldRef},
 * {@code configMapKeyRef} against the rendered ConfigMap, plain values with {@code $(VAR)}
 * expansion over the variables before them), the Service environment variables the kubelet adds
 * ({@code enableServiceLinks}), and {@code args} expanded over the result. Anything the template
 * uses that this class does not know how to resolve is an error, never silently dropped.
 */
final class PodTemplate {
    /** Cluster IPs the simulated Services would have; only ever seen as environment variable values. */
    private static final String KUBERNETES_SERVICE_IP = "10.96.0.1";

    private final RenderedChart chart;
    private final JsonNode statefulSet;
    private final JsonNode container;

    PodTemplate(RenderedChart chart) {
        this.chart = chart;
        this.statefulSet = chart.voterStatefulSet();
        JsonNode containers = statefulSet.at("/spec/template/spec/containers");
        if (containers.size() != 1) {
            throw new IllegalStateException("the simulation runs one container per pod; the template has " + containers.size());
        }
        this.container = containers.get(0);
        if (container.has("command")) {
            throw new IllegalStateException("the container sets command; the simulation only knows the image's entry point (java -jar)");
        }
    }

    String statefulSetName() {
        return statefulSet.at("/metadata/name").asText();
    }

    int replicas() {
        return statefulSet.at("/spec/replicas").asInt();
    }

    /** {@code Parallel} or {@code OrderedReady} (the Kubernetes default). */
    String podManagementPolicy() {
        return statefulSet.at("/spec/podManagementPolicy").asText("OrderedReady");
    }

    /** Seconds between SIGTERM and SIGKILL when a pod is deleted (Kubernetes' default is 30). */
    long terminationGracePeriodSeconds() {
        return statefulSet.at("/spec/template/spec/terminationGracePeriodSeconds").asLong(30);
    }

    String podName(int ordinal) {
        return statefulSetName() + "-" + ordinal;
    }

    /** {@code <headless service>.<namespace>.svc.cluster.local}: the StatefulSet's governing Service's DNS name. */
    String headlessServiceFqdn() {
        return statefulSet.at("/spec/serviceName").asText() + "." + chart.namespace() + ".svc.cluster.local";
    }

    /** {@code <pod>.<headless service FQDN>}: the name Kubernetes DNS gives a StatefulSet pod. */
    String podFqdn(String podName) {
        return podName + "." + headlessServiceFqdn();
    }

    JsonNode podLabels() {
        return statefulSet.at("/spec/template/metadata/labels");
    }

    JsonNode podAnnotations() {
        return statefulSet.at("/spec/template/metadata/annotations");
    }

    JsonNode readinessProbe() {
        return container.path("readinessProbe");
    }

    /** The container port with this name. */
    int containerPort(String name) {
        return containerPort(JsonNodeFactory.instance.textNode(name));
    }

    /** The container port with this name, or the number itself (a Service's targetPort may be either). */
    int containerPort(JsonNode nameOrNumber) {
        if (nameOrNumber.isInt() || nameOrNumber.asText().matches("\\d+")) {
            return nameOrNumber.asInt();
        }
        for (JsonNode p : container.path("ports")) {
            if (p.path("name").asText().equals(nameOrNumber.asText())) {
                return p.path("containerPort").asInt();
            }
        }
        throw new IllegalStateException("no container port named " + nameOrNumber.asText());
    }

    /** The container's memory limit in bytes, or -1 without one. */
    long memoryLimitBytes() {
        JsonNode limit = container.at("/resources/limits/memory");
        return limit.isMissingNode() ? -1 : quantityBytes(limit.asText());
    }

    /** A pod's resolved process arguments and environment. */
    record Launch(List<String> args, Map<String, String> environment) {
    }

    /**
     * Resolves the container for one pod.
     *
     * @param podName the pod's name ({@code metadata.name})
     * @param podIp the pod's address ({@code status.podIP})
     * @param volumeDirs the directory standing in for each mounted volume, by volume name
     */
    Launch resolve(String podName, String podIp, Function<String, Path> volumeDirs) {
        Map<String, String> serviceEnv = serviceLinkEnvironment();
        Map<String, String> env = new LinkedHashMap<>();
        if (container.has("envFrom")) {
            throw new IllegalStateException("envFrom is not simulated");
        }
        for (JsonNode e : container.path("env")) {
            String name = e.path("name").asText();
            String value;
            if (e.has("value")) {
                Map<String, String> visible = new LinkedHashMap<>(serviceEnv);
                visible.putAll(env);
                value = DependentVariables.expand(e.path("value").asText(), visible);
            } else if (e.has("valueFrom")) {
                value = valueFrom(name, e.path("valueFrom"), podName, podIp);
            } else {
                value = "";
            }
            if (value != null) {
                env.put(name, value);
            }
        }
        serviceEnv.forEach(env::putIfAbsent);

        Map<String, Path> mounts = new LinkedHashMap<>();
        for (JsonNode m : container.path("volumeMounts")) {
            mounts.put(m.path("mountPath").asText(), volumeDirs.apply(m.path("name").asText()));
        }
        List<String> args = new ArrayList<>();
        for (JsonNode a : container.path("args")) {
            args.add(mapMountPath(DependentVariables.expand(a.asText(), env), mounts));
        }
        return new Launch(List.copyOf(args), Map.copyOf(env));
    }

    private String valueFrom(String name, JsonNode from, String podName, String podIp) {
        if (from.has("fieldRef")) {
            String field = from.at("/fieldRef/fieldPath").asText();
            return switch (field) {
                case "metadata.name" -> podName;
                case "metadata.namespace" -> chart.namespace();
                case "status.podIP" -> podIp;
                default -> throw new IllegalStateException("env " + name + ": fieldRef " + field + " is not simulated");
            };
        }
        if (from.has("configMapKeyRef")) {
            JsonNode ref = from.path("configMapKeyRef");
            String value = chart.configMapData(ref.path("name").asText()).get(ref.path("key").asText());
            if (value == null && !ref.path("optional").asBoolean(false)) {
                throw new IllegalStateException("env " + name + ": ConfigMap " + ref.path("name").asText() + " has no key "
                        + ref.path("key").asText() + " (the pod would not start: CreateContainerConfigError)");
            }
            return value;
        }
        throw new IllegalStateException("env " + name + ": " + from + " is not simulated");
    }

    /** Arguments naming a volume's mount path (or a file under it) point at the directory standing in for the volume. */
    private static String mapMountPath(String arg, Map<String, Path> mounts) {
        for (Map.Entry<String, Path> m : mounts.entrySet()) {
            if (arg.equals(m.getKey())) {
                return m.getValue().toString();
            }
            if (arg.startsWith(m.getKey() + "/")) {
                return m.getValue().resolve(arg.substring(m.getKey().length() + 1)).toString();
            }
        }
        return arg;
    }

    /**
     * The variables the kubelet gives every container for the Services of its namespace that have a
     * cluster IP (unless the pod sets {@code enableServiceLinks: false}): {@code <NAME>_SERVICE_HOST},
     * {@code <NAME>_PORT_<port>_TCP}, ... and the same for the {@code kubernetes} Service. The
     * addresses are made up: nothing in the simulation listens on them.
     */
    private Map<String, String> serviceLinkEnvironment() {
        Map<String, String> env = new LinkedHashMap<>();
        if (statefulSet.at("/spec/template/spec/enableServiceLinks").asBoolean(true)) {
            int next = 10;
            for (JsonNode svc : chart.servicesWithClusterIp()) {
                addServiceLink(env, svc.at("/metadata/name").asText(), "10.96.0." + next++, svc.at("/spec/ports"));
            }
        }
        // The API server's Service is linked whatever enableServiceLinks says.
        ArrayNode https = JsonNodeFactory.instance.arrayNode();
        https.addObject().put("name", "https").put("port", 443).put("protocol", "TCP");
        addServiceLink(env, "kubernetes", KUBERNETES_SERVICE_IP, https);
        return env;
    }

    private static void addServiceLink(Map<String, String> env, String service, String ip, JsonNode ports) {
        String prefix = service.toUpperCase(Locale.ROOT).replace('-', '_');
        env.put(prefix + "_SERVICE_HOST", ip);
        boolean first = true;
        for (JsonNode p : ports) {
            String port = p.path("port").asText();
            String proto = p.path("protocol").asText("TCP");
            if (first) {
                env.put(prefix + "_SERVICE_PORT", port);
                env.put(prefix + "_PORT", proto.toLowerCase(Locale.ROOT) + "://" + ip + ":" + port);
                first = false;
            }
            if (p.hasNonNull("name")) {
                env.put(prefix + "_SERVICE_PORT_" + p.path("name").asText().toUpperCase(Locale.ROOT).replace('-', '_'), port);
            }
            String key = prefix + "_PORT_" + port + "_" + proto.toUpperCase(Locale.ROOT);
            env.put(key, proto.toLowerCase(Locale.ROOT) + "://" + ip + ":" + port);
            env.put(key + "_PROTO", proto.toLowerCase(Locale.ROOT));
            env.put(key + "_PORT", port);
            env.put(key + "_ADDR", ip);
        }
    }

    /** A Kubernetes resource quantity ({@code 1Gi}, {@code 512Mi}, {@code 1G}, {@code 1000000}) in bytes. */
    static long quantityBytes(String quantity) {
        var m = java.util.regex.Pattern.compile("(\\d+)(Ki|Mi|Gi|Ti|k|M|G|T)?").matcher(quantity.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("unsupported quantity " + quantity);
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "" : m.group(2);
        return switch (unit) {
            case "" -> n;
            case "k" -> n * 1000L;
            case "M" -> n * 1000_000L;
            case "G" -> n * 1000_000_000L;
            case "T" -> n * 1000_000_000_000L;
            case "Ki" -> n << 10;
            case "Mi" -> n << 20;
            case "Gi" -> n << 30;
            case "Ti" -> n << 40;
            default -> throw new IllegalArgumentException("unsupported quantity " + quantity);
        };
    }
}
