package io.raftlite.jepsen.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;

/**
 * One raftlite node of a {@link JepsenCluster}: a JVM started from the packaged jar with a fixed
 * ID, ports, data directory and hosts file, so that it can be killed and started again as the same
 * member. Controlled by PID only: {@code kill -9}, {@code SIGSTOP}/{@code SIGCONT}, {@code SIGTERM}.
 * Its output goes to {@code <id>.log} in the run directory, appended across restarts with a marker
 * line at each start.
 *
 * <p>Every action is recorded in the cluster's {@link EventLog}. Thread-safe: actions on one node
 * are serialized.
 */
public final class ClusterNode {
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);

    private final String id;
    private final int index;
    private final int httpPort;
    private final int raftPort;
    private final String raftName;
    private final Path dataDir;
    private final Path logFile;
    private final List<String> command;
    private final EventLog events;
    private final NodeHttp http;
    private volatile Process process;
    private volatile boolean paused;
    private int starts;

    ClusterNode(String id, int index, int httpPort, int raftPort, String raftName, Path dataDir, Path logFile,
            List<String> command, EventLog events) {
        this.id = id;
        this.index = index;
        this.httpPort = httpPort;
        this.raftPort = raftPort;
        this.raftName = raftName;
        this.dataDir = dataDir;
        this.logFile = logFile;
        this.command = List.copyOf(command);
        this.events = events;
        this.http = new NodeHttp("127.0.0.1", httpPort);
    }

    /** {@code n1}, {@code n2}, ... */
    public String id() {
        return id;
    }

    /** Position in the cluster, from 1 ({@code n1} is 1). */
    public int index() {
        return index;
    }

    public int httpPort() {
        return httpPort;
    }

    /** The port the node's Raft listener binds on 127.0.0.1. */
    public int raftPort() {
        return raftPort;
    }

    /** The Raft address the node advertises and its peers dial: {@code n2.jepsen:<raft port>}. */
    public String raftAddress() {
        return raftName + ":" + raftPort;
    }

    public Path dataDir() {
        return dataDir;
    }

    public Path logFile() {
        return logFile;
    }

    /** The command line the node is started with. */
    public List<String> command() {
        return command;
    }

    /** HTTP straight to this node. */
    public NodeHttp http() {
        return http;
    }

    public String url(String pathAndQuery) {
        return http.url(pathAndQuery);
    }

    // ---- process control ----

    /**
     * Starts the JVM (the first time or again after a kill or stop) without waiting for it; see
     * {@link #awaitHttp} and {@link #awaitReady}.
     *
     * @throws IllegalStateException if it is running
     */
    public synchronized void start() {
        if (isAlive()) {
            throw new IllegalStateException(id + " is running (pid " + process.pid() + ")");
        }
        starts++;
        try {
            Files.createDirectories(dataDir);
            Files.writeString(logFile, "==== harness: start #" + starts + " of " + id + " at " + Instant.now()
                    + " ====\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + id, e);
        }
        paused = false;
        events.record("cluster", ClusterEvent.Kind.NODE, (starts == 1 ? "started " : "restarted ") + id + " (pid "
                + process.pid() + ")");
    }

    /** {@code kill -9}: no shutdown hooks, nothing flushed. Waits until the process is gone. No-op if not running. */
    public synchronized void kill() {
        Process p = process;
        if (p == null || !p.isAlive()) {
            return;
        }
        p.destroyForcibly(); // SIGKILL ends a stopped process too
        awaitExit(p, Duration.ofSeconds(30));
        paused = false;
        events.record("cluster", ClusterEvent.Kind.NODE, "killed " + id + " (kill -9 pid " + p.pid() + ")");
    }

    /**
     * SIGTERM and wait for a clean exit (resuming it first if paused).
     *
     * @return the exit code
     * @throws IllegalStateException if it did not exit within {@code timeout} (it is then killed)
     */
    public synchronized int stop(Duration timeout) {
        Process p = process;
        if (p == null || !p.isAlive()) {
            return p == null ? 0 : p.exitValue();
        }
        if (paused) {
            signal("CONT");
            paused = false;
        }
        p.destroy();
        if (!awaitExit(p, timeout)) {
            p.destroyForcibly();
            awaitExit(p, Duration.ofSeconds(30));
            events.record("cluster", ClusterEvent.Kind.PROBLEM, id + " did not stop on SIGTERM within "
                    + timeout.toSeconds() + "s; killed");
            throw new IllegalStateException(id + " did not stop on SIGTERM within " + timeout);
        }
        events.record("cluster", ClusterEvent.Kind.NODE, "stopped " + id + " (SIGTERM, exit " + p.exitValue() + ")");
        return p.exitValue();
    }

    /** {@code SIGSTOP}: the process freezes, its sockets stay open. No-op if not running or paused. */
    public synchronized void pause() {
        if (!isAlive() || paused) {
            return;
        }
        signal("STOP");
        paused = true;
        events.record("cluster", ClusterEvent.Kind.NODE, "paused " + id + " (SIGSTOP pid " + process.pid() + ")");
    }

    /** {@code SIGCONT}. No-op unless paused. */
    public synchronized void resume() {
        if (!paused) {
            return;
        }
        paused = false;
        if (!isAlive()) {
            return;
        }
        signal("CONT");
        events.record("cluster", ClusterEvent.Kind.NODE, "resumed " + id + " (SIGCONT pid " + process.pid() + ")");
    }

    /** The process exists (it may be paused). */
    public boolean isAlive() {
        Process p = process;
        return p != null && p.isAlive();
    }

    /** Stopped with SIGSTOP and not resumed. */
    public boolean isPaused() {
        return paused && isAlive();
    }

    /** Alive and not paused: a node that can answer. */
    public boolean isRunning() {
        return isAlive() && !paused;
    }

    /** The current process's PID, or -1 if never started. */
    public long pid() {
        Process p = process;
        return p == null ? -1 : p.pid();
    }

    /** Number of times the JVM was started. */
    public synchronized int starts() {
        return starts;
    }

    /** Kills the process however it is, resuming it first: for cleanup, never throws. */
    synchronized void forceStop() {
        Process p = process;
        if (p == null || !p.isAlive()) {
            return;
        }
        try {
            if (paused) {
                signal("CONT");
            }
        } catch (RuntimeException e) {
            // SIGKILL works on a stopped process anyway
        }
        paused = false;
        p.destroyForcibly();
        awaitExit(p, Duration.ofSeconds(30));
    }

    private void signal(String name) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid()))
                    .redirectErrorStream(true).start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed: "
                        + new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted sending SIG" + name + " to " + id, e);
        }
    }

    private static boolean awaitExit(Process p, Duration timeout) {
        try {
            return p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !p.isAlive();
        }
    }

    // ---- probes ----

    /** What the node says at {@code /status}; empty if it is not running or does not answer within 2 s. */
    public Optional<NodeStatus> status() {
        if (!isRunning()) {
            return Optional.empty();
        }
        try {
            NodeHttp.Answer a = http.get("/status?key=store", PROBE_TIMEOUT);
            if (a.status() != 200) {
                return Optional.empty();
            }
            JsonNode store = a.json();
            return store.path("open").asBoolean(false) ? Optional.of(NodeStatus.parse(store)) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** {@code /readyz} answers 200. */
    public boolean isReady() {
        return isRunning() && http.tryGet("/readyz", PROBE_TIMEOUT).map(a -> a.status() == 200).orElse(false);
    }

    /** Rows in {@code table} by a local read ({@code level=none}); empty if the node cannot answer. */
    public OptionalLong countRows(String table) {
        if (!isRunning()) {
            return OptionalLong.empty();
        }
        String q = URLEncoder.encode("SELECT COUNT(*) FROM " + table, StandardCharsets.UTF_8);
        try {
            NodeHttp.Answer a = http.get("/db/query?level=none&q=" + q, PROBE_TIMEOUT);
            if (a.status() != 200) {
                return OptionalLong.empty();
            }
            JsonNode v = a.json().path("results").path(0).path("values").path(0).path(0);
            return v.isNumber() ? OptionalLong.of(v.asLong()) : OptionalLong.empty();
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    /**
     * Waits until the node's HTTP API answers {@code /status} (the JVM is up; it may not be ready).
     *
     * @throws IllegalStateException at once if the process exits, with the end of its log
     * @throws Waits.WaitTimeoutException after {@code timeout}
     */
    public void awaitHttp(Duration timeout) {
        Waits.until(id + " answering /status", timeout, Duration.ofMillis(200), () -> {
            requireAlive();
            return status().isPresent() ? Boolean.TRUE : null;
        }, () -> tailLog(20));
    }

    /** Waits until {@code /readyz} says 200; failures as for {@link #awaitHttp}. */
    public void awaitReady(Duration timeout) {
        Waits.until(id + " ready", timeout, Duration.ofMillis(200), () -> {
            requireAlive();
            return isReady() ? Boolean.TRUE : null;
        }, () -> status().map(NodeStatus::toString).orElse("no status") + "\n" + tailLog(20));
    }

    private void requireAlive() {
        Process p = process;
        if (p != null && !p.isAlive()) {
            throw new IllegalStateException(id + " exited with " + p.exitValue() + ":\n" + tailLog(60));
        }
    }

    /** The last {@code lines} lines of the node's log. */
    public String tailLog(int lines) {
        try {
            List<String> all = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public String toString() {
        return id + "(http " + httpPort + ", raft " + raftAddress() + ", pid " + pid()
                + (isPaused() ? ", paused" : isAlive() ? "" : ", down") + ")";
    }
}
