package io.raftlite.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The real launcher, {@code bin/raftlite}, driven the way rqlited's users and pyrqlite drive
 * {@code rqlited}: flags, a positional data directory, SIGTERM to stop (spec 8.1, 10.1, 12.13).
 */
class LauncherIT {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** The JVM's exit status after SIGTERM: 128 + 15, shutdown hooks having run. */
    private static final int SIGTERM_EXIT = 143;

    @TempDir
    Path tmp;
    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void stopAll() throws InterruptedException {
        for (Process p : started) {
            if (p.isAlive()) {
                p.destroyForcibly();
                p.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    /** Starts bin/raftlite without the class-data archive (its own test below covers that). */
    private Process launch(Path log, String... args) throws IOException {
        return launch(log, java.util.Map.of("RAFTLITE_CDS", "off"), args);
    }

    private Process launch(Path log, java.util.Map<String, String> env, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of("bin", "raftlite").toAbsolutePath().toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("RAFTLITE_JAR", NodeProcess.jar().toAbsolutePath().toString());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().put("JAVA_OPTS", "-Xmx256m");
        pb.environment().putAll(env);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.redirectError(ProcessBuilder.Redirect.appendTo(log.resolveSibling(log.getFileName() + ".err").toFile()));
        Process p = pb.start();
        started.add(p);
        return p;
    }

    private static String read(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file) : "";
    }

    private static JsonNode status(int httpPort) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/status"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private static void awaitReady(Process p, int httpPort, Path log) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            assertThat(p.isAlive()).as("launcher exited early:\n%s\n%s", read(log), read(log.resolveSibling(log.getFileName() + ".err")))
                    .isTrue();
            try {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/readyz"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new AssertionError("node not ready within 90s:\n" + read(log));
    }

    /** SIGTERM and the time it took to exit; fails if it does not exit within 30 s. */
    private static long terminate(Process p) throws InterruptedException {
        long t0 = System.nanoTime();
        p.destroy(); // SIGTERM
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("exited on SIGTERM within 30s").isTrue();
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    }

    @Test
    void unknownFlagFailsFastNamingTheFlag() throws Exception {
        Path log = tmp.resolve("bad.log");
        Path data = tmp.resolve("bad-data");
        long t0 = System.nanoTime();
        Process p = launch(log, "-http-addr", "127.0.0.1:" + NodeProcess.freePort(), "-no-such-flag", "x", data.toString());
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("exits by itself").isTrue();
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertThat(p.exitValue()).isEqualTo(2);
        String err = read(tmp.resolve("bad.log.err"));
        assertThat(err).contains("flag provided but not defined: -no-such-flag").contains("usage: raftlite");
        assertThat(read(log)).doesNotContain("Started"); // Spring never ran
        assertThat(data).doesNotExist();
        assertThat(millis).as("fails fast").isLessThan(20_000);
    }

    @Test
    void badFlagValuesFailFast() throws Exception {
        Path log = tmp.resolve("badvalue.log");
        Process p = launch(log, "-http-addr", "localhost", tmp.resolve("d").toString());
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(2);
        assertThat(read(tmp.resolve("badvalue.log.err"))).contains("-http-addr").contains("\"localhost\" is not host:port");
    }

    @Test
    void rqlitedStyleCommandLine() throws Exception {
        int http = NodeProcess.freePort();
        int raft = NodeProcess.freePort();
        Path data = tmp.resolve("n1-data");
        Path log = tmp.resolve("n1.log");
        Process p = launch(log, "-node-id", "n1", "-http-addr", "127.0.0.1:" + http, "-raft-addr", "127.0.0.1:" + raft,
                "-raft-election-timeout", "1500ms", "-write-queue-timeout=75ms", "-raft-snap", "100", data.toString());
        awaitReady(p, http, log);

        JsonNode s = status(http);
        assertThat(s.at("/store/node_id").asString()).isEqualTo("n1");
        assertThat(s.at("/store/addr").asString()).isEqualTo("127.0.0.1:" + raft);
        assertThat(s.at("/store/leader/node_id").asString()).isEqualTo("n1");
        assertThat(s.at("/store/leader/addr").asString()).isEqualTo("127.0.0.1:" + raft);
        assertThat(s.at("/http/bind_addr").asString()).isEqualTo("127.0.0.1:" + http);
        assertThat(Path.of(s.at("/store/dir").asString()).toRealPath()).isEqualTo(data.toRealPath());
        assertThat(Path.of(s.at("/store/sqlite3/path").asString()).toRealPath()).startsWith(data.toRealPath());
        assertThat(data.resolve("db").resolve("db.sqlite")).exists();
        assertThat(data.resolve("raft")).isDirectory();
        // Go-syntax duration and integer flags reach the node's settings
        assertThat(s.at("/store/election_timeout").asString()).isEqualTo("1.5s");
        assertThat(s.at("/http/queue/_default/timeout").asString()).isEqualTo("75ms");
        assertThat(s.at("/store/snapshot_threshold").asLong()).isEqualTo(100);

        long millis = terminate(p);
        assertThat(p.exitValue()).as("exit status after SIGTERM").isEqualTo(SIGTERM_EXIT);
        assertThat(millis).as("stops within a few seconds").isLessThan(15_000);
        assertThat(data.resolve("db").resolve("clean-shutdown")).as("clean shutdown marker").exists();
    }

    @Test
    void nodeIdDefaultsToTheAdvertisedRaftAddress() throws Exception {
        int http = NodeProcess.freePort();
        int raft = NodeProcess.freePort();
        Path log = tmp.resolve("noid.log");
        Process p = launch(log, "-http-addr", "127.0.0.1:" + http, "-raft-addr", "127.0.0.1:" + raft,
                tmp.resolve("noid").toString());
        awaitReady(p, http, log);
        assertThat(status(http).at("/store/node_id").asString()).isEqualTo("127.0.0.1:" + raft);
        terminate(p);
        assertThat(p.exitValue()).isEqualTo(SIGTERM_EXIT);
    }

    @Test
    void advertisedAddressesShowUpInStatus() throws Exception {
        int http = NodeProcess.freePort();
        int raft = NodeProcess.freePort();
        Path log = tmp.resolve("adv.log");
        Process p = launch(log, "-http-addr", "127.0.0.1:" + http, "-http-adv-addr", "localhost:" + http,
                "-raft-addr", "127.0.0.1:" + raft, "-raft-adv-addr", "localhost:" + raft, tmp.resolve("adv").toString());
        awaitReady(p, http, log);
        JsonNode s = status(http);
        // without -node-id the ID is the *advertised* Raft address
        assertThat(s.at("/store/node_id").asString()).isEqualTo("localhost:" + raft);
        assertThat(s.at("/store/addr").asString()).isEqualTo("localhost:" + raft);
        assertThat(s.at("/store/leader/addr").asString()).isEqualTo("localhost:" + raft);
        assertThat(s.at("/cluster/api_addr").asString()).isEqualTo("localhost:" + http);
        HttpResponse<String> nodes = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http + "/nodes?ver=2"))
                .build(), HttpResponse.BodyHandlers.ofString());
        JsonNode self = JSON.readTree(nodes.body()).at("/nodes/0");
        assertThat(self.path("id").asString()).as(nodes.body()).isEqualTo("localhost:" + raft);
        assertThat(self.path("api_addr").asString()).isEqualTo("http://localhost:" + http);
        assertThat(self.path("addr").asString()).isEqualTo("localhost:" + raft);
        // bind_addr is where the API listens, which is not what it advertises
        assertThat(s.at("/http/bind_addr").asString()).isEqualTo("127.0.0.1:" + http);
        terminate(p);
    }

    @Test
    void sameCommandLineRestartsOnTheSameData() throws Exception {
        int http = NodeProcess.freePort();
        int raft = NodeProcess.freePort();
        Path data = tmp.resolve("again");
        Path log = tmp.resolve("again.log");
        String[] args = {"-http-addr", "127.0.0.1:" + http, "-raft-addr", "127.0.0.1:" + raft, data.toString()};
        Process p = launch(log, args);
        awaitReady(p, http, log);
        HttpResponse<String> w = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http + "/db/execute"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("[\"CREATE TABLE launcher (a)\", \"INSERT INTO launcher VALUES(1)\"]"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(w.statusCode()).as(w.body()).isEqualTo(200);
        terminate(p);
        assertThat(p.exitValue()).isEqualTo(SIGTERM_EXIT);

        Process again = launch(log, args);
        awaitReady(again, http, log);
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + http + "/db/query?q=SELECT+COUNT(*)+FROM+launcher")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(JSON.readTree(r.body()).at("/results/0/values/0/0").asInt()).as(r.body()).isEqualTo(1);
        terminate(again);
        assertThat(again.exitValue()).isEqualTo(SIGTERM_EXIT);
    }

    /**
     * By default the launcher makes a class-data archive on first start and starts every later
     * node from it (spec: none; the start-up target of docs/benchmarks.md). Both starts must
     * serve, the second must run from the archive, and it must not make the archive again.
     */
    @Test
    void startsFromAClassDataArchiveItMakesOnce() throws Exception {
        Path archives = tmp.resolve("cds");
        java.util.Map<String, String> env = java.util.Map.of("RAFTLITE_CDS_DIR", archives.toString());
        int http = NodeProcess.freePort();
        int raft = NodeProcess.freePort();
        String[] args = {"-http-addr", "127.0.0.1:" + http, "-raft-addr", "127.0.0.1:" + raft, tmp.resolve("cds-data").toString()};
        Path log = tmp.resolve("cds1.log");
        Process first = launch(log, env, args);
        awaitReady(first, http, log);
        assertThat(read(tmp.resolve("cds1.log.err"))).contains("making the start-up archive");
        List<Path> made;
        try (var files = Files.walk(archives)) {
            made = files.filter(f -> f.getFileName().toString().equals("app.jsa")).toList();
        }
        assertThat(made).as("one archive under %s", archives).hasSize(1);
        assertThat(first.info().arguments().orElseThrow())
                .contains("-XX:SharedArchiveFile=" + made.get(0));
        terminate(first);

        Path log2 = tmp.resolve("cds2.log");
        Process second = launch(log2, env, args);
        awaitReady(second, http, log2);
        assertThat(read(tmp.resolve("cds2.log.err"))).doesNotContain("making the start-up archive");
        assertThat(second.info().arguments().orElseThrow())
                .contains("-XX:SharedArchiveFile=" + made.get(0));
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + http + "/db/query?q=SELECT+1")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        // SQLite's and RocksDB's native libraries run from the copies kept next to the archive, not
        // from files each start copies into the temporary directory.
        Path nativeDir = made.get(0).resolveSibling("native");
        List<String> mapped = Files.readAllLines(Path.of("/proc", Long.toString(second.pid()), "maps")).stream()
                .filter(line -> line.contains("rocksdbjni") || line.contains("sqlitejdbc"))
                .map(line -> line.substring(line.indexOf('/'))).distinct().toList();
        assertThat(mapped).hasSize(2).allSatisfy(file -> assertThat(file).startsWith(nativeDir.toString()));
        terminate(second);
        assertThat(second.exitValue()).isEqualTo(SIGTERM_EXIT);
    }
}
