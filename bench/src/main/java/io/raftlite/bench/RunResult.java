package io.raftlite.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The outcome of one measured run. Throughput and latency count successful requests only;
 * errors are counted apart. CPU figures are per successful request.
 *
 * @param serverCpuMicros    CPU time the server processes used during the run (-1: no pids given)
 * @param clientCpuMicros    CPU time this load generator used during the run
 * @param serverRssKib       VmRSS of each server process right after the run (metrics: their sum, MiB)
 * @param drainMillis        queued writes only: time until all were durable after the run, else -1
 */
public record RunResult(long ok, long errors, long retries, long elapsedNanos, int statementsPerRequest,
                        LatencyHistogram latency, long serverCpuMicros, long clientCpuMicros,
                        List<Long> serverRssKib, double drainMillis, String firstError) {

    public double seconds() {
        return elapsedNanos / 1e9;
    }

    public double opsPerSecond() {
        return elapsedNanos == 0 ? 0 : ok / seconds();
    }

    /** The numbers of the run, in report order; the keys are the JSON names. */
    public Map<String, Double> metrics() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("ops", (double) ok);
        m.put("errors", (double) errors);
        m.put("retries", (double) retries);
        m.put("seconds", seconds());
        m.put("ops_per_s", opsPerSecond());
        m.put("statements_per_s", opsPerSecond() * statementsPerRequest);
        m.put("p50_ms", latency.percentile(50) / 1e6);
        m.put("p99_ms", latency.percentile(99) / 1e6);
        m.put("p999_ms", latency.percentile(99.9) / 1e6);
        m.put("max_ms", latency.max() / 1e6);
        m.put("mean_ms", latency.mean() / 1e6);
        m.put("server_cpu_us_per_op", serverCpuMicros < 0 || ok == 0 ? Double.NaN : (double) serverCpuMicros / ok);
        m.put("client_cpu_us_per_op", ok == 0 ? Double.NaN : (double) clientCpuMicros / ok);
        long rss = serverRssKib.stream().filter(x -> x >= 0).mapToLong(Long::longValue).sum();
        m.put("server_rss_mib_total", serverRssKib.isEmpty() ? Double.NaN : rss / 1024.0);
        m.put("queue_drain_ms", drainMillis);
        return m;
    }

    /** Each metric's median over the runs (the mean of the middle two for an even count). */
    public static Map<String, Double> medians(List<RunResult> runs) {
        Map<String, Double> out = new LinkedHashMap<>();
        if (runs.isEmpty()) {
            return out;
        }
        List<Map<String, Double>> all = new ArrayList<>();
        for (RunResult r : runs) {
            all.add(r.metrics());
        }
        for (String key : all.get(0).keySet()) {
            double[] v = all.stream().mapToDouble(x -> x.get(key)).filter(Double::isFinite).toArray();
            out.put(key, median(v));
        }
        return out;
    }

    static double median(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }
}
