package io.raftlite.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportTest {

    private static RunResult run(long ok, long errors, long p50Nanos, String firstError) {
        LatencyHistogram h = new LatencyHistogram();
        for (int i = 0; i < ok; i++) {
            h.record(p50Nanos);
        }
        return new RunResult(ok, errors, 0, 2_000_000_000L, 1, h, 4_000_000, 100_000, List.of(204_800L, 102_400L),
                -1, firstError);
    }

    @Test
    @SuppressWarnings("unchecked")
    void jsonHasTargetParamsResultsRepsAndMedians() {
        Target target = new Target("raftlite", Protocol.forName("raftlite"), "127.0.0.1", 4001, List.of(11, 12));
        Report report = new Report(target, Map.of("duration_s", 2.0, "reps", 3));
        report.add(new Report.Entry(Workload.WRITE, 32, "POST /db/execute [INSERT]", null,
                List.of(run(1000, 0, 1_000_000, null), run(3000, 2, 3_000_000, "500 boom \"quoted\"\n"),
                        run(2000, 0, 2_000_000, null))));
        report.add(new Report.Entry(Workload.QUEUED, 1, "n/a", "no queued write", List.of()));

        Map<String, Object> doc = (Map<String, Object>) MiniJsonParser.parse(report.json());
        assertThat(doc).containsKeys("tool", "target", "params", "prefill", "results");
        assertThat(doc.get("tool")).isEqualTo("raftlite-bench");
        Map<String, Object> t = (Map<String, Object>) doc.get("target");
        assertThat(t).containsEntry("system", "raftlite").containsEntry("url", "http://127.0.0.1:4001");
        assertThat((List<Object>) t.get("pids")).containsExactly(11.0, 12.0);

        List<Map<String, Object>> results = (List<Map<String, Object>>) doc.get("results");
        assertThat(results).hasSize(2);
        Map<String, Object> write = results.get(0);
        assertThat(write).containsEntry("workload", "write").containsEntry("clients", 32.0)
                .containsEntry("supported", true);
        List<Map<String, Object>> reps = (List<Map<String, Object>>) write.get("reps");
        assertThat(reps).hasSize(3);
        assertThat(reps.get(0)).containsKeys("ops", "errors", "ops_per_s", "statements_per_s", "p50_ms", "p99_ms",
                "p999_ms", "max_ms", "server_cpu_us_per_op", "client_cpu_us_per_op", "server_rss_kib", "first_error");
        assertThat(reps.get(1).get("first_error")).isEqualTo("500 boom \"quoted\"\n");
        Map<String, Object> median = (Map<String, Object>) write.get("median");
        assertThat(median.get("ops_per_s")).isEqualTo(1000.0); // 2000 ops / 2 s is the middle one
        assertThat((Double) median.get("p50_ms")).isBetween(1.98, 2.02);
        assertThat(median.get("server_cpu_us_per_op")).isEqualTo(2000.0); // 4 s CPU / 2000 ops
        assertThat(median.get("server_rss_mib_total")).isEqualTo(300.0);

        Map<String, Object> queued = results.get(1);
        assertThat(queued).containsEntry("supported", false).containsEntry("reason", "no queued write")
                .doesNotContainKey("reps");
    }

    @Test
    void tableShowsRepsMedianNotApplicableAndFirstErrors() {
        Target target = new Target("etcd", Protocol.forName("etcd"), "127.0.0.1", 2379, List.of());
        Report report = new Report(target, Map.of());
        report.add(new Report.Entry(Workload.READ_WEAK, 1, "POST /v3/kv/range", null,
                List.of(run(100, 1, 500_000, "503 no leader"), run(300, 0, 500_000, null))));
        report.add(new Report.Entry(Workload.BATCH, 1, "n/a", "no multi-statement SQL request", List.of()));
        String table = report.table();
        assertThat(table).contains("ops/s", "p50 ms", "p99 ms", "p999 ms", "srvCPU/op");
        assertThat(table).contains("median");
        assertThat(table).contains("n/a: no multi-statement SQL request");
        assertThat(table).contains("1 errors, first: 503 no leader");
        assertThat(table.lines().filter(l -> l.startsWith("etcd")).count()).isEqualTo(4);
    }

    @Test
    void numbersAreWrittenPlainly() {
        assertThat(Json.number(1234.0)).isEqualTo("1234");
        assertThat(Json.number(1234.56789)).isEqualTo("1234.568");
        assertThat(Json.number(0.000123456)).isEqualTo("0.0001235");
        assertThat(Json.write(Map.of("x", Double.NaN))).isEqualTo("{\"x\":null}");
        assertThat(Json.quote("a\"b\\c\u0001")).isEqualTo("\"a\\\"b\\\\c\\u0001\"");
    }
}
