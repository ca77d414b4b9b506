package io.raftlite.system;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * {@code helm install raftlite helm/raftlite} with default values, simulated on one machine: the
 * voter StatefulSet's pods as JVMs on 127.0.0.1, .2, .3 (pod {@code n} at 127.0.0.{@code n+1}),
 * Kubernetes DNS as hosts files, the client Service as haproxy, and Prometheus scraping the pods
 * as annotated. Pods can be deleted ({@code kill -9}, DNS records gone) and recreated under the
 * same name and volume at a new address, after which the Service's endpoints and Prometheus'
 * targets follow, as endpoint controllers and service discovery would make them. A
 * {@code helm upgrade} of the replica count adds pods at the next addresses or deletes the highest
 * ordinals ({@link #scaleUp}, {@link #scaleDown}).
 */
final class SimulatedRelease implements AutoCloseable {
    static final String RELEASE = "raftlite";
    static final String NAMESPACE = "default";
    /**
     * How long a pod may take to become ready: JVM start, Raft start and (for a new cluster) the
     * election. Usually 10-30 s; minutes on a 2-core machine that other builds keep busy.
     */
    static final Duration POD_START = Duration.ofMinutes(5);

    private final Path dir;
    private final Path jar = SystemTools.applicationJar();
    private volatile RenderedChart chart;
    private volatile PodTemplate template;
    private final ClusterDns dns;
    private final List<SimulatedPod> pods = new ArrayList<>();
    /** Pods a scale-down deleted: stopped already, kept so that {@link #close()} is sure of it. */
    private final List<SimulatedPod> departed = new ArrayList<>();
    private final int httpPort;
    private final ServiceProxy service;
    private final PrometheusServer prometheus;

    private SimulatedRelease(Path dir, Path haproxy, Path prometheusBinary, Path promtool) throws IOException {
        this.dir = dir;
        this.chart = RenderedChart.render(RELEASE, NAMESPACE);
        this.template = new PodTemplate(chart);
        this.dns = new ClusterDns(Files.createDirectories(dir.resolve("dns")), template.headlessServiceFqdn());
        JsonNode clientService = chart.clientService(template.podLabels());
        JsonNode servicePort = clientService.at("/spec/ports/0");
        this.httpPort = template.containerPort(servicePort.path("targetPort"));
        JsonNode probe = template.readinessProbe();
        if (!probe.at("/httpGet/port").asText().isEmpty()
                && template.containerPort(probe.at("/httpGet/port")) != httpPort) {
            throw new IllegalStateException("the readiness probe checks another port than the Service targets");
        }
        this.service = new ServiceProxy(Files.createDirectories(dir.resolve("service")), haproxy,
                new ServiceProxy.Spec(httpPort, probe.at("/httpGet/path").asText(), probe.path("periodSeconds").asInt(10),
                        probe.path("timeoutSeconds").asInt(1), probe.path("failureThreshold").asInt(3),
                        probe.path("successThreshold").asInt(1)));
        List<Path> rules = RenderedChart.chartFile("files/alerts.yaml").stream().toList();
        this.prometheus = new PrometheusServer(Files.createDirectories(dir.resolve("prometheus")), prometheusBinary, promtool, rules);
        for (int i = 0; i < template.replicas(); i++) {
            pods.add(new SimulatedPod(template.podName(i), Files.createDirectories(dir.resolve(template.podName(i)))));
        }
    }

    /**
     * Installs the release: starts the pods (all at once under {@code podManagementPolicy: Parallel},
     * else each after the previous one is ready), Prometheus, and, once every pod is ready, the Service.
     */
    static SimulatedRelease install(Path dir) {
        Path haproxy = SystemTools.require("haproxy");
        Path prometheus = SystemTools.require("prometheus");
        Path promtool = SystemTools.require("promtool");
        SimulatedRelease release;
        try {
            release = new SimulatedRelease(dir, haproxy, prometheus, promtool);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            release.start();
            return release;
        } catch (RuntimeException | AssertionError e) {
            System.err.println(release.diagnostics());
            release.close();
            throw e;
        }
    }

    private void start() {
        for (int i = 0; i < pods.size(); i++) {
            requirePortsFree(initialIp(i));
        }
        boolean parallel = template.podManagementPolicy().equals("Parallel");
        for (int i = 0; i < pods.size(); i++) {
            SimulatedPod pod = pods.get(i);
            launch(pod, initialIp(i));
            if (!parallel) {
                awaitReady(pod, POD_START);
            }
        }
        prometheus.configure(scrapeTargets());
        prometheus.start();
        for (SimulatedPod pod : pods) {
            awaitReady(pod, POD_START);
        }
        service.route(endpoints());
        Waits.until("the Service routing to every pod", Duration.ofSeconds(30),
                () -> service.serverStatus().values().stream().allMatch(s -> s.startsWith("UP")) ? Boolean.TRUE : null,
                () -> service.serverStatus().toString());
    }

    /** Pod {@code n}'s first address: 127.0.0.{@code n+1}. */
    static String initialIp(int ordinal) {
        return "127.0.0." + (ordinal + 1);
    }

    private void launch(SimulatedPod pod, String ip) {
        dns.publish(pod.name(), template.podFqdn(pod.name()), ip);
        PodTemplate.Launch launch = template.resolve(pod.name(), ip, pod::volume);
        Map<String, String> env = new HashMap<>(launch.environment());
        // Simulation: what the image and the container runtime put into every container's environment.
        env.putIfAbsent("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        env.putIfAbsent("HOSTNAME", pod.name());
        pod.start(ip, simulationJvmOptions(pod), jar, launch.args(), env);
    }

    /**
     * The simulation's additions to the java command line; everything else comes from the chart.
     * Kubernetes DNS and the pod's {@code /etc/hosts} come from the pod's hosts file. The container's
     * memory limit is what a JVM in the pod reads from its cgroup and sizes its heap from
     * ({@code -XX:MaxRAMPercentage} in the chart's {@code JAVA_TOOL_OPTIONS}); here it is told.
     */
    private List<String> simulationJvmOptions(SimulatedPod pod) {
        List<String> options = new ArrayList<>();
        options.add("-Djdk.net.hosts.file=" + dns.hostsFile(pod.name()));
        long limit = template.memoryLimitBytes();
        if (limit > 0) {
            options.add("-XX:MaxRAM=" + limit);
        }
        return options;
    }

    private void requirePortsFree(String ip) {
        for (String name : List.of("http", "raft")) {
            int port = template.containerPort(name);
            try (ServerSocket s = new ServerSocket()) {
                s.bind(new InetSocketAddress(InetAddress.getByName(ip), port));
            } catch (IOException e) {
                throw new IllegalStateException(ip + ":" + port + " is taken by another process; the simulated pods need it", e);
            }
        }
    }

    // --- pods

    List<SimulatedPod> pods() {
        return List.copyOf(pods);
    }

    SimulatedPod pod(String name) {
        return pods.stream().filter(p -> p.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no pod " + name));
    }

    String podFqdn(SimulatedPod pod) {
        return template.podFqdn(pod.name());
    }

    /** {@code <headless service>.<namespace>.svc.cluster.local}, the name the pods discover each other by. */
    String headlessServiceFqdn() {
        return template.headlessServiceFqdn();
    }

    /** The hosts file the pod's JVM resolves names with (its cluster DNS and {@code /etc/hosts}). */
    Path hostsFile(SimulatedPod pod) {
        return dns.hostsFile(pod.name());
    }

    String podUrl(SimulatedPod pod, String pathAndQuery) {
        return "http://" + pod.ip() + ":" + httpPort + pathAndQuery;
    }

    int httpPort() {
        return httpPort;
    }

    int raftPort() {
        return template.containerPort("raft");
    }

    void awaitReady(SimulatedPod pod, Duration timeout) {
        Waits.until(pod.name() + " ready (GET /readyz 200)", timeout, () -> {
            if (!pod.isAlive()) {
                throw new IllegalStateException(pod.name() + " exited with " + pod.exitCode());
            }
            return Http.tryGet(podUrl(pod, "/readyz")).filter(r -> r.status() == 200).orElse(null);
        }, () -> pod.name() + " alive=" + pod.isAlive());
    }

    /** The pod that says it is the leader ({@code /status} store.raft.state), if exactly one does. */
    Optional<SimulatedPod> leader() {
        List<SimulatedPod> leaders = new ArrayList<>();
        for (SimulatedPod pod : pods) {
            if (pod.isAlive()) {
                Http.tryGet(podUrl(pod, "/status")).filter(r -> r.status() == 200)
                        .filter(r -> r.json().at("/store/raft/state").asText().equals("Leader"))
                        .ifPresent(r -> leaders.add(pod));
            }
        }
        return leaders.size() == 1 ? Optional.of(leaders.get(0)) : Optional.empty();
    }

    /** The pod is deleted: its process gets SIGKILL and its DNS records are removed. */
    void deletePod(SimulatedPod pod) {
        pod.kill();
        dns.withdraw(pod.name());
    }

    /**
     * The pod is deleted gracefully, as a rolling update does: SIGTERM, SIGKILL after the pod's
     * {@code terminationGracePeriodSeconds}; its DNS records go. Returns whether it stopped in time.
     */
    boolean terminatePod(SimulatedPod pod) {
        boolean inTime = pod.terminate(terminationGracePeriodSeconds());
        dns.withdraw(pod.name());
        return inTime;
    }

    long terminationGracePeriodSeconds() {
        return template.terminationGracePeriodSeconds();
    }

    /** The StatefulSet recreates the pod: same name and volumes, address {@code ip}. Waits until it is ready. */
    void recreatePod(SimulatedPod pod, String ip) {
        requirePortsFree(ip);
        launch(pod, ip);
        awaitReady(pod, POD_START);
    }

    // --- helm upgrade of the replica count

    /** The chart as last installed or upgraded. */
    RenderedChart chart() {
        return chart;
    }

    /**
     * {@code helm upgrade} to {@code upgraded} (a render with a higher {@code replicaCount}), then what
     * the StatefulSet controller does: it creates the missing ordinals, all at once under
     * {@code podManagementPolicy: Parallel}, else each after the previous one is ready. Running pods
     * are not touched, which is only right if the pod template did not change (otherwise the
     * controller would also roll every pod; that is refused here). New pods resolve their
     * environment against the upgraded ConfigMap. Waits until each is ready; as with
     * {@link #recreatePod}, the caller then points the Service and Prometheus at them
     * ({@link #updateServiceEndpoints}, {@link #updateScrapeTargets}), so that it can choose when
     * haproxy reloads. Returns the new pods.
     */
    List<SimulatedPod> scaleUp(RenderedChart upgraded, Duration readyTimeout) {
        PodTemplate next = sameTemplate(upgraded);
        if (next.replicas() <= pods.size()) {
            throw new IllegalArgumentException("scaleUp to " + next.replicas() + " replicas; " + pods.size() + " run");
        }
        adopt(upgraded, next);
        List<SimulatedPod> created = new ArrayList<>();
        try {
            for (int i = pods.size(); i < next.replicas(); i++) {
                requirePortsFree(initialIp(i));
                created.add(new SimulatedPod(next.podName(i), Files.createDirectories(dir.resolve(next.podName(i)))));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        boolean parallel = next.podManagementPolicy().equals("Parallel");
        for (SimulatedPod pod : created) {
            pods.add(pod);
            launch(pod, initialIp(pods.size() - 1));
            if (!parallel) {
                awaitReady(pod, readyTimeout);
            }
        }
        for (SimulatedPod pod : created) {
            awaitReady(pod, readyTimeout);
        }
        return List.copyOf(created);
    }

    /**
     * {@code helm upgrade} to {@code upgraded} (a render with a lower {@code replicaCount}), then what
     * the StatefulSet controller does: it deletes the pods above the new count, highest ordinal
     * first; under {@code podManagementPolicy: Parallel} without waiting for one to end before
     * deleting the next, else one at a time. A terminating pod leaves the Service's endpoints at
     * once; then it gets SIGTERM (SIGKILL after {@code terminationGracePeriodSeconds}) and its DNS
     * records go. Its volume stays, as a StatefulSet never deletes PersistentVolumeClaims. Nothing
     * here touches the Raft configuration. Returns each deleted pod's name and whether it stopped on
     * SIGTERM within the grace period.
     */
    Map<String, Boolean> scaleDown(RenderedChart upgraded) {
        PodTemplate next = sameTemplate(upgraded);
        if (next.replicas() >= pods.size()) {
            throw new IllegalArgumentException("scaleDown to " + next.replicas() + " replicas; " + pods.size() + " run");
        }
        adopt(upgraded, next);
        List<SimulatedPod> condemned = new ArrayList<>(pods.subList(next.replicas(), pods.size()));
        Collections.reverse(condemned);
        pods.removeAll(condemned);
        departed.addAll(condemned);
        service.route(endpoints());
        prometheus.reload(scrapeTargets());
        Map<String, Boolean> inTime = new ConcurrentSkipListMap<>();
        if (next.podManagementPolicy().equals("Parallel")) {
            List<Thread> stops = new ArrayList<>();
            for (SimulatedPod pod : condemned) {
                Thread t = new Thread(() -> inTime.put(pod.name(), terminatePod(pod)), "delete-" + pod.name());
                t.start();
                stops.add(t);
            }
            for (Thread t : stops) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while deleting pods", e);
                }
            }
        } else {
            for (SimulatedPod pod : condemned) {
                inTime.put(pod.name(), terminatePod(pod));
            }
        }
        return new LinkedHashMap<>(inTime);
    }

    /** The upgraded render's voter pod template; refused if it differs from the running one. */
    private PodTemplate sameTemplate(RenderedChart upgraded) {
        JsonNode before = chart.voterStatefulSet().at("/spec/template");
        JsonNode after = upgraded.voterStatefulSet().at("/spec/template");
        if (!before.equals(after)) {
            throw new IllegalStateException("the upgrade changes the pod template: the StatefulSet would roll every pod, "
                    + "which scaleUp/scaleDown do not simulate");
        }
        return new PodTemplate(upgraded);
    }

    /** The upgraded render becomes the release's chart: later pods read its ConfigMap. */
    private void adopt(RenderedChart upgraded, PodTemplate next) {
        this.chart = upgraded;
        this.template = next;
    }

    // --- the Service and Prometheus

    ServiceProxy service() {
        return service;
    }

    String serviceUrl() {
        return service.url("");
    }

    /** Points the Service at the pods' current addresses (what the endpoints controller does). */
    void updateServiceEndpoints() {
        service.route(endpoints());
    }

    private Map<String, String> endpoints() {
        Map<String, String> endpoints = new LinkedHashMap<>();
        pods.forEach(p -> endpoints.put(p.name(), p.ip()));
        return endpoints;
    }

    PrometheusServer prometheus() {
        return prometheus;
    }

    /** Points Prometheus at the pods' current addresses (what Kubernetes service discovery does). */
    void updateScrapeTargets() {
        prometheus.reload(scrapeTargets());
    }

    List<PrometheusServer.Target> scrapeTargets() {
        List<PrometheusServer.Target> targets = new ArrayList<>();
        for (SimulatedPod p : pods) {
            PrometheusServer.Target t = PrometheusServer.target(template.podAnnotations(), p.name(), p.ip(), httpPort);
            if (t != null) {
                targets.add(t);
            }
        }
        return targets;
    }

    // --- reporting and teardown

    /** The end of every log: pods, haproxy, Prometheus. */
    String diagnostics() {
        StringBuilder b = new StringBuilder("==== simulated release in ").append(dir).append('\n');
        List<SimulatedPod> all = new ArrayList<>(pods);
        all.addAll(departed);
        for (SimulatedPod p : all) {
            b.append("---- ").append(p.name()).append(" at ").append(p.ip()).append(" alive=").append(p.isAlive())
                    .append('\n').append(p.tailLog(80)).append('\n');
        }
        b.append("---- haproxy\n").append(service.tailLog()).append('\n');
        b.append("---- prometheus\n").append(prometheus.tailLog()).append('\n');
        return b.toString();
    }

    /** Stops everything this release started, by PID: pods as the kubelet does (SIGTERM, then SIGKILL). */
    @Override
    public void close() {
        long grace = Math.min(30, terminationGracePeriodSeconds());
        List<Thread> stops = new ArrayList<>();
        List<SimulatedPod> all = new ArrayList<>(pods);
        all.addAll(departed);
        for (SimulatedPod p : all) {
            Thread t = new Thread(() -> p.terminate(grace));
            t.start();
            stops.add(t);
        }
        for (Thread t : stops) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        service.close();
        prometheus.close();
    }

    /**
     * The last log entry the pod applied, of any kind. Not {@code db_applied_index}: that counts
     * only entries that change the database, so it stays behind the commit index when the last
     * entry is the configuration entry a new leader writes. -1 when the pod does not answer.
     */
    long appliedIndex(SimulatedPod pod) {
        return Http.tryGet(podUrl(pod, "/status")).map(r -> r.json().at("/store/raft/applied_index").asLong(-1)).orElse(-1L);
    }

    /** The workload's rows on one pod, read from that pod alone ({@code level=none}): key to count. */
    java.util.Map<String, Integer> rowsOn(SimulatedPod pod) {
        Http.Response r = Http.get(podUrl(pod, "/db/query?level=none&q=" + Http.encode(Workload.ROWS_BY_KEY)));
        org.assertj.core.api.Assertions.assertThat(r.status()).as("%s: %s", pod.name(), r.body()).isEqualTo(200);
        org.assertj.core.api.Assertions.assertThat(r.header("X-RQLITE-SERVED-BY")).as("level=none is served by the pod asked")
                .isEqualTo(podFqdn(pod) + ":" + httpPort());
        java.util.Map<String, Integer> rows = new java.util.HashMap<>();
        for (com.fasterxml.jackson.databind.JsonNode row : r.json().at("/results/0/values")) {
            rows.put(row.get(0).asText(), row.get(1).asInt());
        }
        return rows;
    }
}
