package io.raftlite.jepsen.runner;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one run does: cluster size, workloads, faults, for how long, with which seed, and where it
 * writes. Immutable; start from {@link #of} and change one setting at a time, or read the
 * {@code jepsen.*} system properties with {@link #withSystemProperties()}.
 *
 * @param name           names the run directory and the summary
 * @param nodes          3 or 5
 * @param workloads      names understood by {@link Workloads#create}, run side by side on one cluster
 * @param nemesis        comma-separated nemesis names, {@code a+b} for a combined fault, {@code all} for
 *                       every kind and some combinations ({@link Workloads#ALL_NEMESES}), {@code none}
 *                       for a run without faults
 * @param duration       how long clients run (the faults stop with them)
 * @param faultFor       how long each fault lasts
 * @param quietFor       how long the cluster is left alone between faults
 * @param seed           seeds the clients' and the nemeses' random choices
 * @param clients        concurrent clients per workload, bound to the nodes round-robin
 * @param requestTimeout a client's deadline per request; an unanswered write is then INFO
 * @param outputDir      the run directory, or null for a fresh one under the build directory
 */
public record RunSpec(String name, int nodes, List<String> workloads, String nemesis, Duration duration,
        Duration faultFor, Duration quietFor, long seed, int clients, Duration requestTimeout, Path outputDir) {

    public RunSpec {
        Objects.requireNonNull(name, "name");
        workloads = List.copyOf(workloads);
        Objects.requireNonNull(nemesis, "nemesis");
        if (nodes != 3 && nodes != 5) {
            throw new IllegalArgumentException("nodes must be 3 or 5, got " + nodes);
        }
        if (workloads.isEmpty()) {
            throw new IllegalArgumentException("no workload");
        }
        if (clients < 1) {
            throw new IllegalArgumentException("clients must be >= 1");
        }
    }

    /** 3 nodes, 5 clients per workload, 5 s request timeout, faults of 8 s after 6 s of quiet, a random seed. */
    public static RunSpec of(String name, List<String> workloads, String nemesis, Duration duration) {
        return new RunSpec(name, 3, workloads, nemesis, duration, Duration.ofSeconds(8), Duration.ofSeconds(6),
                System.nanoTime() ^ System.currentTimeMillis(), 5, Duration.ofSeconds(5), null);
    }

    public RunSpec withNodes(int n) {
        return new RunSpec(name, n, workloads, nemesis, duration, faultFor, quietFor, seed, clients, requestTimeout,
                outputDir);
    }

    public RunSpec withSeed(long s) {
        return new RunSpec(name, nodes, workloads, nemesis, duration, faultFor, quietFor, s, clients, requestTimeout,
                outputDir);
    }

    public RunSpec withFaults(Duration fault, Duration quiet) {
        return new RunSpec(name, nodes, workloads, nemesis, duration, fault, quiet, seed, clients, requestTimeout,
                outputDir);
    }

    public RunSpec withClients(int c) {
        return new RunSpec(name, nodes, workloads, nemesis, duration, faultFor, quietFor, seed, c, requestTimeout,
                outputDir);
    }

    public RunSpec withDuration(Duration d) {
        return new RunSpec(name, nodes, workloads, nemesis, d, faultFor, quietFor, seed, clients, requestTimeout,
                outputDir);
    }

    public RunSpec withOutputDir(Path dir) {
        return new RunSpec(name, nodes, workloads, nemesis, duration, faultFor, quietFor, seed, clients, requestTimeout,
                dir);
    }

    /**
     * This spec with whatever the {@code jepsen.*} system properties say instead: {@code jepsen.seed},
     * {@code jepsen.nodes}, {@code jepsen.workloads} (comma-separated), {@code jepsen.nemesis},
     * {@code jepsen.duration}, {@code jepsen.fault}, {@code jepsen.quiet} (durations such as
     * {@code 90s}, {@code 30m}, {@code 1h}), {@code jepsen.clients}, {@code jepsen.dir}.
     */
    public RunSpec withSystemProperties() {
        RunSpec s = this;
        String v;
        if ((v = prop("jepsen.seed")) != null) {
            s = s.withSeed(Long.parseLong(v));
        }
        if ((v = prop("jepsen.nodes")) != null) {
            s = s.withNodes(Integer.parseInt(v));
        }
        if ((v = prop("jepsen.duration")) != null) {
            s = s.withDuration(parseDuration(v));
        }
        if ((v = prop("jepsen.clients")) != null) {
            s = s.withClients(Integer.parseInt(v));
        }
        Duration fault = (v = prop("jepsen.fault")) != null ? parseDuration(v) : s.faultFor;
        Duration quiet = (v = prop("jepsen.quiet")) != null ? parseDuration(v) : s.quietFor;
        s = s.withFaults(fault, quiet);
        if ((v = prop("jepsen.dir")) != null) {
            s = s.withOutputDir(Path.of(v));
        }
        List<String> w = (v = prop("jepsen.workloads")) != null
                ? Arrays.stream(v.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList() : s.workloads;
        String n = (v = prop("jepsen.nemesis")) != null ? v.trim() : s.nemesis;
        return new RunSpec(s.name, s.nodes, w, n, s.duration, s.faultFor, s.quietFor, s.seed, s.clients,
                s.requestTimeout, s.outputDir);
    }

    private static String prop(String key) {
        String v = System.getProperty(key);
        return v == null || v.isBlank() ? null : v.trim();
    }

    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");

    /** {@code 1500ms}, {@code 90s}, {@code 30m}, {@code 1h}, {@code 1h30m}, or ISO-8601 ({@code PT30M}). */
    public static Duration parseDuration(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.startsWith("pt")) {
            return Duration.parse(text.trim());
        }
        Matcher m = DURATION.matcher(t);
        Duration d = Duration.ZERO;
        int end = 0;
        while (m.find()) {
            if (m.start() != end) {
                break;
            }
            long n = Long.parseLong(m.group(1));
            d = d.plus(switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            });
            end = m.end();
        }
        if (end != t.length() || end == 0) {
            throw new IllegalArgumentException("not a duration: '" + text + "' (use e.g. 90s, 30m, 1h)");
        }
        return d;
    }

    /** One line for logs. */
    public String describe() {
        return name + ": " + nodes + " nodes, workloads " + workloads + ", " + clients + " clients each, nemesis "
                + nemesis + " (fault " + faultFor.toMillis() + " ms, quiet " + quietFor.toMillis() + " ms), "
                + duration.toSeconds() + " s of load, request timeout " + requestTimeout.toMillis() + " ms, seed "
                + seed;
    }
}
