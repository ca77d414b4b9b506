package io.raftlite.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * What docs/kubernetes.md promises under "Scale up" and "Scale down", on the simulated StatefulSet
 * (see {@link SimulatedRelease}). {@code helm upgrade --set replicaCount=5} changes the StatefulSet's
 * replica count and the ConfigMap but not the pod template, so the three running pods keep their
 * processes, and the two new pods find the cluster through the headless Service's DNS name and join
 * it as voters: one cluster of five, not a second one. Lowering the count to three again stops the
 * two highest ordinals (a leader among them hands leadership over first) but leaves them in the Raft
 * configuration, where they still count towards the quorum; {@code DELETE /remove} through the
 * Service takes them out, after which the three remaining voters survive losing one more pod, which
 * two of five could not. No acknowledged write is lost or doubled on the way. The tests share one
 * release and run in order: each continues the story of the one before.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(ScalingIT.LogsOnFailure.class)
class ScalingIT {
    /** How long a membership change, a join or catching up may take on a loaded two-core machine. */
    private static final Duration JOIN = Duration.ofSeconds(60);
    private static final Duration READY = Duration.ofSeconds(120);
    private static final String BOOTSTRAP_EXPECT = "bootstrap-expect";
    private static final Pattern PEERS_GAUGE = Pattern.compile("(?m)^raftlite_raft_peers(?:\\{[^}]*})?\\s+(\\S+)$");
    private static final HttpClient CURL = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(3)).build();

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path dir;

    private static SimulatedRelease release;
    private static final WriteLedger ledger = new WriteLedger();
    /** PIDs of the pods the release was installed with, taken before the scale-up. */
    private static final Map<String, Long> originalPids = new TreeMap<>();
    /** The chart as installed: replicaCount 3. */
    private static RenderedChart installed;

    @BeforeAll
    static void install() {
        long start = System.nanoTime();
        release = SimulatedRelease.install(dir);
        System.out.printf("release installed and ready in %d ms%n", (System.nanoTime() - start) / 1_000_000);
    }

    @AfterAll
    static void uninstall() {
        if (release != null) {
            release.close();
        }
    }

    @Test
    @Order(1)
    void threeVotersTakeWritesThroughTheService() {
        assertThat(names(release.pods())).containsExactly("raftlite-0", "raftlite-1", "raftlite-2");
        assertThat(configMapValue(release.chart(), BOOTSTRAP_EXPECT)).isEqualTo("3");

        Http.Response created = Http.post(release.serviceUrl() + "/db/execute", Http.json(List.of(Workload.CREATE_TABLE)));
        assertThat(created.status()).as("CREATE TABLE through the Service: %s", created.body()).isEqualTo(200);
        assertThat(created.json().at("/results/0").has("error")).as(created.body()).isFalse();

        Workload writers = new Workload("three", release.serviceUrl(), ledger, Workload.Mix.WRITES, 2);
        try {
            long started = System.nanoTime();
            Waits.until("writes acknowledged by three voters", JOIN,
                    () -> everyThreadAcknowledged(writers, started, 40) ? Boolean.TRUE : null, writers::toString);
        } finally {
            writers.close();
        }
        assertThat(writers.failures()).as("failed requests in a healthy cluster: %s", writers).isZero();
        assertThat(writers.violations()).isEmpty();

        awaitVoters(release.pods(), release.pods());
        awaitOneCluster(release.pods());
        release.pods().forEach(p -> originalPids.put(p.name(), p.pid()));
        installed = release.chart();
    }

    @Test
    @Order(2)
    void scaleUpToFiveRestartsNothingAndTheNewPodsJoinTheClusterAsVoters() throws IOException {
        RenderedChart three = installed;
        RenderedChart five = RenderedChart.render(SimulatedRelease.RELEASE, SimulatedRelease.NAMESPACE, Map.of("replicaCount", 5));

        // What helm upgrade changes: the replica count and the ConfigMap, not the pod template.
        JsonNode before = three.voterStatefulSet();
        JsonNode after = five.voterStatefulSet();
        assertThat(after.at("/spec/template")).as("the voter pod template after --set replicaCount=5")
                .isEqualTo(before.at("/spec/template"));
        assertThat(before.at("/spec/replicas").asInt()).isEqualTo(3);
        assertThat(after.at("/spec/replicas").asInt()).isEqualTo(5);
        assertThat(withoutReplicas(after)).as("the StatefulSet differs in spec.replicas only").isEqualTo(withoutReplicas(before));
        assertThat(configMapValue(five, BOOTSTRAP_EXPECT)).isEqualTo("5");

        // Writes through the Service go on while the new pods start and join.
        Workload writers = new Workload("scale-up", release.serviceUrl(), ledger, Workload.Mix.WRITES, 2);
        List<SimulatedPod> created;
        try {
            long started = System.nanoTime();
            created = release.scaleUp(five, READY);
            System.out.printf("raftlite-3 and raftlite-4 ready %d ms after the upgrade%n", (System.nanoTime() - started) / 1_000_000);
            long ready = System.nanoTime();
            Waits.until("writes acknowledged after the new pods became ready", JOIN,
                    () -> everyThreadAcknowledged(writers, ready, 10) ? Boolean.TRUE : null, writers::toString);
        } finally {
            writers.close();
        }
        System.out.println("writes during the scale-up: " + writers);
        assertThat(writers.failures()).as("failed requests while the cluster grew: %s", writers).isZero();
        assertThat(writers.violations()).isEmpty();
        // The endpoints controller adds the ready pods to the Service. Simulation: haproxy reloads between
        // workloads, because its old process closes idle keep-alive connections, which kube-proxy never does.
        release.updateServiceEndpoints();
        release.updateScrapeTargets();

        // The running pods were not restarted.
        for (SimulatedPod pod : release.pods().subList(0, 3)) {
            assertThat(pod.isAlive()).as("%s alive", pod.name()).isTrue();
            assertThat(pod.pid()).as("%s's process after the upgrade", pod.name()).isEqualTo(originalPids.get(pod.name()));
        }

        // The new pods: next ordinals, next addresses, exactly the 5-replica render's arguments.
        assertThat(names(created)).containsExactly("raftlite-3", "raftlite-4");
        assertThat(names(release.pods())).containsExactly("raftlite-0", "raftlite-1", "raftlite-2", "raftlite-3", "raftlite-4");
        PodTemplate fiveTemplate = new PodTemplate(five);
        for (SimulatedPod pod : created) {
            assertThat(pod.ip()).isEqualTo(SimulatedRelease.initialIp(ordinal(pod)));
            PodTemplate.Launch launch = fiveTemplate.resolve(pod.name(), pod.ip(), pod::volume);
            assertThat(launch.environment()).containsEntry("RAFTLITE_BOOTSTRAP_EXPECT", "5");
            List<String> cmd = pod.lastCommand();
            assertThat(cmd.subList(cmd.size() - launch.args().size(), cmd.size())).as("%s's arguments", pod.name())
                    .isEqualTo(launch.args());
            assertThat(String.join(" ", launch.args())).contains("-bootstrap-expect 5");
        }

        // Cluster DNS: every pod resolves every pod's name, and the headless name to all five.
        Set<String> allIps = new TreeSet<>();
        release.pods().forEach(p -> allIps.add(p.ip()));
        for (SimulatedPod pod : release.pods()) {
            String hosts = Files.readString(release.hostsFile(pod));
            Set<String> headless = new TreeSet<>();
            for (String line : hosts.split("\n")) {
                String[] f = line.trim().split("\\s+");
                if (f.length >= 2 && !f[0].startsWith("#") && f[1].equals(release.headlessServiceFqdn())) {
                    headless.add(f[0]);
                }
            }
            assertThat(headless).as("%s resolves %s to", pod.name(), release.headlessServiceFqdn()).isEqualTo(allIps);
            for (SimulatedPod other : release.pods()) {
                assertThat(hosts).as("%s's hosts file", pod.name()).contains(other.ip() + " " + release.podFqdn(other));
            }
        }

        // One cluster of five voters, all reachable, one leader.
        awaitVoters(release.pods(), release.pods());
        awaitOneCluster(release.pods());
        for (SimulatedPod pod : created) {
            String log = Files.readString(pod.log());
            assertThat(log).as("%s's log", pod.name()).contains("joined the cluster through")
                    .doesNotContain("bootstrapping a new cluster");
        }
        awaitPrometheus("Prometheus: five voters everywhere, one leader", 5);

        // The new pods hold every row, and the Service sends them requests, which succeed.
        assertEveryPodHoldsTheAcknowledgedWrites(release.pods());
        Map<String, Long> sentBefore = release.service().requestsPerServer();
        Workload after5 = new Workload("five", release.serviceUrl(), ledger, Workload.Mix.MIXED, 2);
        try {
            Waits.until("the Service sending requests to the new pods", JOIN, () -> {
                Map<String, Long> sent = release.service().requestsPerServer();
                for (SimulatedPod pod : created) {
                    if (sent.getOrDefault(pod.name(), 0L) - sentBefore.getOrDefault(pod.name(), 0L) < 10) {
                        return null;
                    }
                }
                return Boolean.TRUE;
            }, () -> release.service().requestsPerServer() + " " + release.service().serverStatus());
        } finally {
            after5.close();
        }
        assertThat(after5.failures()).as("failed requests with five voters: %s", after5).isZero();
        assertThat(after5.violations()).isEmpty();
        assertEveryPodHoldsTheAcknowledgedWrites(release.pods());
    }

    @Test
    @Order(3)
    void scaleDownStopsTheHighestOrdinalsWhichCountUntilRemovedThenThreeVotersSurviveLosingOne() throws IOException {
        // A leader among the departing pods shows the hand-over on SIGTERM.
        SimulatedPod highest = release.pod("raftlite-4");
        Http.Response stepdown = Http.post(release.serviceUrl() + "/leader?wait", Http.json(Map.of("id", highest.name())));
        assertThat(stepdown.status()).as("leadership to raftlite-4: %s", stepdown.body()).isEqualTo(200);
        Waits.until("raftlite-4 leading", JOIN,
                () -> release.leader().filter(l -> l == highest).orElse(null), () -> String.valueOf(release.leader()));

        RenderedChart three = RenderedChart.render(SimulatedRelease.RELEASE, SimulatedRelease.NAMESPACE, Map.of("replicaCount", 3));
        assertThat(three.voterStatefulSet()).as("the StatefulSet after --set replicaCount=3: as installed")
                .isEqualTo(installed.voterStatefulSet());
        assertThat(configMapValue(three, BOOTSTRAP_EXPECT)).isEqualTo("3");
        List<SimulatedPod> fivePods = release.pods();
        List<SimulatedPod> remaining = fivePods.subList(0, 3);
        List<SimulatedPod> departing = fivePods.subList(3, 5);

        Workload writers = new Workload("scale-down", release.serviceUrl(), ledger, Workload.Mix.WRITES, 2);
        try {
            long started = System.nanoTime();
            Waits.until("writes acknowledged before the scale-down", JOIN,
                    () -> everyThreadAcknowledged(writers, started, 5) ? Boolean.TRUE : null, writers::toString);

            Map<String, Boolean> stopped = release.scaleDown(three);
            assertThat(stopped).as("pods deleted by the scale-down, stopped on SIGTERM within %d s",
                    release.terminationGracePeriodSeconds()).isEqualTo(Map.of("raftlite-3", true, "raftlite-4", true));
            departing.forEach(p -> assertThat(p.isAlive()).as("%s alive", p.name()).isFalse());
            assertThat(Files.readString(highest.log())).as("raftlite-4's log").containsPattern("handed leadership over to \\S+ before shutting down");
            assertThat(names(release.pods())).containsExactly("raftlite-0", "raftlite-1", "raftlite-2");

            // 3 of 5 voters run: still a majority.
            long down = System.nanoTime();
            Waits.until("writes acknowledged with 3 of 5 voters up", JOIN,
                    () -> everyThreadAcknowledged(writers, down, 5) ? Boolean.TRUE : null, writers::toString);

            // Stopped pods stay in the Raft configuration.
            awaitVoters(fivePods, remaining);
            awaitOneCluster(remaining, fivePods);

            // The documented removal, through the Service.
            for (SimulatedPod pod : List.of(departing.get(1), departing.get(0))) {
                HttpResponse<String> removed = curlRemove(pod.name());
                assertThat(removed.statusCode()).as("DELETE /remove %s through the Service: %s", pod.name(), removed.body())
                        .isEqualTo(200);
            }
            awaitVoters(remaining, remaining);
            awaitOneCluster(remaining);
            awaitPrometheus("Prometheus: three voters everywhere, one leader", 3);

            long removedAt = System.nanoTime();
            Waits.until("writes acknowledged with three voters", JOIN,
                    () -> everyThreadAcknowledged(writers, removedAt, 5) ? Boolean.TRUE : null, writers::toString);

            // With three voters, two are a majority: one more pod may go (with five, two could not go on).
            SimulatedPod leader = awaitLeader();
            SimulatedPod victim = remaining.stream().filter(p -> p != leader).reduce((a, b) -> b).orElseThrow();
            release.deletePod(victim);
            long killed = System.nanoTime();
            Waits.until("writes acknowledged with 2 of 3 voters up after kill -9 of " + victim.name(), JOIN,
                    () -> everyThreadAcknowledged(writers, killed, 10) ? Boolean.TRUE : null, writers::toString);
            List<SimulatedPod> up = remaining.stream().filter(p -> p != victim).toList();
            awaitVoters(remaining, up);

            // The killed pod comes back (same name, volume and address) and catches up.
            release.recreatePod(victim, victim.ip());
            long back = System.nanoTime();
            Waits.until("writes acknowledged after " + victim.name() + " came back", JOIN,
                    () -> everyThreadAcknowledged(writers, back, 5) ? Boolean.TRUE : null, writers::toString);
        } finally {
            writers.close();
        }
        System.out.println("writes during the scale-down: " + writers);
        assertThat(writers.violations()).as("read-your-writes while scaling down").isEmpty();

        awaitVoters(remaining, remaining);
        awaitOneCluster(remaining);
        assertEveryPodHoldsTheAcknowledgedWrites(remaining);
        assertThat(ledger.acknowledgedCount()).as("acknowledged writes over the whole test").isGreaterThan(200);
    }

    // --- the cluster as the pods see it

    /**
     * Waits until the leader's {@code /nodes} lists exactly {@code members} as voters (by ID and advertised
     * Raft address), of which exactly {@code reachable} are reachable.
     */
    private static void awaitVoters(List<SimulatedPod> members, List<SimulatedPod> reachable) {
        Map<String, String> expected = new TreeMap<>();
        members.forEach(p -> expected.put(p.name(), raftAddress(p)));
        Set<String> expectedReachable = new TreeSet<>(names(reachable));
        String what = "/nodes on the leader: voters " + expected.keySet() + ", reachable " + expectedReachable;
        Waits.until(what, JOIN, () -> {
            SimulatedPod leader = release.leader().orElse(null);
            if (leader == null) {
                return null;
            }
            JsonNode nodes = Http.get(release.podUrl(leader, "/nodes?timeout=2s")).json();
            Map<String, String> voters = new TreeMap<>();
            Set<String> up = new TreeSet<>();
            nodes.fields().forEachRemaining(e -> {
                if (e.getValue().path("voter").asBoolean()) {
                    voters.put(e.getKey(), e.getValue().path("addr").asText());
                }
                if (e.getValue().path("reachable").asBoolean()) {
                    up.add(e.getKey());
                }
            });
            return voters.equals(expected) && nodes.size() == expected.size() && up.equals(expectedReachable) ? Boolean.TRUE : null;
        }, () -> release.leader().map(l -> Http.get(release.podUrl(l, "/nodes?timeout=2s")).body()).orElse("no single leader"));
    }

    private static void awaitOneCluster(List<SimulatedPod> pods) {
        awaitOneCluster(pods, pods);
    }

    /**
     * Waits until every pod in {@code asked} tells the same story ({@code /status} and
     * {@code /actuator/prometheus}): the same leader, which is one of them and the only one in state
     * Leader, the same term, the configuration {@code voters} (by address), {@code num_peers} one less
     * and {@code raftlite_raft_peers} equal to it. A second cluster would show as a second leader, a
     * different term or configuration.
     */
    private static void awaitOneCluster(List<SimulatedPod> asked, List<SimulatedPod> voters) {
        Set<String> expected = new TreeSet<>();
        voters.forEach(p -> expected.add(raftAddress(p)));
        Map<String, String> seen = new TreeMap<>();
        Waits.until("one cluster of " + names(voters) + " as " + names(asked) + " see it", JOIN, () -> {
            seen.clear();
            Set<String> leaders = new TreeSet<>();
            Set<Long> terms = new TreeSet<>();
            List<String> leading = new ArrayList<>();
            boolean agree = true;
            for (SimulatedPod pod : asked) {
                JsonNode s = Http.get(release.podUrl(pod, "/status")).json().path("store");
                Set<String> config = new TreeSet<>();
                for (JsonNode n : s.path("nodes")) {
                    config.add(n.path("addr").asText() + "/" + n.path("suffrage").asText());
                }
                double gauge = peersGauge(pod);
                long numPeers = s.at("/raft/num_peers").asLong(-1);
                seen.put(pod.name(), "leader " + s.at("/leader/addr").asText() + " term " + s.at("/raft/term").asLong()
                        + " state " + s.at("/raft/state").asText() + " config " + config + " num_peers " + numPeers
                        + " raftlite_raft_peers " + gauge);
                leaders.add(s.at("/leader/addr").asText());
                terms.add(s.at("/raft/term").asLong());
                if (s.at("/raft/state").asText().equals("Leader")) {
                    leading.add(raftAddress(pod));
                }
                Set<String> expectedConfig = new TreeSet<>();
                expected.forEach(a -> expectedConfig.add(a + "/voter"));
                agree &= config.equals(expectedConfig) && numPeers == expected.size() - 1 && gauge == expected.size();
            }
            return agree && leaders.size() == 1 && terms.size() == 1 && leading.size() == 1
                    && leaders.contains(leading.get(0)) ? Boolean.TRUE : null;
        }, seen::toString);
    }

    /** Prometheus, scraping the current pods: each reports {@code voters} peers, and exactly one leads. */
    private static void awaitPrometheus(String what, int voters) {
        PrometheusServer prom = release.prometheus();
        int scraped = release.pods().size();
        Waits.until(what, JOIN, () -> {
            Double count = prom.value("count(raftlite_raft_peers)");
            Double min = prom.value("min(raftlite_raft_peers)");
            Double max = prom.value("max(raftlite_raft_peers)");
            Double leaders = prom.value("sum(raftlite_raft_leader)");
            return count != null && count == scraped && min != null && min == voters && max != null && max == voters
                    && leaders != null && leaders == 1.0 ? Boolean.TRUE : null;
        }, () -> "raftlite_raft_peers = " + prom.query("raftlite_raft_peers") + "; raftlite_raft_leader = "
                + prom.query("raftlite_raft_leader"));
    }

    /** {@code raftlite_raft_peers} as the pod exposes it to Prometheus. */
    private static double peersGauge(SimulatedPod pod) {
        String text = Http.get(release.podUrl(pod, "/actuator/prometheus")).body();
        Matcher m = PEERS_GAUGE.matcher(text);
        if (!m.find()) {
            throw new IllegalStateException(pod.name() + " exposes no raftlite_raft_peers");
        }
        return Double.parseDouble(m.group(1));
    }

    /**
     * The documented removal, {@code curl -XDELETE http://<service>:4001/remove -d '{"id":"..."}'}: with
     * {@code -d}, curl sends the body as {@code application/x-www-form-urlencoded}.
     */
    private static HttpResponse<String> curlRemove(String id) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(release.serviceUrl() + "/remove"))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .method("DELETE", HttpRequest.BodyPublishers.ofString(Http.json(Map.of("id", id))))
                .build();
        try {
            return CURL.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException("DELETE /remove " + id + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    // --- rows

    /**
     * Waits until every pod has applied everything the leader had committed, then reads each pod
     * directly ({@code level=none}): every acknowledged write exactly once, nothing unknown, the same
     * rows on every pod.
     */
    private static void assertEveryPodHoldsTheAcknowledgedWrites(List<SimulatedPod> pods) {
        SimulatedPod leader = awaitLeader();
        long commit = Http.get(release.podUrl(leader, "/status")).json().at("/store/raft/commit_index").asLong();
        Map<String, Map<String, Integer>> rowsByPod = new TreeMap<>();
        for (SimulatedPod pod : pods) {
            Waits.until(pod.name() + " applied index >= " + commit, JOIN,
                    () -> release.appliedIndex(pod) >= commit ? Boolean.TRUE : null, () -> "applied " + release.appliedIndex(pod));
            Map<String, Integer> rows = release.rowsOn(pod);
            assertThat(ledger.problems(rows)).as("rows on %s (%d rows, %d writes acknowledged)", pod.name(), rows.size(),
                    ledger.acknowledgedCount()).isEmpty();
            rowsByPod.put(pod.name(), rows);
        }
        Map<String, Integer> reference = rowsByPod.values().iterator().next();
        rowsByPod.forEach((name, rows) -> assertThat(rows).as("rows on %s equal to the others", name).isEqualTo(reference));
    }

    // --- small things

    private static SimulatedPod awaitLeader() {
        return Waits.until("exactly one pod leading", JOIN, () -> release.leader().orElse(null), () -> "none");
    }

    private static boolean everyThreadAcknowledged(Workload w, long since, int atLeast) {
        for (int t = 0; t < w.threads(); t++) {
            if (w.acknowledgedSince(t, since) < atLeast) {
                return false;
            }
        }
        return true;
    }

    private static String raftAddress(SimulatedPod pod) {
        return release.podFqdn(pod) + ":" + release.raftPort();
    }

    private static int ordinal(SimulatedPod pod) {
        return Integer.parseInt(pod.name().substring(pod.name().lastIndexOf('-') + 1));
    }

    private static List<String> names(List<SimulatedPod> pods) {
        return pods.stream().map(SimulatedPod::name).toList();
    }

    /** The value under {@code key} in the ConfigMap the voter pods read {@code key} from. */
    private static String configMapValue(RenderedChart chart, String key) {
        for (JsonNode e : chart.voterStatefulSet().at("/spec/template/spec/containers/0/env")) {
            JsonNode ref = e.at("/valueFrom/configMapKeyRef");
            if (ref.path("key").asText().equals(key)) {
                return chart.configMapData(ref.path("name").asText()).get(key);
            }
        }
        throw new AssertionError("no container env reads " + key + " from a ConfigMap");
    }

    private static JsonNode withoutReplicas(JsonNode statefulSet) {
        ObjectNode copy = statefulSet.deepCopy();
        ((ObjectNode) copy.path("spec")).remove("replicas");
        return copy;
    }

    /** Prints every log's tail, the departed pods' included, when a test fails. */
    static final class LogsOnFailure implements TestWatcher {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            if (release != null) {
                System.out.println("==== " + context.getDisplayName() + " failed: " + cause);
                System.out.println(release.diagnostics());
            }
        }
    }
}
