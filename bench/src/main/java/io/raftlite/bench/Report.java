package io.raftlite.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The results of one invocation: a fixed-width table for people and a JSON document for scripts
 * (bench/compare.py reads it). One entry per (workload, clients); each holds its repetitions and,
 * for a supported workload, the median of every metric over them.
 */
public final class Report {

    /** One (workload, clients) cell. {@code unsupported} is the reason it is n/a, else null. */
    public record Entry(Workload workload, int clients, String request, String unsupported, List<RunResult> reps) {

        public Entry {
            reps = List.copyOf(reps);
        }

        public Map<String, Double> median() {
            return RunResult.medians(reps);
        }
    }

    private final Target target;
    private final Map<String, Object> params;
    private final List<Entry> entries = new ArrayList<>();
    private Map<String, Object> prefill;

    public Report(Target target, Map<String, Object> params) {
        this.target = target;
        this.params = new LinkedHashMap<>(params);
    }

    public void add(Entry entry) {
        entries.add(entry);
    }

    public List<Entry> entries() {
        return List.copyOf(entries);
    }

    public void prefill(long keys, RunResult result) {
        prefill = new LinkedHashMap<>();
        prefill.put("keys", keys);
        prefill.put("ok", result.ok());
        prefill.put("errors", result.errors());
        prefill.put("seconds", result.seconds());
        prefill.put("first_error", result.firstError());
    }

    private static final String HEADER_FORMAT = "%-9s %-17s %7s %6s %9s %9s %8s %8s %8s %8s %10s %10s %7s %7s%n";
    private static final String ROW_FORMAT = "%-9s %-17s %7d %6s %9s %9s %8s %8s %8s %8s %10s %10s %7d %7d%n";

    public String table() {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, HEADER_FORMAT, "system", "workload", "clients", "rep", "ops/s", "stmts/s",
                "p50 ms", "p99 ms", "p999 ms", "max ms", "srvCPU/op", "cliCPU/op", "errors", "retries"));
        List<String> notes = new ArrayList<>();
        for (Entry e : entries) {
            if (e.unsupported() != null) {
                b.append(String.format(Locale.ROOT, "%-9s %-17s %7d %6s  n/a: %s%n", target.system(),
                        e.workload().cliName(), e.clients(), "-", e.unsupported()));
                continue;
            }
            for (int i = 0; i < e.reps().size(); i++) {
                RunResult r = e.reps().get(i);
                row(b, e, String.valueOf(i + 1), r.metrics());
                if (r.firstError() != null) {
                    notes.add(String.format(Locale.ROOT, "%s %s clients=%d rep %d: %d errors, first: %s",
                            target.system(), e.workload().cliName(), e.clients(), i + 1, r.errors(),
                            truncate(r.firstError(), 300)));
                }
                if (r.drainMillis() >= 0) {
                    notes.add(String.format(Locale.ROOT, "%s %s clients=%d rep %d: queue drained %.0f ms after the load",
                            target.system(), e.workload().cliName(), e.clients(), i + 1, r.drainMillis()));
                }
            }
            if (e.reps().size() > 1) {
                row(b, e, "median", e.median());
            }
        }
        for (String n : notes) {
            b.append("  ").append(n).append('\n');
        }
        b.append("  srvCPU/op and cliCPU/op: CPU microseconds of the server processes (all pids) and of this "
                + "load generator per successful request\n");
        return b.toString();
    }

    private void row(StringBuilder b, Entry e, String rep, Map<String, Double> m) {
        b.append(String.format(Locale.ROOT, ROW_FORMAT, target.system(), e.workload().cliName(), e.clients(), rep,
                fmt(m.get("ops_per_s"), 0), fmt(m.get("statements_per_s"), 0), fmt(m.get("p50_ms"), 3),
                fmt(m.get("p99_ms"), 3), fmt(m.get("p999_ms"), 3), fmt(m.get("max_ms"), 1),
                fmt(m.get("server_cpu_us_per_op"), 0), fmt(m.get("client_cpu_us_per_op"), 0),
                Math.round(m.get("errors")), Math.round(m.get("retries"))));
    }

    static String fmt(Double v, int decimals) {
        if (v == null || !Double.isFinite(v)) {
            return "-";
        }
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    private static String truncate(String s, int n) {
        String one = s.replace('\n', ' ');
        return one.length() > n ? one.substring(0, n) + "..." : one;
    }

    public Map<String, Object> toMap() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("tool", "raftlite-bench");
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("system", target.system());
        t.put("protocol", target.protocol().name());
        t.put("url", target.url());
        t.put("pids", target.pids());
        root.put("target", t);
        root.put("params", params);
        root.put("prefill", prefill);
        List<Object> results = new ArrayList<>();
        for (Entry e : entries) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("workload", e.workload().cliName());
            r.put("clients", e.clients());
            r.put("request", e.request());
            r.put("supported", e.unsupported() == null);
            if (e.unsupported() != null) {
                r.put("reason", e.unsupported());
            } else {
                List<Object> reps = new ArrayList<>();
                for (RunResult run : e.reps()) {
                    Map<String, Object> m = new LinkedHashMap<>(run.metrics());
                    m.put("server_rss_kib", run.serverRssKib());
                    m.put("first_error", run.firstError());
                    reps.add(m);
                }
                r.put("reps", reps);
                r.put("median", new LinkedHashMap<String, Object>(e.median()));
            }
            results.add(r);
        }
        root.put("results", results);
        return root;
    }

    public String json() {
        return Json.pretty(toMap());
    }
}
