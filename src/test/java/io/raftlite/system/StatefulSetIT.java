package io.raftlite.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
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
 * The chart's StatefulSet on one machine (see {@link SimulatedRelease}): a mixed workload through the
 * Service reaches every pod; the leader pod is killed under write load and the Service keeps taking
 * writes after failover without losing an acknowledged one; the pod comes back under its name at a
 * new address and rejoins; a rolling update under load loses nothing either. Prometheus, configured
 * from the pods' annotations and loaded with the chart's alert rules, sees all of it, and the alert
 * conditions hold when, and only when, they should. The tests share one release and run in order:
 * the later ones continue the story of the earlier ones.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(StatefulSetIT.LogsOnFailure.class)
class StatefulSetIT {
    private static final Duration CONVERGENCE = Duration.ofSeconds(60);

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path dir;

    private static SimulatedRelease release;
    private static final WriteLedger ledger = new WriteLedger();
    /** The pod the failover test deleted; the rejoin test recreates it. */
    private static SimulatedPod deleted;

    @BeforeAll
    static void install() {
        long start = System.nanoTime();
        release = SimulatedRelease.install(dir);
        System.out.printf("release installed and ready in %d ms%n", (System.nanoTime() - start) / 1_000_000);
    }

    @AfterAll
    static void uninstall() {
        if (release != null) {
            long start = System.nanoTime();
            release.close();
            System.out.printf("release uninstalled in %d ms%n", (System.nanoTime() - start) / 1_000_000);
        }
    }

    @Test
    @Order(1)
    void mixedWorkloadThroughTheServiceReachesEveryPod() {
        Http.Response created = Http.post(release.serviceUrl() + "/db/execute", Http.json(List.of(Workload.CREATE_TABLE)));
        assertThat(created.status()).as("CREATE TABLE through the Service: %s", created.body()).isEqualTo(200);
        assertThat(created.json().at("/results/0").has("error")).as(created.body()).isFalse();
        // The workload reads at level=none too, which any pod answers from its own copy: a pod that has
        // not applied the CREATE TABLE yet would rightly answer "no such table".
        awaitEveryPodApplied(release.pods());

        Map<String, Long> before = release.service().requestsPerServer();
        Workload workload = new Workload("mixed", release.serviceUrl(), ledger, Workload.Mix.MIXED, 3);
        try {
            runFor(Duration.ofSeconds(6), workload, 200);
        } finally {
            workload.close();
        }
        assertThat(workload.failures()).as("failed requests in a healthy cluster: %s", workload).isZero();
        assertThat(workload.violations()).as("read-your-writes").isEmpty();
        assertThat(ledger.acknowledgedCount()).as("acknowledged writes").isGreaterThanOrEqualTo(200);

        Map<String, Long> after = release.service().requestsPerServer();
        for (SimulatedPod pod : release.pods()) {
            assertThat(after.get(pod.name()) - before.getOrDefault(pod.name(), 0L))
                    .as("requests the Service sent to %s (round robin): before %s, after %s", pod.name(), before, after)
                    .isPositive();
        }
        assertEveryPodHoldsTheAcknowledgedWrites(release.pods());
    }

