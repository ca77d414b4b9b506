package io.raftlite.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One pod of the StatefulSet: a JVM running the packaged jar with the pod's resolved arguments and
 * environment, in a clean environment (nothing of the test JVM's leaks in). Its volumes are
 * directories under the pod's own directory that outlive the process, as a PersistentVolumeClaim
 * outlives the pod. Stopped by PID only.
 */
final class SimulatedPod {
    private final String name;
    private final Path root;
    private volatile String ip;
    private volatile Process process;
    private volatile List<String> lastCommand = List.of();

    SimulatedPod(String name, Path root) {
        this.name = name;
        this.root = root;
    }

    String name() {
        return name;
    }

    String ip() {
        return ip;
    }

    /** The directory standing in for the pod's volume {@code volume}. */
    Path volume(String volume) {
        Path dir = root.resolve("volumes").resolve(volume);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }

    Path log() {
        return root.resolve("pod.log");
    }

    /**
     * Starts the container's process: {@code java <jvmOptions> -jar <jar> <args>} with exactly
     * {@code environment}. Output is appended to the pod's log across restarts.
     */
    void start(String podIp, List<String> jvmOptions, Path jar, List<String> args, Map<String, String> environment) {
        if (isAlive()) {
            throw new IllegalStateException(name + " is running");
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(SystemTools.java().toString());
        cmd.addAll(jvmOptions);
        cmd.add("-jar");
        cmd.add(jar.toString());
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(root.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()));
        pb.environment().clear();
        pb.environment().putAll(environment);
        try {
            Files.writeString(log(), "=== start " + name + " at " + podIp + ": " + String.join(" ", cmd) + "\n",
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            this.ip = podIp;
            this.lastCommand = List.copyOf(cmd);
            this.process = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    List<String> lastCommand() {
        return lastCommand;
    }

    boolean isAlive() {
        Process p = process;
        return p != null && p.isAlive();
    }

    long pid() {
        return process.pid();
    }

    /** The exit code, if the process ended. */
    Integer exitCode() {
        Process p = process;
        return p == null || p.isAlive() ? null : p.exitValue();
    }

    /** {@code kill -9}: the container dies without a chance to clean up. */
    void kill() {
        Process p = process;
        if (p == null) {
            return;
        }
        p.destroyForcibly();
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException(name + " (pid " + p.pid() + ") survived SIGKILL for 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * SIGTERM, then SIGKILL after the grace period, as the kubelet stops a container. Returns whether
     * the process ended on SIGTERM within the grace period.
     */
    boolean terminate(long graceSeconds) {
        Process p = process;
        if (p == null || !p.isAlive()) {
            return true;
        }
        p.destroy();
        try {
            if (p.waitFor(graceSeconds, TimeUnit.SECONDS)) {
                return true;
            }
            p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
        }
        return false;
    }

    String tailLog(int lines) {
        try {
            List<String> all = Files.readAllLines(log());
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
