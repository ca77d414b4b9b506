package io.raftlite.jepsen.runner;

import io.raftlite.jepsen.checker.Report;
import io.raftlite.jepsen.cluster.ClusterEvent;
import io.raftlite.jepsen.cluster.ClusterNode;
import io.raftlite.jepsen.cluster.ClusterOptions;
import io.raftlite.jepsen.cluster.JepsenCluster;
import io.raftlite.jepsen.cluster.Waits;
import io.raftlite.jepsen.history.History;
import io.raftlite.jepsen.history.HistoryReader;
import io.raftlite.jepsen.history.HistoryWriter;
import io.raftlite.jepsen.history.Recorder;
import io.raftlite.jepsen.nemesis.Nemesis;
import io.raftlite.jepsen.nemesis.NemesisSchedule;
import io.raftlite.jepsen.workload.Invocation;
import io.raftlite.jepsen.workload.Outcome;
import io.raftlite.jepsen.workload.SqlClient;
import io.raftlite.jepsen.workload.Workload;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * One Jepsen-style run, start to verdict: starts a cluster of real raftlite processes, sets up the
 * workloads, runs their clients (each bound to one node, so that followers forward) while a
 * {@link NemesisSchedule} injects faults, then stops the faults, heals everything, waits until
 * every node has applied the whole log, makes each workload's final reads, checks that every node
 * holds the same data, writes the histories and judges them with the checkers.
 *
 * <p>Everything a human needs afterwards lands in the run directory: {@code history-<workload>.jsonl}
 * (every invocation and completion, timestamped), {@code report-<workload>.txt},
 * {@code faults.log} (every fault and node event on the histories' clock), {@code events.log} and
 * the node logs from the cluster, and {@code summary.txt}, which is also printed: operations per
 * outcome, faults injected, verdict per workload. Data directories are deleted when the run passed
 * and kept when it failed.
 *
 * <p>A run fails on any INVALID or UNKNOWN verdict (UNKNOWN is never a pass), on too few successful
 * operations for a verdict to mean anything, on replicas that disagree, on a cluster that does not
 * recover once healed, on a nemesis that could not start or heal (a node that did not come back),
 * and on a client error.
 */
public final class JepsenRun {
    private static final Duration SETUP_WAIT = Duration.ofMinutes(2);
    private static final Duration HEAL_WAIT = Duration.ofMinutes(3);
    private static final Duration FINAL_READ_WAIT = Duration.ofMinutes(3);
    private static final Duration FINAL_READ_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration REPLICA_WAIT = Duration.ofMinutes(1);
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(30);
    private static final int FAULT_LINES_SHOWN = 60;
    private static final int REPORT_LINES_SHOWN = 40;

    private final RunSpec spec;
    private final PrintStream out;
    private volatile long clockBase;
    private final Map<String, String> notes = new LinkedHashMap<>();

    public JepsenRun(RunSpec spec) {
        this(spec, System.out);
    }

    public JepsenRun(RunSpec spec, PrintStream out) {
        this.spec = spec;
        this.out = out;
    }

    /**
     * Runs and judges. Throws only if the cluster cannot be started or the workloads cannot be set
     * up; from then on, whatever the cluster does is reported as a failure in the result.
     */
    public RunResult run() {
        long started = System.nanoTime();
        clockBase = started;
        Path runDir = spec.outputDir() != null ? spec.outputDir() : ClusterOptions.newRunDir(spec.name());
        List<Workload> workloads = spec.workloads().stream().map(w -> Workloads.create(w, spec.duration())).toList();
        List<Nemesis> nemeses = Workloads.nemeses(spec.nemesis());
        print("starting " + spec.describe());
        print("run directory " + runDir);
        List<String> failures = new ArrayList<>();
        Map<String, Report> reports = new LinkedHashMap<>();
        Map<String, Long> phases = new LinkedHashMap<>();
        // The recorders' clock starts with the run, so that histories, faults and progress lines share it.
        Map<Workload, Recorder> recorders = new LinkedHashMap<>();
        Map<Workload, Path> files = new LinkedHashMap<>();
        try {
            Files.createDirectories(runDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (Workload w : workloads) {
            Path f = runDir.resolve("history-" + w.name() + ".jsonl");
            if (Files.exists(f)) {
                throw new IllegalStateException(f + " exists: give each run a directory of its own");
            }
            files.put(w, f);
            recorders.put(w, new Recorder(HistoryWriter.append(f)));
        }
        Recorder first = recorders.values().iterator().next();
        clockBase = System.nanoTime() - first.now();
        JepsenCluster cluster;
        try {
            cluster = JepsenCluster.start(ClusterOptions.defaults(runDir).withNodes(spec.nodes()));
        } catch (RuntimeException e) {
            recorders.values().forEach(Recorder::close);
            throw e;
        }
        phases.put("cluster start", System.nanoTime() - started);
        boolean passed = false;
        Consumer<ClusterEvent> printer = e -> {
            if (e.kind() == ClusterEvent.Kind.FAULT_START || e.kind() == ClusterEvent.Kind.FAULT_STOP
                    || e.kind() == ClusterEvent.Kind.PROBLEM) {
                print(relative(e) + " " + e.kind() + " " + e.source() + ": " + e.message());
            }
        };
        cluster.events().addListener(printer);
        String summary;
        Map<String, Integer> faultCounts;
        try {
            long t = System.nanoTime();
            setUp(cluster, workloads);
            phases.put("set-up", System.nanoTime() - t);

            Map<Workload, AtomicInteger> processIds = new LinkedHashMap<>();
            t = System.nanoTime();
            runLoad(cluster, workloads, recorders, processIds, nemeses, failures);
            phases.put("load and faults", System.nanoTime() - t);

            t = System.nanoTime();
            try {
                cluster.healAll(HEAL_WAIT);
                cluster.awaitConverged(HEAL_WAIT);
                print("healed and converged: " + cluster.describe());
            } catch (RuntimeException e) {
                failures.add("the cluster did not recover once every fault was healed: " + e.getMessage());
            }
            phases.put("heal and converge", System.nanoTime() - t);

            t = System.nanoTime();
            for (Workload w : workloads) {
                finalReads(cluster, w, recorders.get(w), processIds.get(w), failures);
            }
            phases.put("final reads", System.nanoTime() - t);

            t = System.nanoTime();
            replicasAgree(cluster, workloads, failures);
            phases.put("replica agreement", System.nanoTime() - t);

            for (Recorder r : recorders.values()) {
                r.close();
            }
            t = System.nanoTime();
            for (Workload w : workloads) {
                reports.put(w.name(), check(w, recorders.get(w), files.get(w), runDir, failures));
            }
            phases.put("checking", System.nanoTime() - t);

            for (ClusterEvent e : cluster.events().events(ClusterEvent.Kind.PROBLEM)) {
                failures.add("nemesis problem: " + e.source() + ": " + e.message());
            }
            faultCounts = faultCounts(cluster.events().events());
            writeFaultLog(runDir, cluster.events().events());
            summary = summary(runDir, workloads, reports, cluster.events().events(), faultCounts, failures, phases,
                    System.nanoTime() - started);
            passed = failures.isEmpty();
        } finally {
            cluster.events().removeListener(printer);
            for (Recorder r : recorders.values()) {
                r.close();
            }
            cluster.close();
            if (passed) {
                cluster.deleteDataDirectories();
            }
        }
        out.println(summary);
        out.flush();
        try {
            Files.writeString(runDir.resolve("summary.txt"), summary, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new RunResult(spec, runDir, reports, faultCounts, failures, summary,
                Duration.ofNanos(System.nanoTime() - started));
    }

    /** Each workload's set-up through the leader, repeated until it reports success. */
    private void setUp(JepsenCluster cluster, List<Workload> workloads) {
        for (Workload w : workloads) {
            Waits.until("set-up of " + w.name(), SETUP_WAIT, Duration.ofMillis(500), () -> {
                ClusterNode leader = cluster.awaitLeader(SETUP_WAIT);
                return w.setUp(new SqlClient(leader, Duration.ofSeconds(15))) ? Boolean.TRUE : null;
            }, null);
            print("set up " + w.name());
        }
    }

    /** The clients and the nemesis schedule, for the run's duration; returns once all have stopped and the last fault is healed. */
    private void runLoad(JepsenCluster cluster, List<Workload> workloads, Map<Workload, Recorder> recorders,
            Map<Workload, AtomicInteger> processIds, List<Nemesis> nemeses, List<String> failures) {
        AtomicBoolean stopFlag = new AtomicBoolean();
        long deadline = System.nanoTime() + spec.duration().toNanos();
        BooleanSupplier stop = () -> stopFlag.get() || System.nanoTime() - deadline > 0;
        List<ClientWorker> workers = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        Map<Workload, ClientWorker.Counters> counters = new LinkedHashMap<>();
        List<ClusterNode> nodes = cluster.nodes();
        int global = 0;
        for (Workload w : workloads) {
            AtomicInteger ids = new AtomicInteger();
            processIds.put(w, ids);
            ClientWorker.Counters c = new ClientWorker.Counters();
            counters.put(w, c);
            for (int i = 0; i < spec.clients(); i++, global++) {
                ClusterNode node = nodes.get(global % nodes.size());
                ClientWorker worker = new ClientWorker(w, recorders.get(w), new SqlClient(node, spec.requestTimeout()),
                        ids, new Random(spec.seed() * 1_000_003L + global), stop, c);
                Thread thread = new Thread(worker, "client-" + w.name() + "-" + i + "@" + node.id());
                thread.setDaemon(true);
                workers.add(worker);
                threads.add(thread);
            }
        }
        NemesisSchedule schedule = nemeses.isEmpty() ? null
                : new NemesisSchedule(cluster, nemeses, spec.faultFor(), spec.quietFor(), spec.seed());
        threads.forEach(Thread::start);
        if (schedule != null) {
            schedule.start();
        }
        print("load started: " + threads.size() + " clients" + (schedule == null ? ", no faults"
                : ", nemeses " + nemeses.stream().map(Nemesis::name).toList()));
        long nextProgress = System.nanoTime() + PROGRESS_EVERY.toNanos();
        try {
            while (!stop.getAsBoolean()) {
                long left = Math.max(1, Math.min(1_000_000_000L, deadline - System.nanoTime()));
                Waits.sleep(Duration.ofNanos(left));
                for (ClientWorker wk : workers) {
                    if (wk.error() != null) {
                        stopFlag.set(true);
                    }
                }
                if (System.nanoTime() - nextProgress > 0) {
                    nextProgress += PROGRESS_EVERY.toNanos();
                    StringBuilder sb = new StringBuilder("progress:");
                    counters.forEach((w, c) -> sb.append(' ').append(w.name()).append(" [").append(c.render())
                            .append(']'));
                    sb.append("; faults started: ").append(cluster.events().events(ClusterEvent.Kind.FAULT_START).size());
                    print(sb.toString());
                }
            }
        } finally {
            stopFlag.set(true);
            long joinBy = System.nanoTime() + spec.requestTimeout().plusSeconds(60).toNanos();
            for (Thread th : threads) {
                try {
                    th.join(Math.max(1, (joinBy - System.nanoTime()) / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                if (th.isAlive()) {
                    failures.add("client " + th.getName() + " did not stop");
                }
            }
            if (schedule != null) {
                try {
                    schedule.close();
                } catch (RuntimeException e) {
                    failures.add("nemesis schedule: " + e.getMessage());
                }
            }
        }
        for (ClientWorker wk : workers) {
            if (wk.error() != null) {
                failures.add("client error (a bug in the runner or a workload): " + wk.error());
                wk.error().printStackTrace(out);
            }
        }
        StringBuilder sb = new StringBuilder("load stopped:");
        counters.forEach((w, c) -> sb.append(' ').append(w.name()).append(" [").append(c.render()).append(']'));
        print(sb.toString());
    }

    /** The workload's final reads, each retried through the nodes in turn until OK, all recorded. */
    private void finalReads(JepsenCluster cluster, Workload w, Recorder recorder, AtomicInteger processIds,
            List<String> failures) {
        long deadline = System.nanoTime() + FINAL_READ_WAIT.toNanos();
        List<ClusterNode> nodes = cluster.nodes();
        int turn = 0;
        int process = processIds.getAndIncrement();
        int done = 0;
        List<Invocation> reads = w.finalReads();
        for (Invocation op : reads) {
            while (true) {
                ClusterNode node = nodes.get(turn++ % nodes.size());
                Outcome o;
                try {
                    o = ClientWorker.perform(recorder, w, new SqlClient(node, FINAL_READ_TIMEOUT), process, op);
                } catch (RuntimeException e) {
                    failures.add(w.name() + ": final read " + op + " failed with a client error: " + e);
                    return;
                }
                if (o.type() == io.raftlite.jepsen.history.Operation.Type.INFO) {
                    process = processIds.getAndIncrement();
                }
                if (o.isOk()) {
                    done++;
                    break;
                }
                if (System.nanoTime() - deadline > 0) {
                    failures.add(w.name() + ": final read " + op.function() + " " + op.key() + " did not succeed within "
                            + FINAL_READ_WAIT.toSeconds() + " s; last answer from " + node.id() + ": " + o.error());
                    return;
                }
                Waits.sleep(Duration.ofMillis(200));
            }
        }
        print(w.name() + ": " + done + " final read(s) done");
    }

    /**
     * After the final reads and another wait for convergence, every node must answer each workload's
     * replica queries identically with a local read: no replica diverged (e.g. after a crash in the
     * middle of a snapshot).
     */
    private void replicasAgree(JepsenCluster cluster, List<Workload> workloads, List<String> failures) {
        try {
            cluster.awaitConverged(HEAL_WAIT);
        } catch (RuntimeException e) {
            failures.add("the cluster did not converge after the final reads: " + e.getMessage());
            return;
        }
        for (Workload w : workloads) {
            for (Map.Entry<String, String> q : new TreeMap<>(w.replicaQueries()).entrySet()) {
                AtomicReference<Map<String, String>> last = new AtomicReference<>();
                try {
                    int rows = Waits.until("every node answering '" + q.getKey() + "' alike", REPLICA_WAIT,
                            Duration.ofSeconds(1), () -> {
                                Map<String, String> answers = new TreeMap<>();
                                int count = -1;
                                for (ClusterNode n : cluster.nodes()) {
                                    SqlClient.Answer a = new SqlClient(n, FINAL_READ_TIMEOUT).query("none",
                                            SqlClient.statement(q.getValue()));
                                    if (a instanceof SqlClient.Answer.Results r && r.firstError() == null) {
                                        answers.put(n.id(), r.rows(0).toString());
                                        count = r.rows(0).size();
                                    } else {
                                        answers.put(n.id(), "no answer: " + a.detail());
                                    }
                                }
                                last.set(answers);
                                return answers.values().stream().distinct().count() == 1
                                        && !answers.values().iterator().next().startsWith("no answer") ? count : null;
                            }, () -> describeDisagreement(last.get()));
                    print(w.name() + ": all " + cluster.size() + " replicas hold the same " + q.getKey() + " (" + rows
                            + " rows)");
                } catch (Waits.WaitTimeoutException e) {
                    failures.add(w.name() + ": replicas disagree: " + e.getMessage());
                }
            }
        }
    }

    private static String describeDisagreement(Map<String, String> answers) {
        if (answers == null) {
            return null;
        }
        StringBuilder sb = new StringBuilder();
        answers.forEach((node, rows) -> sb.append(node).append(": ").append(rows.length() > 300
                ? rows.substring(0, 300) + "... (" + rows.length() + " chars)" : rows).append("; "));
        return sb.toString();
    }

    /** Reads the history back from its file (so the verdict is on what was written) and judges it. */
    private Report check(Workload w, Recorder recorder, Path file, Path runDir, List<String> failures) {
        History inMemory = recorder.history();
        History h;
        try {
            h = HistoryReader.read(file);
            if (!h.operations().equals(inMemory.operations())) {
                failures.add(w.name() + ": the history file differs from what was recorded");
            }
        } catch (RuntimeException e) {
            failures.add(w.name() + ": cannot read back " + file + ": " + e.getMessage());
            h = inMemory;
        }
        Report report = w.check(h);
        if (!report.isValid() && w.judged()) {
            failures.add(w.name() + ": checker verdict " + report.validity() + " (see " + runDir.resolve("report-"
                    + w.name() + ".txt") + ")");
        }
        String note = w.notes(h);
        if (note != null) {
            notes.put(w.name(), note);
        }
        String little = w.tooLittle(h);
        if (little != null) {
            failures.add(w.name() + ": too few successful operations for a meaningful verdict: " + little);
        }
        try {
            Files.writeString(runDir.resolve("report-" + w.name() + ".txt"), report.summary()
                    + (note == null ? "" : note + "\n"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return report;
    }

    private static Map<String, Integer> faultCounts(List<ClusterEvent> events) {
        Map<String, Integer> counts = new TreeMap<>();
        for (ClusterEvent e : events) {
            if (e.kind() == ClusterEvent.Kind.FAULT_START) {
                counts.merge(e.source(), 1, Integer::sum);
            }
        }
        return counts;
    }

    private void writeFaultLog(Path runDir, List<ClusterEvent> events) {
        StringBuilder sb = new StringBuilder();
        sb.append("# cluster events on the histories' clock (seconds since the recorders started)\n");
        for (ClusterEvent e : events) {
            sb.append(relative(e)).append(' ').append(e.kind()).append(' ').append(e.source()).append(": ")
                    .append(e.message()).append('\n');
        }
        try {
            Files.writeString(runDir.resolve("faults.log"), sb.toString(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String summary(Path runDir, List<Workload> workloads, Map<String, Report> reports, List<ClusterEvent> events,
            Map<String, Integer> faultCounts, List<String> failures, Map<String, Long> phases, long elapsedNanos) {
        StringBuilder sb = new StringBuilder();
        sb.append("==== jepsen run ").append(spec.name()).append(": ").append(failures.isEmpty() ? "PASS" : "FAIL")
                .append(" ====\n");
        sb.append(spec.describe()).append('\n');
        sb.append("run directory ").append(runDir).append('\n');
        sb.append(String.format(Locale.ROOT, "wall time %.1f s:", elapsedNanos / 1e9));
        phases.forEach((p, n) -> sb.append(String.format(Locale.ROOT, " %s %.1f s;", p, n / 1e9)));
        sb.append('\n');
        int total = faultCounts.values().stream().mapToInt(Integer::intValue).sum();
        sb.append("faults injected: ").append(total);
        if (!faultCounts.isEmpty()) {
            sb.append(' ').append(faultCounts);
        }
        sb.append('\n');
        Map<String, Integer> nodeEvents = new TreeMap<>();
        for (ClusterEvent e : events) {
            if (e.kind() == ClusterEvent.Kind.NODE) {
                nodeEvents.merge(e.message().split(" ")[0], 1, Integer::sum);
            }
        }
        long snapshotHits = events.stream().filter(e -> e.kind() == ClusterEvent.Kind.FAULT_START
                && e.message().contains("a snapshot was being written")).count();
        long snapshotMisses = events.stream().filter(e -> e.kind() == ClusterEvent.Kind.FAULT_START
                && e.message().contains("no snapshot in progress at the kill")).count();
        sb.append("node events: ").append(nodeEvents);
        if (snapshotHits + snapshotMisses > 0) {
            sb.append("; crash-during-snapshot kills that hit a snapshot being written: ").append(snapshotHits)
                    .append(" of ").append(snapshotHits + snapshotMisses);
        }
        sb.append('\n');
        List<ClusterEvent> faultLines = events.stream().filter(e -> e.kind() == ClusterEvent.Kind.FAULT_START
                || e.kind() == ClusterEvent.Kind.FAULT_STOP || e.kind() == ClusterEvent.Kind.PROBLEM).toList();
        for (ClusterEvent e : faultLines.subList(0, Math.min(FAULT_LINES_SHOWN, faultLines.size()))) {
            String m = e.message().length() > 220 ? e.message().substring(0, 220) + "..." : e.message();
            sb.append("  ").append(relative(e)).append(' ').append(e.kind() == ClusterEvent.Kind.FAULT_START ? "start"
                    : e.kind() == ClusterEvent.Kind.FAULT_STOP ? "heal " : "PROBLEM").append(' ').append(e.source())
                    .append(": ").append(m).append('\n');
        }
        if (faultLines.size() > FAULT_LINES_SHOWN) {
            sb.append("  ... ").append(faultLines.size() - FAULT_LINES_SHOWN).append(" more in faults.log\n");
        }
        for (Workload w : workloads) {
            Report r = reports.get(w.name());
            if (r == null) {
                sb.append("workload ").append(w.name()).append(": not checked\n");
                continue;
            }
            sb.append("workload ").append(w.name()).append(": ").append(r.validity())
                    .append(w.judged() ? "" : " (measured, not judged: reads at this level may be stale)").append('\n');
            String[] lines = r.summary().split("\n");
            for (String line : java.util.Arrays.copyOf(lines, Math.min(lines.length, REPORT_LINES_SHOWN))) {
                sb.append("  ").append(line).append('\n');
            }
            if (lines.length > REPORT_LINES_SHOWN) {
                sb.append("  ... ").append(lines.length - REPORT_LINES_SHOWN).append(" more lines in report-")
                        .append(w.name()).append(".txt\n");
            }
            String note = notes.get(w.name());
            if (note != null) {
                sb.append("  ").append(note).append('\n');
            }
        }
        if (failures.isEmpty()) {
            sb.append("verdict: PASS - every checker VALID, replicas agree, no nemesis problem\n");
        } else {
            sb.append("verdict: FAIL\n");
            for (String f : failures) {
                sb.append("  - ").append(f).append('\n');
            }
        }
        return sb.toString();
    }

    /** {@code +12.345s}: an event's time on the histories' clock. */
    private String relative(ClusterEvent e) {
        return String.format(Locale.ROOT, "%+.3fs", (e.nanoTime() - clockBase) / 1e9);
    }

    private void print(String line) {
        out.println(String.format(Locale.ROOT, "[jepsen %s %+.1fs] %s", spec.name(),
                (System.nanoTime() - clockBase) / 1e9, line));
        out.flush();
    }
}