    @Test
    @Order(2)
    void prometheusScrapesEveryPodAsAnnotated() {
        Tools.Result check = release.prometheus().checkConfig();
        assertThat(check.exitCode()).as("promtool check config (with the chart's rule file):\n%s", check.output()).isZero();

        PrometheusServer prom = release.prometheus();
        Set<String> addresses = new TreeSet<>();
        release.pods().forEach(p -> addresses.add(p.ip() + ":" + release.httpPort()));
        Waits.until("every pod scraped and up", Duration.ofSeconds(30),
                () -> prom.activeTargets().keySet().equals(addresses) && prom.activeTargets().values().stream().allMatch("up"::equals)
                        ? Boolean.TRUE : null,
                () -> prom.activeTargets().toString());
        JsonNode up = prom.query("up");
        assertThat(up).as("up: %s", up).hasSize(release.pods().size());
        Set<String> scrapedPods = new TreeSet<>();
        up.forEach(s -> scrapedPods.add(s.at("/metric/pod").asText()));
        assertThat(scrapedPods).containsExactlyInAnyOrderElementsOf(release.pods().stream().map(SimulatedPod::name).toList());

        String leader = awaitLeader().name();
        awaitSingleLeaderInPrometheus(leader, release.pods().size());

        Workload load = new Workload("metrics", release.serviceUrl(), ledger, Workload.Mix.MIXED, 1);
        try {
            String requests = "sum(raftlite_http_requests_seconds_count)";
            double first = Waits.until(requests, Duration.ofSeconds(20), () -> prom.value(requests), () -> "no sample");
            double later = Waits.until(requests + " increasing while requests run", Duration.ofSeconds(20),
                    () -> {
                        Double v = prom.value(requests);
                        return v != null && v > first ? v : null;
                    }, () -> requests + " = " + prom.query(requests));
            assertThat(later).isGreaterThan(first);
            String executes = "sum(rate(raftlite_http_requests_seconds_count{endpoint=\"execute\"}[5s]))";
            Waits.until(executes + " > 0", Duration.ofSeconds(20), () -> {
                Double v = prom.value(executes);
                return v != null && v > 0 ? v : null;
            }, () -> prom.query(executes).toString());
        } finally {
            load.close();
        }
        assertThat(load.failures()).as("%s", load).isZero();
    }

    @Test
    @Order(3)
    void dashboardAndAlertRulesFitTheRealMetrics() {
        Set<String> names = new TreeSet<>();
        RenderedChart.chartFile("files/dashboard.json").ifPresent(p -> names.addAll(MetricReferences.inDashboard(p)));
        RenderedChart.chartFile("files/alerts.yaml").ifPresent(p -> names.addAll(MetricReferences.inRuleFile(p)));
        assumeTrue(!names.isEmpty(), "the chart has no dashboard and no alert rules yet");
        System.out.println("metrics the dashboard and the alert rules use: " + names);

        PrometheusServer prom = release.prometheus();
        Map<String, Boolean> present = new TreeMap<>();
        Waits.until("every metric of the dashboard and the alert rules in Prometheus", Duration.ofSeconds(20), () -> {
            for (String name : names) {
                present.put(name, prom.value("count({__name__=\"" + name + "\"})") != null);
            }
            return present.containsValue(false) ? null : Boolean.TRUE;
        }, () -> "missing: " + present.entrySet().stream().filter(e -> !e.getValue()).map(Map.Entry::getKey).toList());

        if (!alertExpressions().isEmpty()) {
            // Every rule evaluates against the real series without error ...
            Waits.until("every alert rule evaluated without error", Duration.ofSeconds(20), () -> {
                List<String> unhealthy = unhealthyRules(prom);
                return unhealthy.isEmpty() ? Boolean.TRUE : null;
            }, () -> unhealthyRules(prom).toString());
            // ... and, the cluster being healthy, no alert's condition holds (no false alarm).
            Waits.until("no alert condition true in a healthy cluster", Duration.ofSeconds(20),
                    () -> alertsWhoseConditionHolds(prom).isEmpty() ? Boolean.TRUE : null,
                    () -> alertsWhoseConditionHolds(prom).toString());
        }
    }

