package io.raftlite.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs every curl example in docs/api.md, in order, against a fresh node, and checks that each prints
 * what the document says it prints. The documented host {@code localhost:4001} becomes the test
 * node's address; sequence numbers and random values, which differ on every run, are compared by shape.
 */
class DocsExamplesIT {
    private static final Pattern EXAMPLE = Pattern.compile(
            "```sh\\n(curl [^\\n]*)\\n```\\n```(?:json|text)\\n(.*?)\\n?```", Pattern.DOTALL);

    @TempDir
    static Path dir;
    static NodeProcess node;

    @BeforeAll
    static void start() {
        node = NodeProcess.start(dir.resolve("node"));
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.stop();
        }
    }

    record Example(String command, String expected) {
    }

    static List<Example> examples() throws IOException {
        String doc = Files.readString(Path.of("docs/api.md"));
        List<Example> out = new ArrayList<>();
        Matcher m = EXAMPLE.matcher(doc);
        while (m.find()) {
            out.add(new Example(m.group(1), m.group(2)));
        }
        return out;
    }

    @Test
    void everyCurlExampleGivesTheDocumentedAnswer() throws Exception {
        List<Example> examples = examples();
        assertThat(examples).as("examples found in docs/api.md").hasSizeGreaterThan(10);
        for (Example e : examples) {
            String command = e.command().replace("localhost:4001", "127.0.0.1:" + node.httpPort());
            String expected = normalize(e.expected().replace("localhost:4002", "127.0.0.1:" + node.raftPort()));
            assertThat(normalize(run(command))).as("output of: %s", e.command()).isEqualTo(expected);
        }
    }

    private static String normalize(String s) {
        // Sequence numbers and random() literals differ on every run: compare them by shape.
        return s.replaceAll("\\d{10,}", "N").strip();
    }

    private static String run(String command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("bash", "-c", command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new String(out, StandardCharsets.UTF_8);
    }
}
