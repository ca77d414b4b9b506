package io.raftlite.system;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
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
 * A real Prometheus (Debian's package) on loopback, scraping the pods as their
 * {@code prometheus.io/scrape|port|path|scheme} annotations ask. In a cluster, the scrape job that
 * docs/monitoring.md gives finds the pods through the Kubernetes API ({@code kubernetes_sd_configs},
 * role pod) and relabels them with the annotations; here the same targets are written as static
 * ones, with the labels that job gives them ({@code job="raftlite"}, {@code pod}). The chart's alert
 * rules are loaded as a rule file. A changed pod address is a configuration reload (SIGHUP), as
 * service discovery would update the target.
 */
final class PrometheusServer implements AutoCloseable {
    static final String JOB = "raftlite";

    /** One scrape target: the pod's address and the scrape settings from its annotations. */
    record Target(String pod, String address, String metricsPath, String scheme) {
    }

    private final Path dir;
    private final Path prometheus;
    private final Path promtool;
    private final List<Path> ruleFiles;
    private final int port = ServiceProxy.freeLoopbackPort();
    private Process process;

    PrometheusServer(Path dir, Path prometheus, Path promtool, List<Path> ruleFiles) {
        this.dir = dir;
        this.prometheus = prometheus;
        this.promtool = promtool;
        this.ruleFiles = List.copyOf(ruleFiles);
    }

    /** The scrape target a pod's annotations ask for, or null if the pod is not to be scraped. */
    static Target target(JsonNode annotations, String pod, String podIp, int defaultPort) {
        if (!"true".equals(annotations.path("prometheus.io/scrape").asText())) {
            return null;
        }
        String port = annotations.path("prometheus.io/port").asText(Integer.toString(defaultPort));
        return new Target(pod, podIp + ":" + port, annotations.path("prometheus.io/path").asText("/metrics"),
                annotations.path("prometheus.io/scheme").asText("http"));
    }

    Path configFile() {
        return dir.resolve("prometheus.yml");
    }

    /** Writes the configuration for these targets; {@link #start} or {@link #reload} applies it. */
    void configure(List<Target> targets) {
        Map<String, Object> global = Map.of("scrape_interval", "1s", "scrape_timeout", "1s", "evaluation_interval", "1s");
        List<Object> scrapes = new ArrayList<>();
        // One scrape config per (path, scheme): Prometheus sets both per job, the annotations per pod.
        Map<String, List<Target>> byPath = new LinkedHashMap<>();
        for (Target t : targets) {
            byPath.computeIfAbsent(t.scheme() + " " + t.metricsPath(), k -> new ArrayList<>()).add(t);
        }
        if (byPath.size() > 1) {
            throw new IllegalStateException("pods ask for different metrics paths: " + byPath.keySet());
        }
        byPath.forEach((key, ts) -> {
            List<Object> statics = new ArrayList<>();
            for (Target t : ts) {
                statics.add(Map.of("targets", List.of(t.address()), "labels", Map.of("pod", t.pod())));
            }
            Map<String, Object> job = new LinkedHashMap<>();
            job.put("job_name", JOB);
            job.put("scheme", ts.get(0).scheme());
            job.put("metrics_path", ts.get(0).metricsPath());
            job.put("static_configs", statics);
            scrapes.add(job);
        });
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("global", global);
        config.put("rule_files", ruleFiles.stream().map(Path::toString).toList());
        config.put("scrape_configs", scrapes);
        try {
            Files.writeString(configFile(), new YAMLMapper().writeValueAsString(config));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code promtool check config}: exit code and output. */
    Tools.Result checkConfig() {
        return Tools.run(Duration.ofSeconds(60), promtool.toString(), "check", "config", configFile().toString());
    }

    void start() {
        try {
            Files.createDirectories(dir.resolve("tsdb"));
            process = new ProcessBuilder(prometheus.toString(), "--config.file=" + configFile(),
                    "--storage.tsdb.path=" + dir.resolve("tsdb"), "--web.listen-address=127.0.0.1:" + port)
                    .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start prometheus", e);
        }
        Waits.until("Prometheus ready", Duration.ofSeconds(60), () -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("prometheus exited with " + process.exitValue() + ":\n" + tailLog());
            }
            return Http.tryGet(url("/-/ready")).filter(r -> r.status() == 200).orElse(null);
        }, this::tailLog);
    }

    /** Applies the current configuration file (SIGHUP) and waits until the active targets are exactly these. */
    void reload(List<Target> targets) {
        configure(targets);
        Tools.Result check = checkConfig();
        if (check.exitCode() != 0) {
            throw new IllegalStateException("promtool check config failed:\n" + check.output());
        }
        Tools.run(Duration.ofSeconds(10), "kill", "-HUP", Long.toString(process.pid()));
        List<String> wanted = targets.stream().map(Target::address).sorted().toList();
        Waits.until("Prometheus targets " + wanted, Duration.ofSeconds(30),
                () -> activeTargets().keySet().stream().sorted().toList().equals(wanted) ? Boolean.TRUE : null,
                () -> activeTargets().toString());
    }

    String url(String pathAndQuery) {
        return "http://127.0.0.1:" + port + pathAndQuery;
    }

    /** An instant query's result vector ({@code data.result}). */
    JsonNode query(String promql) {
        Http.Response r = Http.get(url("/api/v1/query?query=" + Http.encode(promql)));
        JsonNode body = r.json();
        if (r.status() != 200 || !"success".equals(body.path("status").asText())) {
            throw new IllegalStateException("query " + promql + " -> " + r.status() + " " + r.body());
        }
        return body.at("/data/result");
    }

    /** The single value of an instant query whose result is one sample, or null if it has none. */
    Double value(String promql) {
        JsonNode result = query(promql);
        if (result.size() == 0) {
            return null;
        }
        if (result.size() > 1) {
            throw new IllegalStateException(promql + " returned " + result.size() + " series: " + result);
        }
        return Double.parseDouble(result.get(0).at("/value/1").asText());
    }

    /** Active targets: address -> health ({@code up}, {@code down}, {@code unknown}). */
    Map<String, String> activeTargets() {
        Map<String, String> out = new LinkedHashMap<>();
        for (JsonNode t : Http.get(url("/api/v1/targets?state=active")).json().at("/data/activeTargets")) {
            out.put(t.at("/discoveredLabels/__address__").asText(t.at("/labels/instance").asText()), t.path("health").asText());
        }
        return out;
    }

    String tailLog() {
        try {
            List<String> all = Files.readAllLines(dir.resolve("prometheus.log"));
            return String.join("\n", all.subList(Math.max(0, all.size() - 30), all.size()));
        } catch (IOException e) {
            return "(no prometheus log)";
        }
    }

    @Override
    public void close() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