    @Test
    @Order(4)
    void leaderPodKilledUnderLoadServiceKeepsTakingWritesAndLosesNone() {
        SimulatedPod leader = awaitLeader();
        Workload writers = new Workload("failover", release.serviceUrl(), ledger, Workload.Mix.WRITES, 3);
        long killedAt;
        long failoverMillis;
        try {
            long started = System.nanoTime();
            Waits.until("writes acknowledged before the kill", Duration.ofSeconds(30),
                    () -> everyThreadAcknowledged(writers, started, 5) ? Boolean.TRUE : null, writers::toString);

            killedAt = System.nanoTime();
            release.deletePod(leader);
            deleted = leader;

            Waits.until("every writer's writes acknowledged again after the leader pod was killed", Duration.ofSeconds(45),
                    () -> everyThreadAcknowledged(writers, killedAt, 5) ? Boolean.TRUE : null, writers::toString);
            failoverMillis = (System.nanoTime() - killedAt) / 1_000_000;
            runFor(Duration.ofSeconds(2), writers, 0);
        } finally {
            writers.close();
        }
        System.out.printf("failover: writes acknowledged again %d ms after the leader pod was killed; %s%n", failoverMillis, writers);
        assertThat(writers.violations()).as("read-your-writes across the failover").isEmpty();

        List<SimulatedPod> survivors = release.pods().stream().filter(p -> p != leader).toList();
        SimulatedPod newLeader = awaitLeader();
        assertThat(newLeader).isNotSameAs(leader);
        assertEveryPodHoldsTheAcknowledgedWrites(survivors);

        PrometheusServer prom = release.prometheus();
        Waits.until("Prometheus sees the killed pod down", Duration.ofSeconds(30),
                () -> Double.valueOf(0).equals(prom.value("up{pod=\"" + leader.name() + "\"}")) ? Boolean.TRUE : null,
                () -> prom.query("up").toString());
        awaitSingleLeaderInPrometheus(newLeader.name(), survivors.size());

        // The chart's alert for a node that is down selects the killed pod (its "for" is not waited out).
        String nodeDown = alertExpressions().get("RaftliteNodeDown");
        if (nodeDown != null) {
            Waits.until("RaftliteNodeDown's condition true for " + leader.name(), Duration.ofSeconds(30), () -> {
                for (JsonNode series : prom.query(nodeDown)) {
                    if (series.at("/metric/pod").asText().equals(leader.name())) {
                        return Boolean.TRUE;
                    }
                }
                return null;
            }, () -> nodeDown + " = " + prom.query(nodeDown) + "; up = " + prom.query("up"));
        }
    }

    @Test
    @Order(5)
    void killedPodComesBackUnderItsNameAtANewAddressAndRejoins() {
        assumeTrue(deleted != null, "runs after the failover test, which deletes the leader pod");
        SimulatedPod pod = deleted;
        String oldIp = pod.ip();
        String newIp = "127.0.0." + (release.pods().size() + 1);
        release.recreatePod(pod, newIp);
        assertThat(pod.ip()).isEqualTo(newIp).isNotEqualTo(oldIp);

        // The leader knows it under its DNS name and reaches it at the new address.
        String raftAddr = release.podFqdn(pod) + ":" + release.raftPort();
        Waits.until("the leader reaching " + pod.name() + " at " + raftAddr, Duration.ofSeconds(60), () -> {
            SimulatedPod leader = release.leader().orElse(null);
            if (leader == null) {
                return null;
            }
            JsonNode nodes = Http.get(release.podUrl(leader, "/nodes")).json();
            JsonNode self = nodes.path(pod.name());
            return nodes.size() == release.pods().size() && self.path("addr").asText().equals(raftAddr)
                    && self.path("reachable").asBoolean() ? Boolean.TRUE : null;
        }, () -> release.leader().map(l -> Http.get(release.podUrl(l, "/nodes")).body()).orElse("no leader"));

        // A write through the returned pod itself goes to the leader (which it finds by DNS name).
        String key = "rejoin-direct-0";
        Http.Response direct = Http.post(release.podUrl(pod, "/db/execute"),
                Http.json(List.of(List.of("INSERT INTO events(k, writer, note) VALUES(?, ?, ?)", key, 0, "direct"))));
        assertThat(direct.status()).as("write through the returned pod: %s", direct.body()).isEqualTo(200);
        assertThat(direct.json().at("/results/0").has("error")).as(direct.body()).isFalse();
        ledger.acknowledge(key);

        // It caught up: every acknowledged write, including those made while it was gone.
        assertEveryPodHoldsTheAcknowledgedWrites(release.pods());

        // The Service routes to it at its new address.
        release.updateServiceEndpoints();
        Waits.until("the Service routing to " + pod.name() + " again", Duration.ofSeconds(30),
                () -> release.service().serverStatus().getOrDefault(pod.name(), "").startsWith("UP") ? Boolean.TRUE : null,
                () -> release.service().serverStatus().toString());
        String count = "/db/query?level=none&q=" + Http.encode("SELECT COUNT(*) FROM events");
        Http.Response viaPod = Waits.until("a request the Service hands to " + pod.name(), Duration.ofSeconds(30), () -> {
            Http.Response r = Http.get(release.serviceUrl() + count);
            return pod.name().equals(r.header(ServiceProxy.ENDPOINT_HEADER)) ? r : null;
        }, () -> release.service().requestsPerServer().toString());
        assertThat(viaPod.status()).as(viaPod.body()).isEqualTo(200);
        assertThat(viaPod.header("X-RQLITE-SERVED-BY")).isEqualTo(release.podFqdn(pod) + ":" + release.httpPort());
        assertThat(viaPod.json().at("/results/0/values/0/0").asLong()).isEqualTo(totalRows(release.pods().get(0)));

        // Prometheus follows it to the new address; still exactly one leader.
        release.updateScrapeTargets();
        PrometheusServer prom = release.prometheus();
        Waits.until(pod.name() + " scraped at " + newIp, Duration.ofSeconds(30),
                () -> "up".equals(prom.activeTargets().get(newIp + ":" + release.httpPort())) ? Boolean.TRUE : null,
                () -> prom.activeTargets().toString());
        awaitSingleLeaderInPrometheus(awaitLeader().name(), release.pods().size());
    }

