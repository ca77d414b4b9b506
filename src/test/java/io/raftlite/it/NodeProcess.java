package io.raftlite.it;

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

/**
 * A raftlite node in its own JVM, started from the packaged jar with rqlited-style flags, free
 * ports and a real data directory. Stopped by PID: gracefully (SIGTERM) or with {@code kill -9}.
 */
public final class NodeProcess implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Path dataDir;
    private final Path log;
    private final List<String> extraArgs;
    private int httpPort;
    private int raftPort;
    private Process process;

    private NodeProcess(Path dataDir, List<String> extraArgs) {
        this.dataDir = dataDir;
        this.log = dataDir.resolveSibling(dataDir.getFileName() + ".log");
        this.extraArgs = List.copyOf(extraArgs);
    }

    /** Starts a node on fresh ports in {@code dataDir} and waits until {@code /readyz} says 200. */
    public static NodeProcess start(Path dataDir, String... extraArgs) {
        NodeProcess n = new NodeProcess(dataDir, List.of(extraArgs));
        n.httpPort = freePort();
        n.raftPort = freePort();
        n.launch();
        try {
            n.awaitReady(Duration.ofSeconds(60));
        } catch (RuntimeException e) {
            n.close(); // never leak a half-started JVM
            throw e;
        }
        return n;
    }

    /**
     * Launches a node on the given ports without waiting for it to be ready (cluster members must
     * all be running before any of them can be). Call {@link #awaitReady} afterwards.
     */
    public static NodeProcess launch(Path dataDir, int httpPort, int raftPort, String... extraArgs) {
        NodeProcess n = new NodeProcess(dataDir, List.of(extraArgs));
        n.httpPort = httpPort;
        n.raftPort = raftPort;
        n.launch();
        return n;
    }

    /** The Raft address of this node as others reach it. */
    public String raftAddress() {
        return "127.0.0.1:" + raftPort;
    }

    /** Starts the node again without waiting for readiness. */
    public void relaunch() {
        launch();
    }

    /** SIGSTOP / SIGCONT: freezes or resumes the process. */
    public void signal(String signal) {
        try {
            new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start().waitFor();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The packaged application jar (built by {@code mvn package} before integration tests run). */
    public static Path jar() {
        String configured = System.getProperty("raftlite.jar");
        if (configured != null && Files.exists(Path.of(configured))) {
            return Path.of(configured);
        }
        try (var files = Files.list(Path.of("target"))) {
            return files.filter(p -> p.getFileName().toString().matches("raftlite-.*\\.jar"))
                    .findFirst().orElseThrow(() -> new IllegalStateException("no jar in target/: run mvn package"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static List<String> javaCommand() {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx256m");
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.add("--add-opens");
        cmd.add("java.base/java.lang=ALL-UNNAMED");
        cmd.addAll(nativeLibraryOptions(jar()));
        cmd.add("-jar");
        cmd.add(jar().toAbsolutePath().toString());
        return cmd;
    }

    /**
     * Test nodes keep SQLite's and RocksDB's native libraries in one directory next to the jar, as
     * bin/raftlite does: otherwise every node killed with SIGKILL leaves RocksDB's 13 MB copy in
     * the temporary directory for good.
     */
    public static List<String> nativeLibraryOptions(Path jar) {
        Path dir = jar.toAbsolutePath().resolveSibling("native-libraries");
        return List.of("-Draftlite.native-library-dir=" + dir, "-Djava.library.path=" + dir);
    }

    private void launch() {
        List<String> cmd = javaCommand();
        cmd.addAll(List.of("-http-addr", "127.0.0.1:" + httpPort, "-raft-addr", "127.0.0.1:" + raftPort));
        cmd.addAll(extraArgs);
        cmd.add(dataDir.toString());
        try {
            process = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start node", e);
        }
    }

    /** Polls {@code /readyz} until 200, failing with the node's log if the deadline passes or it exits. */
    public void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("node exited with " + process.exitValue() + ":\n" + tailLog());
            }
            try {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url("/readyz")))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            sleep(100);
        }
        throw new IllegalStateException("node not ready within " + timeout + ":\n" + tailLog());
    }

    public String url(String pathAndQuery) {
        return "http://127.0.0.1:" + httpPort + pathAndQuery;
    }

    public int httpPort() {
        return httpPort;
    }

    public int raftPort() {
        return raftPort;
    }

    public Path dataDir() {
        return dataDir;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** SIGTERM, then wait for a clean exit. */
    public int stop() {
        if (process == null || !process.isAlive()) {
            return process == null ? 0 : process.exitValue();
        }
        process.destroy();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new IllegalStateException("node did not stop on SIGTERM within 60s");
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** {@code kill -9}: no shutdown hooks, no flushing. */
    public void kill() {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Starts the node again on the same ports and data directory and waits until it is ready. */
    public void restart() {
        launch();
        awaitReady(Duration.ofSeconds(60));
    }

    /** The node's whole output (stdout and stderr) across its launches. */
    public Path logFile() {
        return log;
    }

    public String tailLog() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    public static int freePort() {
        return FreePorts.next();
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
