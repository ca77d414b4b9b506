package io.raftlite.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapKeySelector;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarSource;
import io.raftlite.config.RqliteFlags;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The command line one pod of a StatefulSet actually gets: the container's environment resolved the way
 * the kubelet does it (downward API fields, ConfigMap keys, earlier variables), then every {@code $(VAR)}
 * in the args expanded by Kubernetes' rules, then translated by raftlite's own flag parser
 * ({@link RqliteFlags}) into the properties the node runs with. Rules about addresses and bootstrap are
 * checked on these properties, so a flag the node would refuse, a misspelt variable (Kubernetes leaves
 * {@code $(POD_NAMEE)} as it is) or a missing ConfigMap key fails the test as it would fail the pod.
 */
final class PodCommandLine {

    final String podName;
    final String podIp;
    final String namespace;
    final Map<String, String> env;
    final List<String> args;
    /** Spring property name (without {@code --}) to value, as RqliteFlags produced them. */
    final Map<String, String> properties;

    private PodCommandLine(String podName, String podIp, String namespace, Map<String, String> env,
                           List<String> args, Map<String, String> properties) {
        this.podName = podName;
        this.podIp = podIp;
        this.namespace = namespace;
        this.env = env;
        this.args = args;
        this.properties = properties;
    }

    /**
     * @param podName   the StatefulSet's name and the ordinal
     * @param podIp     an IP standing in for the one the pod gets
     * @param namespace the namespace the pod runs in
     */
    static PodCommandLine of(Manifests manifests, Container container, String podName, String podIp, String namespace) {
        Map<String, String> env = resolveEnvironment(manifests, container, podName, podIp, namespace);
        List<String> args = new ArrayList<>();
        List<String> command = container.getCommand();
        assertThat(DeploymentRules.orEmpty(command)).as("container %s keeps the image's ENTRYPOINT (java ... JarLauncher)", container.getName()).isEmpty();
        for (String arg : DeploymentRules.orEmpty(container.getArgs())) {
            String expanded = expand(arg, env);
            assertThat(expanded).as("arg %s of %s: every $(VAR) must name a variable of the container (Kubernetes "
                    + "leaves unknown ones as they are)", arg, podName).doesNotContain("$(");
            args.add(expanded);
        }
        String[] translated;
        try {
            translated = RqliteFlags.translate(args.toArray(String[]::new));
        } catch (RqliteFlags.InvalidFlagException e) {
            throw new AssertionError("raftlite refuses the command line of " + podName + " " + args + ": " + e.getMessage(), e);
        }
        Map<String, String> properties = new LinkedHashMap<>();
        for (String property : translated) {
            assertThat(property).startsWith("--").contains("=");
            String name = property.substring(2, property.indexOf('='));
            String value = property.substring(property.indexOf('=') + 1);
            assertThat(properties.put(name, value)).as("%s is set twice on %s: %s", name, podName, args).isNull();
        }
        return new PodCommandLine(podName, podIp, namespace, env, List.copyOf(args), properties);
    }

    /** The property's value, which must be set. */
    String property(String name) {
        String value = properties.get(name);
        assertThat(value).as("%s on %s (args %s)", name, podName, args).isNotNull();
        return value;
    }

    Optional<String> optionalProperty(String name) {
        return Optional.ofNullable(properties.get(name));
    }

    /** Environment variables in Kubernetes' order: envFrom first, then env, each able to use the earlier ones. */
    private static Map<String, String> resolveEnvironment(Manifests manifests, Container container, String podName,
                                                          String podIp, String namespace) {
        Map<String, String> env = new LinkedHashMap<>();
        for (EnvFromSource from : DeploymentRules.orEmpty(container.getEnvFrom())) {
            assertThat(from.getConfigMapRef()).as("envFrom of %s: only ConfigMaps are modelled", podName).isNotNull();
            ConfigMap configMap = manifests.named(ConfigMap.class, from.getConfigMapRef().getName());
            String prefix = from.getPrefix() == null ? "" : from.getPrefix();
            configMap.getData().forEach((k, v) -> env.put(prefix + k, v));
        }
        for (EnvVar var : DeploymentRules.orEmpty(container.getEnv())) {
            assertThat(var.getValue() == null || var.getValueFrom() == null)
                    .as("env %s has both value and valueFrom", var.getName()).isTrue();
            if (var.getValueFrom() == null) {
                env.put(var.getName(), expand(var.getValue() == null ? "" : var.getValue(), env));
            } else {
                env.put(var.getName(), resolve(manifests, var, podName, podIp, namespace));
            }
        }
        return env;
    }

    private static String resolve(Manifests manifests, EnvVar var, String podName, String podIp, String namespace) {
        EnvVarSource source = var.getValueFrom();
        if (source.getFieldRef() != null) {
            String path = source.getFieldRef().getFieldPath();
            return switch (path) {
                case "metadata.name" -> podName;
                case "metadata.namespace" -> namespace;
                case "status.podIP" -> podIp;
                case "spec.nodeName" -> "node-1";
                case "status.hostIP" -> "192.0.2.1";
                case "spec.serviceAccountName" -> "default";
                default -> throw new AssertionError("env " + var.getName() + ": unsupported fieldPath " + path);
            };
        }
        if (source.getConfigMapKeyRef() != null) {
            ConfigMapKeySelector ref = source.getConfigMapKeyRef();
            Optional<ConfigMap> configMap = manifests.find(ConfigMap.class, ref.getName());
            boolean optional = Boolean.TRUE.equals(ref.getOptional());
            if (configMap.isEmpty() || !configMap.get().getData().containsKey(ref.getKey())) {
                assertThat(optional).as("env %s: ConfigMap %s with key %s is part of the deployment",
                        var.getName(), ref.getName(), ref.getKey()).isTrue();
                return "";
            }
            return configMap.get().getData().get(ref.getKey());
        }
        if (source.getResourceFieldRef() != null) {
            return "1";
        }
        throw new AssertionError("env " + var.getName() + ": valueFrom " + source + " is not modelled");
    }

    /**
     * Kubernetes' expansion of {@code $(VAR)}: a defined variable is replaced, an undefined one is kept as
     * written, {@code $$} is an escaped {@code $}.
     */
    static String expand(String text, Map<String, String> env) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '$' && i + 1 < text.length() && text.charAt(i + 1) == '$') {
                out.append('$');
                i += 2;
            } else if (c == '$' && i + 1 < text.length() && text.charAt(i + 1) == '(') {
                int close = text.indexOf(')', i + 2);
                if (close < 0) {
                    out.append(text, i, text.length());
                    break;
                }
                String name = text.substring(i + 2, close);
                if (env.containsKey(name)) {
                    out.append(env.get(name));
                } else {
                    out.append(text, i, close + 1);
                }
                i = close + 1;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }
}