    /**
     * {@code helm upgrade} with a changed pod template: the StatefulSet's rolling update deletes the
     * pods one at a time from the highest ordinal down (SIGTERM, at most
     * {@code terminationGracePeriodSeconds}) and waits for each to be recreated and ready before the
     * next. Writers through the Service keep being acknowledged throughout, and none is lost.
     */
    @Test
    @Order(6)
    void rollingUpdateUnderLoadLosesNoWrite() {
        Workload writers = new Workload("rolling", release.serviceUrl(), ledger, Workload.Mix.WRITES, 2);
        try {
            List<SimulatedPod> pods = new ArrayList<>(release.pods());
            java.util.Collections.reverse(pods);
            for (SimulatedPod pod : pods) {
                assertThat(release.terminatePod(pod)).as("%s stopped on SIGTERM within terminationGracePeriodSeconds (%d s)",
                        pod.name(), release.terminationGracePeriodSeconds()).isTrue();
                release.recreatePod(pod, pod.ip());
                long ready = System.nanoTime();
                Waits.until("writes acknowledged after " + pod.name() + " came back", Duration.ofSeconds(45),
                        () -> everyThreadAcknowledged(writers, ready, 3) ? Boolean.TRUE : null, writers::toString);
            }
        } finally {
            writers.close();
        }
        System.out.println("rolling update: " + writers);
        assertThat(writers.violations()).as("read-your-writes during the rolling update").isEmpty();
        assertEveryPodHoldsTheAcknowledgedWrites(release.pods());
        awaitSingleLeaderInPrometheus(awaitLeader().name(), release.pods().size());
    }

    // --- helpers

    /** Lets a workload run for {@code duration}, and at least until it has {@code minAcks} acknowledged writes. */
    private static void runFor(Duration duration, Workload workload, int minAcks) {
        long until = System.nanoTime() + duration.toNanos();
        Waits.until("the workload's run", duration.plusSeconds(60),
                () -> System.nanoTime() > until && ledger.acknowledgedCount() >= minAcks ? Boolean.TRUE : null, workload::toString);
    }

    /** The pod that says it is the leader, once exactly one does. */
    private static SimulatedPod awaitLeader() {
        return Waits.until("exactly one pod leading", Duration.ofSeconds(30), () -> release.leader().orElse(null), () -> "none");
    }

    private static boolean everyThreadAcknowledged(Workload w, long since, int atLeast) {
        for (int t = 0; t < w.threads(); t++) {
            if (w.acknowledgedSince(t, since) < atLeast) {
                return false;
            }
        }
        return true;
    }

