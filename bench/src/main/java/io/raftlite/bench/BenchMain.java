package io.raftlite.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Entry point: parses the options, prepares the server (--setup, --prefill), runs each
 * (workload, clients) pair with a warm-up and --reps measured repetitions, prints the table and
 * writes the JSON. Exit status 0 when it ran (errors in answers are reported, not fatal), 1 when
 * setup or prefill failed, 2 on bad options.
 */
public final class BenchMain {

    private BenchMain() {
    }

    public static void main(String[] args) {
        int status;
        try {
            status = run(Options.parse(args), System.out, System.err);
        } catch (IllegalArgumentException e) {
            System.err.println("raftlite-bench: " + e.getMessage());
            status = 2;
        }
        System.exit(status);
    }

    static int run(Options o, PrintStream out, PrintStream err) {
        if (o.help) {
            out.print(Options.USAGE);
            return 0;
        }
        if (o.floor) {
            return floor(o, err);
        }
        Protocol protocol = Protocol.forName(o.protocol);
        Target target = Target.of(o.system, protocol, o.url, o.pids);
        String runTag = Long.toString(System.currentTimeMillis(), 36)
                + Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36), 36);
        WorkloadParams params = new WorkloadParams(o.batch, o.valueSize, o.keyspace, o.writePercent, runTag);
        LoadRun load = new LoadRun(target);
        PrintStream table = "-".equals(o.json) ? err : out;

        Report report = new Report(target, paramsMap(o, runTag));
        for (HttpRequest setup : protocol.setup()) {
            String e = load.sendOnce(setup);
            if (e != null) {
                err.println("raftlite-bench: setup failed at " + target.url() + ": " + setup + " -> " + e);
                return 1;
            }
        }
        if (o.prefill) {
            LoadRun.Bounds b = new LoadRun.Bounds(Math.min(4, o.keyspace), o.keyspace, Duration.ofMinutes(5),
                    Math.max(o.retryBusy, 100), (int) o.timeout.toMillis());
            RunResult r = load.run(j -> protocol.prefill(j, params), b, 0, null);
            report.prefill(o.keyspace, r);
            if (r.errors() > 0 || r.ok() < o.keyspace) {
                err.println("raftlite-bench: prefill of " + o.keyspace + " keys at " + target.url() + " wrote "
                        + r.ok() + ", " + r.errors() + " errors; first: " + r.firstError());
                return 1;
            }
        }
        long seq = 1;
        for (Workload w : o.workloads) {
            for (int clients : o.clients) {
                String reason = protocol.unsupported(w);
                if (reason != null) {
                    report.add(new Report.Entry(w, clients, "n/a", reason, List.of()));
                    continue;
                }
                LoadRun.Bounds measured = new LoadRun.Bounds(clients, o.count, o.duration, o.retryBusy,
                        (int) o.timeout.toMillis());
                if (!o.warmup.isZero()) {
                    LoadRun.Bounds warm = new LoadRun.Bounds(clients, o.count, o.warmup, o.retryBusy,
                            (int) o.timeout.toMillis());
                    RunResult wr = load.run(w, params, warm, seq);
                    seq += wr.ok() + wr.errors() + clients;
                }
                List<RunResult> reps = new ArrayList<>();
                for (int rep = 0; rep < o.reps; rep++) {
                    RunResult r = load.run(w, params, measured, seq);
                    seq += r.ok() + r.errors() + clients;
                    reps.add(r);
                }
                report.add(new Report.Entry(w, clients, protocol.describe(w), null, reps));
            }
        }
        table.print(report.table());
        if (o.json != null) {
            String doc = report.json();
            if (o.json.equals("-")) {
                out.print(doc);
            } else {
                try {
                    Files.writeString(Path.of(o.json), doc, StandardCharsets.UTF_8);
                } catch (IOException e) {
                    err.println("raftlite-bench: cannot write " + o.json + ": " + e);
                    return 1;
                }
            }
        }
        List<Integer> gone = target.cpuSampler().missing();
        if (!gone.isEmpty()) {
            err.println("raftlite-bench: warning: server pids not running at the end: " + gone);
        }
        return 0;
    }

    private static Map<String, Object> paramsMap(Options o, String runTag) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("duration_s", o.duration.toMillis() / 1000.0);
        p.put("count", o.count);
        p.put("warmup_s", o.warmup.toMillis() / 1000.0);
        p.put("reps", o.reps);
        p.put("batch", o.batch);
        p.put("value_size", o.valueSize);
        p.put("keyspace", o.keyspace);
        p.put("write_percent", o.writePercent);
        p.put("retry_busy", o.retryBusy);
        p.put("timeout_s", o.timeout.toMillis() / 1000.0);
        p.put("run_tag", runTag);
        p.put("cpus", Runtime.getRuntime().availableProcessors());
        return p;
    }

    private static int floor(Options o, PrintStream err) {
        try (FloorServer server = new FloorServer(o.floorHost, o.floorPort)) {
            err.println("floor server on http://" + o.floorHost + ":" + server.port() + " (Ctrl-C to stop)");
            Thread.currentThread().join();
            return 0;
        } catch (IOException e) {
            err.println("raftlite-bench: floor server: " + e);
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }
}
