package io.raftlite.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.raftlite.it.FreePorts;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image Jib builds: its configuration matches what the Helm chart and the Dockerfile promise
 * (non-root user, ports, the data volume, container-aware JVM options), and its unpacked layers start
 * a working node through the image's own entrypoint and default arguments.
 */
class JibImageIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    static Path work;

    private static JsonNode config;
    private static Path root;

    @BeforeAll
    static void unpack() throws Exception {
        Path tar = Path.of(System.getProperty("raftlite.image.tar", "target/jib-image.tar"));
        assertThat(tar).as("image tar built by jib:buildTar in the system profile").isRegularFile();
        Path image = Files.createDirectories(work.resolve("image"));
        run(image, "tar", "-xf", tar.toString());
        JsonNode manifest = JSON.readTree(image.resolve("manifest.json").toFile()).get(0);
        config = JSON.readTree(image.resolve(manifest.get("Config").asText()).toFile()).get("config");
        root = Files.createDirectories(work.resolve("root"));
        for (JsonNode layer : manifest.get("Layers")) {
            run(root, "tar", "--warning=no-unknown-keyword", "-xzf", image.resolve(layer.asText()).toString());
        }
    }

    @Test
    void configurationIsWhatTheChartExpects() {
        assertThat(config.get("User").asText()).isEqualTo("10001:10001");
        assertThat(names(config.get("ExposedPorts"))).containsExactlyInAnyOrder("4001/tcp", "4002/tcp");
        assertThat(names(config.get("Volumes"))).containsExactly("/data");
        List<String> entrypoint = strings(config.get("Entrypoint"));
        assertThat(entrypoint.get(0)).as("exec form, java first").isEqualTo("java");
        assertThat(entrypoint).contains("--enable-native-access=ALL-UNNAMED");
        assertThat(env()).containsKey("JAVA_TOOL_OPTIONS");
        assertThat(env().get("JAVA_TOOL_OPTIONS"))
                .contains("-XX:MaxRAMPercentage=")
                .contains("-Dsun.net.inetaddr.ttl=");
        assertThat(strings(config.get("Cmd"))).endsWith("/data");
    }

    @Test
    void entrypointStartsAWorkingNode() throws Exception {
        // The class path file names /app/...: point it at the unpacked layers instead.
        Path classpathFile = root.resolve("app/jib-classpath-file");
        String classpath = Files.readString(classpathFile).trim().replace("/app/", root.resolve("app") + "/");
        Path localClasspath = Files.writeString(work.resolve("classpath"), classpath);
        int http = FreePorts.next();
        int raft = FreePorts.next();
        Path data = Files.createDirectories(work.resolve("data"));

        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String arg : strings(config.get("Entrypoint")).subList(1, strings(config.get("Entrypoint")).size())) {
            command.add(arg.equals("@/app/jib-classpath-file") ? "@" + localClasspath : arg);
        }
        // The image's default arguments, with this test's free ports and data directory.
        for (String arg : strings(config.get("Cmd"))) {
            command.add(switch (arg) {
                case "0.0.0.0:4001" -> "127.0.0.1:" + http;
                case "0.0.0.0:4002" -> "127.0.0.1:" + raft;
                case "/data" -> data.toString();
                default -> arg;
            });
        }
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(work.resolve("node.log").toFile());
        builder.environment().putAll(env());
        Process node = builder.start();
        try {
            awaitReady(node, http, Duration.ofSeconds(90));
            String base = "http://127.0.0.1:" + http;
            HttpResponse<String> created = post(base + "/db/execute",
                    "[\"CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)\", [\"INSERT INTO t(v) VALUES(?)\", \"image\"]]");
            assertThat(created.statusCode()).isEqualTo(200);
            assertThat(created.body()).contains("\"rows_affected\":1");
            HttpResponse<String> read = get(base + "/db/query?q=SELECT%20v%20FROM%20t");
            assertThat(read.body()).contains("[[\"image\"]]");
            assertThat(data.resolve("raft/meta")).as("Raft state in the data directory").isDirectory();
            assertThat(data.resolve("db")).as("SQLite in the data directory").isDirectory();
        } finally {
            node.destroy();
            if (!node.waitFor(30, TimeUnit.SECONDS)) {
                node.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        assertThat(node.exitValue()).as("clean exit on SIGTERM; log:%n%s", tail()).isIn(0, 143);
    }

    private static void awaitReady(Process node, int port, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            assertThat(node.isAlive()).as("node exited early; log:%n%s", tail()).isTrue();
            try {
                if (get("http://127.0.0.1:" + port + "/readyz").statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError("node not ready within " + timeout + "; log:\n" + tail());
    }

    private static Map<String, String> env() {
        java.util.LinkedHashMap<String, String> env = new java.util.LinkedHashMap<>();
        for (String entry : strings(config.get("Env"))) {
            int eq = entry.indexOf('=');
            env.put(entry.substring(0, eq), entry.substring(eq + 1));
        }
        return env;
    }

    private static String tail() {
        try {
            List<String> lines = Files.readAllLines(work.resolve("node.log"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private static List<String> names(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static List<String> strings(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(String url, String json) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static void run(Path dir, String... command) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out;
        try (InputStream in = p.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(p.waitFor()).as("%s: %s", String.join(" ", command), out).isZero();
    }
}
