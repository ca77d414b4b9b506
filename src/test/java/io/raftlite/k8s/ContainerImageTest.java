package io.raftlite.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.raftlite.config.RqliteFlags;
import io.raftlite.k8s.HelmChart.ValueSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The two ways the image is built, the {@code Dockerfile} and Jib's configuration in {@code pom.xml},
 * must produce the same container: a non-root numeric user (Kubernetes can only verify
 * {@code runAsNonRoot} for a numeric one), an exec-form entrypoint (so the JVM is PID 1 and gets
 * SIGTERM), the ports and data volume the chart and {@code k8s/} use, and the same JVM flags. Plain text
 * and XML checks: there is no Docker engine here.
 */
class ContainerImageTest {

    private static final Path DOCKERFILE = Path.of("Dockerfile").toAbsolutePath();
    private static final Path POM = Path.of("pom.xml").toAbsolutePath();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    static Path work;

    /** Instructions of the Dockerfile's final stage, continuation lines joined, comments dropped. */
    private static List<String[]> finalStage;
    private static Element jib;
    private static StatefulSet chartVoters;

    @BeforeAll
    static void read() throws Exception {
        List<String[]> instructions = new ArrayList<>();
        StringBuilder pending = new StringBuilder();
        for (String line : Files.readAllLines(DOCKERFILE)) {
            if (line.trim().startsWith("#") && pending.isEmpty()) {
                continue;
            }
            if (line.endsWith("\\")) {
                pending.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            pending.append(line);
            String instruction = pending.toString().trim();
            pending.setLength(0);
            if (!instruction.isEmpty()) {
                String[] parts = instruction.split("\\s+", 2);
                instructions.add(new String[] {parts[0].toUpperCase(), parts.length > 1 ? parts[1].trim() : ""});
            }
        }
        int lastFrom = -1;
        for (int i = 0; i < instructions.size(); i++) {
            if (instructions.get(i)[0].equals("FROM")) {
                lastFrom = i;
            }
        }
        assertThat(lastFrom).as("a FROM in %s", DOCKERFILE).isNotNegative();
        finalStage = instructions.subList(lastFrom, instructions.size());

        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(false);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        Document pom = factory.newDocumentBuilder().parse(POM.toFile());
        NodeList plugins = pom.getElementsByTagName("plugin");
        for (int i = 0; i < plugins.getLength(); i++) {
            Element plugin = (Element) plugins.item(i);
            // The main declaration (a profile may declare the plugin again, for an execution).
            if ("jib-maven-plugin".equals(childText(plugin, "artifactId")) && jib == null) {
                jib = child(child(plugin, "configuration"), "container");
            }
        }
        assertThat(jib).as("jib-maven-plugin's <configuration><container> in pom.xml").isNotNull();

        chartVoters = Manifests.parse(HelmChart.render(new ValueSet("image", "db", Map.of()), work))
                .named(StatefulSet.class, "db-raftlite");
    }

    @Test
    void runsAsTheNonRootNumericUserTheChartExpects() {
        String user = last("USER");
        assertThat(user).as("USER uid[:gid] is numeric").matches("\\d+(:\\d+)?");
        String[] ids = user.split(":");
        assertThat(Long.parseLong(ids[0])).as("uid").isNotZero();
        assertThat(jibText("user")).as("Jib's user").isEqualTo(user);
        PodSecurityContext pod = chartVoters.getSpec().getTemplate().getSpec().getSecurityContext();
        assertThat(pod.getRunAsUser()).as("the chart's runAsUser").isEqualTo(Long.parseLong(ids[0]));
        if (ids.length > 1) {
            assertThat(pod.getRunAsGroup()).as("the chart's runAsGroup").isEqualTo(Long.parseLong(ids[1]));
            assertThat(pod.getFsGroup()).as("the chart's fsGroup (owner of /data)").isEqualTo(Long.parseLong(ids[1]));
        }
    }

    @Test
    void entrypointIsExecFormJavaWithTheSameFlagsAsJib() throws IOException {
        List<String> entrypoint = execForm("ENTRYPOINT");
        assertThat(entrypoint.get(0)).isEqualTo("java");
        assertThat(entrypoint.get(entrypoint.size() - 1)).as("Spring Boot's launcher").endsWith("JarLauncher");
        List<String> jvmFlags = entrypoint.subList(1, entrypoint.size() - 1);
        assertThat(jvmFlags).as("Dockerfile JVM flags = Jib's jvmFlags").isEqualTo(jibList("jvmFlags", "jvmFlag"));
        assertThat(finalStage).as("the final stage sets no SHELL-form CMD either")
                .filteredOn(i -> i[0].equals("CMD")).allSatisfy(i -> assertThat(i[1]).startsWith("["));
    }

    @Test
    void defaultArgumentsAreTheSameInBothAndRaftliteAcceptsThem() throws IOException {
        List<String> cmd = execForm("CMD");
        assertThat(cmd).as("Dockerfile CMD = Jib's args").isEqualTo(jibList("args", "arg"));
        Map<String, String> properties = new LinkedHashMap<>();
        for (String p : RqliteFlags.translate(cmd.toArray(String[]::new))) {
            properties.put(p.substring(2, p.indexOf('=')), p.substring(p.indexOf('=') + 1));
        }
        assertThat(properties).containsEntry("raftlite.data-dir", "/data")
                .containsEntry("server.port", "4001")
                .containsEntry("raftlite.raft-addr", "0.0.0.0:4002");
    }

    @Test
    void exposesTheChartsPortsInBoth() {
        Set<Integer> exposed = new TreeSet<>();
        finalStage.stream().filter(i -> i[0].equals("EXPOSE"))
                .forEach(i -> Arrays.stream(i[1].split("\\s+")).map(p -> p.replace("/tcp", ""))
                        .forEach(p -> exposed.add(Integer.parseInt(p))));
        Container container = DeploymentRules.container(chartVoters.getSpec().getTemplate().getSpec());
        Set<Integer> chartPorts = new TreeSet<>(List.of(DeploymentRules.containerPort(container, "http"),
                DeploymentRules.containerPort(container, "raft")));
        assertThat(exposed).as("EXPOSE").isEqualTo(chartPorts);
        Set<Integer> jibPorts = new TreeSet<>();
        jibList("ports", "port").forEach(p -> jibPorts.add(Integer.parseInt(p)));
        assertThat(jibPorts).as("Jib's ports").isEqualTo(chartPorts);
    }

    @Test
    void declaresTheDataVolumeTheChartMounts() throws IOException {
        String volume = last("VOLUME");
        List<String> volumes = volume.startsWith("[") ? texts(JSON.readTree(volume)) : List.of(volume.split("\\s+"));
        assertThat(volumes).containsExactly("/data");
        assertThat(jibList("volumes", "volume")).containsExactly("/data");
        Container container = DeploymentRules.container(chartVoters.getSpec().getTemplate().getSpec());
        assertThat(container.getVolumeMounts()).anySatisfy(m -> {
            assertThat(m.getName()).isEqualTo("data");
            assertThat(m.getMountPath()).isEqualTo("/data");
        });
        assertThat(container.getArgs()).last().isEqualTo("/data");
    }

    /**
     * The chart and {@code k8s/} set JAVA_TOOL_OPTIONS, which replaces the image's: they must keep every
     * flag the image sets (heap from the memory limit, exit on OutOfMemoryError), as must Jib's.
     */
    @Test
    void deploymentsKeepTheImagesJvmOptions() {
        String env = finalStage.stream().filter(i -> i[0].equals("ENV") && i[1].contains("JAVA_TOOL_OPTIONS"))
                .map(i -> i[1]).reduce((a, b) -> b).orElseThrow(() -> new AssertionError("ENV JAVA_TOOL_OPTIONS in the Dockerfile"));
        Matcher m = Pattern.compile("JAVA_TOOL_OPTIONS=\"([^\"]*)\"").matcher(env);
        assertThat(m.find()).as("ENV JAVA_TOOL_OPTIONS=\"...\" in %s", env).isTrue();
        List<String> imageFlags = List.of(m.group(1).trim().split("\\s+"));
        assertThat(imageFlags).isNotEmpty();
        assertThat(childText(child(jib, "environment"), "JAVA_TOOL_OPTIONS")).as("Jib's JAVA_TOOL_OPTIONS").isEqualTo(m.group(1));

        Container chart = DeploymentRules.container(chartVoters.getSpec().getTemplate().getSpec());
        Container base = DeploymentRules.container(KustomizeBase.build().single(StatefulSet.class).getSpec().getTemplate().getSpec());
        for (Container container : List.of(chart, base)) {
            String options = container.getEnv().stream().filter(e -> e.getName().equals("JAVA_TOOL_OPTIONS"))
                    .map(EnvVar::getValue).findFirst().orElseThrow();
            assertThat(List.of(options.trim().split("\\s+"))).as("JAVA_TOOL_OPTIONS of a deployment").containsAll(imageFlags);
        }
    }

    // --- helpers

    /** The argument of the final stage's last instruction of that kind. */
    private static String last(String instruction) {
        String found = null;
        for (String[] i : finalStage) {
            if (i[0].equals(instruction)) {
                found = i[1];
            }
        }
        assertThat(found).as("%s in the final stage of the Dockerfile", instruction).isNotNull();
        return found;
    }

    /** An instruction in exec (JSON array) form; shell form would run /bin/sh as PID 1, which drops SIGTERM. */
    private static List<String> execForm(String instruction) throws IOException {
        String value = last(instruction);
        assertThat(value).as("%s in exec form", instruction).startsWith("[");
        JsonNode array = JSON.readTree(value);
        assertThat(array.isArray()).isTrue();
        array.forEach(e -> assertThat(e.isTextual()).as("%s element %s", instruction, e).isTrue());
        return texts(array);
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(e -> out.add(e.asText()));
        return out;
    }

    private static String jibText(String name) {
        return childText(jib, name);
    }

    private static List<String> jibList(String list, String item) {
        Element parent = child(jib, list);
        assertThat(parent).as("<%s> in Jib's container configuration", list).isNotNull();
        List<String> out = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(item)) {
                out.add(e.getTextContent().trim());
            }
        }
        return out;
    }

    private static Element child(Element parent, String name) {
        if (parent == null) {
            return null;
        }
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                return e;
            }
        }
        return null;
    }

    private static String childText(Element parent, String name) {
        Element child = child(parent, name);
        return child == null ? null : child.getTextContent().trim();
    }
}