    /**
     * Waits until every pod has applied everything the leader had committed, then reads each pod
     * directly ({@code level=none}): every acknowledged write exactly once, nothing unknown, and
     * the same rows on every pod.
     */
    private static void assertEveryPodHoldsTheAcknowledgedWrites(List<SimulatedPod> pods) {
        awaitEveryPodApplied(pods);
        Map<String, Map<String, Integer>> rowsByPod = new TreeMap<>();
        for (SimulatedPod pod : pods) {
            Map<String, Integer> rows = release.rowsOn(pod);
            assertThat(ledger.problems(rows)).as("rows on %s (%d rows, %d writes acknowledged)", pod.name(), rows.size(),
                    ledger.acknowledgedCount()).isEmpty();
            rowsByPod.put(pod.name(), rows);
        }
        Map<String, Integer> reference = rowsByPod.values().iterator().next();
        rowsByPod.forEach((name, rows) -> assertThat(rows).as("rows on %s equal to the others", name).isEqualTo(reference));
    }

    /** Waits until every pod has applied everything the leader has committed now. */
    private static void awaitEveryPodApplied(List<SimulatedPod> pods) {
        SimulatedPod leader = awaitLeader();
        long commit = Http.get(release.podUrl(leader, "/status")).json().at("/store/raft/commit_index").asLong();
        for (SimulatedPod pod : pods) {
            Waits.until(pod.name() + " applied index >= " + commit, CONVERGENCE,
                    () -> release.appliedIndex(pod) >= commit ? Boolean.TRUE : null, () -> "applied " + release.appliedIndex(pod));
        }
    }

    private static long totalRows(SimulatedPod pod) {
        return release.rowsOn(pod).values().stream().mapToLong(Integer::longValue).sum();
    }

    /** Exactly one pod reports {@code raftlite_raft_leader 1} (and it is {@code leader}), over {@code scraped} live series. */
    private static void awaitSingleLeaderInPrometheus(String leader, int scraped) {
        PrometheusServer prom = release.prometheus();
        Waits.until("Prometheus: exactly one leader, " + leader, Duration.ofSeconds(30), () -> {
            JsonNode leaders = prom.query("raftlite_raft_leader == 1");
            Double sum = prom.value("sum(raftlite_raft_leader)");
            Double series = prom.value("count(raftlite_raft_leader)");
            return sum != null && sum == 1.0 && series != null && series == scraped && leaders.size() == 1
                    && leaders.get(0).at("/metric/pod").asText().equals(leader) ? Boolean.TRUE : null;
        }, () -> "raftlite_raft_leader = " + prom.query("raftlite_raft_leader"));
    }

    /** The chart's alert rules: alert name -> expression (empty if the chart has none). */
    private static Map<String, String> alertExpressions() {
        Map<String, String> alerts = new TreeMap<>();
        RenderedChart.chartFile("files/alerts.yaml").ifPresent(p -> {
            try {
                for (JsonNode group : new YAMLMapper().readTree(p.toFile()).path("groups")) {
                    for (JsonNode rule : group.path("rules")) {
                        if (rule.has("alert")) {
                            alerts.put(rule.path("alert").asText(), rule.path("expr").asText());
                        }
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        return alerts;
    }

    /** Alerts whose expression returns series right now, with those series. */
    private static Map<String, String> alertsWhoseConditionHolds(PrometheusServer prom) {
        Map<String, String> holding = new TreeMap<>();
        alertExpressions().forEach((name, expr) -> {
            JsonNode result = prom.query(expr);
            if (result.size() > 0) {
                holding.put(name, result.toString());
            }
        });
        return holding;
    }

    private static List<String> unhealthyRules(PrometheusServer prom) {
        List<String> out = new ArrayList<>();
        JsonNode groups = Http.get(prom.url("/api/v1/rules")).json().at("/data/groups");
        if (groups.size() == 0) {
            out.add("no rule groups loaded");
        }
        for (JsonNode g : groups) {
            for (JsonNode r : g.path("rules")) {
                if (!"ok".equals(r.path("health").asText())) {
                    out.add(r.path("name").asText() + ": " + r.path("health").asText() + " " + r.path("lastError").asText());
                }
            }
        }
        return out;
    }

    /** Prints every log's tail when a test fails. */
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
