package io.raftlite.system;

import io.raftlite.it.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The client Service, played by haproxy: round robin over the pods' addresses on the Service's
 * target port, each pod taken out of rotation while its readiness probe fails (same path, period,
 * timeout and thresholds), as kube-proxy only routes to ready endpoints. Connection failures are
 * retried on another pod ({@code option redispatch}); a request a pod has received is never
 * repeated. Every answer names the pod that served it in {@code X-Service-Endpoint}. Clients reach
 * it on a free loopback port rather than the Service's port, which pod 0 holds on 127.0.0.1.
 *
 * <p>Endpoint changes (a pod recreated at a new address) regenerate the configuration and reload
 * haproxy gracefully ({@code -sf}): the new process takes over the port, the old one finishes the
 * requests it has.
 */
final class ServiceProxy implements AutoCloseable {
    static final String ENDPOINT_HEADER = "X-Service-Endpoint";

    /** What the rendered chart says about the Service and the pods' readiness. */
    record Spec(int targetPort, String checkPath, int periodSeconds, int timeoutSeconds, int failureThreshold,
            int successThreshold) {
    }

    private final Path dir;
    private final Path haproxy;
    private final Spec spec;
    private final int port = freeLoopbackPort();
    private final int statsPort = freeLoopbackPort();
    private final List<Process> processes = new ArrayList<>();
    private Process current;
    private int generation;

    ServiceProxy(Path dir, Path haproxy, Spec spec) {
        this.dir = dir;
        this.haproxy = haproxy;
        this.spec = spec;
    }

    /** The Service's address as clients use it. */
    String url(String pathAndQuery) {
        return "http://127.0.0.1:" + port + pathAndQuery;
    }

    /** Starts haproxy, or reloads it with new endpoints (pod name -> pod IP). */
    synchronized void route(Map<String, String> endpoints) {
        generation++;
        Path cfg = dir.resolve("haproxy-" + generation + ".cfg");
        try {
            Files.writeString(cfg, config(endpoints));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> cmd = new ArrayList<>(List.of(haproxy.toString(), "-db", "-f", cfg.toString()));
        if (current != null && current.isAlive()) {
            cmd.add("-sf");
            cmd.add(Long.toString(current.pid()));
        }
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile())).start();
            processes.add(p);
            current = p;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start haproxy", e);
        }
        awaitServing(endpoints.keySet());
    }

    Path log() {
        return dir.resolve("haproxy.log");
    }

    String config(Map<String, String> endpoints) {
        StringBuilder b = new StringBuilder();
        b.append("# The client Service (generated from the rendered chart)\n");
        b.append("global\n    maxconn 512\n    log stdout format raw local0 info\n\n");
        b.append("defaults\n    mode http\n    log global\n    option httplog\n    timeout connect 2s\n    timeout client 60s\n    timeout server 60s\n");
        b.append("    timeout check ").append(spec.timeoutSeconds()).append("s\n");
        b.append("    retries 3\n    option redispatch 1\n\n");
        b.append("frontend service\n    bind 127.0.0.1:").append(port).append('\n');
        b.append("    default_backend pods\n\n");
        b.append("backend pods\n    balance roundrobin\n");
        b.append("    option httpchk GET ").append(spec.checkPath()).append('\n');
        b.append("    http-check expect rstatus ^[23]\n"); // a probe succeeds on 200..399
        b.append("    http-response set-header ").append(ENDPOINT_HEADER).append(" %[srv_name]\n");
        b.append("    default-server check inter ").append(spec.periodSeconds()).append("s fall ")
                .append(spec.failureThreshold()).append(" rise ").append(spec.successThreshold()).append('\n');
        endpoints.forEach((pod, ip) -> b.append("    server ").append(pod).append(' ').append(ip).append(':')
                .append(spec.targetPort()).append('\n'));
        b.append("\nlisten stats\n    bind 127.0.0.1:").append(statsPort).append("\n    stats enable\n    stats uri /stats\n");
        return b.toString();
    }

    /** Each server's state as haproxy's statistics report it: pod name -> {@code UP}, {@code DOWN}, ... */
    Map<String, String> serverStatus() {
        return stats("status");
    }

    /** Requests each server has been sent (haproxy's {@code stot}). */
    Map<String, Long> requestsPerServer() {
        Map<String, Long> out = new LinkedHashMap<>();
        stats("stot").forEach((k, v) -> out.put(k, Long.parseLong(v)));
        return out;
    }

    private Map<String, String> stats(String column) {
        Http.Response r = Http.get("http://127.0.0.1:" + statsPort + "/stats;csv");
        String[] lines = r.body().split("\n");
        List<String> header = List.of(lines[0].replaceFirst("^# ", "").split(",", -1));
        int px = header.indexOf("pxname");
        int sv = header.indexOf("svname");
        int col = header.indexOf(column);
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            String[] f = lines[i].split(",", -1);
            if (f.length > col && f[px].equals("pods") && !f[sv].equals("BACKEND") && !f[sv].equals("FRONTEND")) {
                out.put(f[sv], f[col]);
            }
        }
        return out;
    }

    /** Waits until the newest haproxy answers its statistics page and lists exactly these servers. */
    private void awaitServing(java.util.Set<String> servers) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            if (!current.isAlive()) {
                throw new IllegalStateException("haproxy exited with " + current.exitValue() + ":\n" + tailLog());
            }
            try {
                Map<String, String> status = serverStatus();
                last = status.toString();
                if (status.keySet().equals(servers)) {
                    return;
                }
            } catch (UncheckedIOException e) {
                last = e.getMessage();
            }
            Waits.pause(100);
        }
        throw new IllegalStateException("haproxy does not serve " + servers + " (last: " + last + ")\n" + tailLog());
    }

    String tailLog() {
        try {
            List<String> all = Files.readAllLines(log());
            return String.join("\n", all.subList(Math.max(0, all.size() - 30), all.size()));
        } catch (IOException e) {
            return "(no haproxy log)";
        }
    }

    @Override
    public synchronized void close() {
        for (Process p : processes) {
            p.destroy();
        }
        for (Process p : processes) {
            try {
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
        }
    }

    static int freeLoopbackPort() {
        return FreePorts.next();
    }
}
