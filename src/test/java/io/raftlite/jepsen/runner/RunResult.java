package io.raftlite.jepsen.runner;

import io.raftlite.jepsen.checker.Report;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What a run found: each workload's checker report, every reason the run failed, and the summary
 * that was printed and written to {@code summary.txt} in the run directory.
 *
 * @param spec     what was run
 * @param runDir   where its histories, reports, events and node logs are
 * @param reports  checker report per workload name
 * @param faults   faults started, per nemesis name
 * @param failures why the run failed: an INVALID or UNKNOWN verdict, too few successful operations to
 *                 judge, replicas that disagree, a cluster that did not recover, a nemesis problem, a
 *                 client error; empty if it passed
 * @param summary  the printed summary
 * @param elapsed  wall-clock time of the whole run, cluster start included
 */
public record RunResult(RunSpec spec, Path runDir, Map<String, Report> reports, Map<String, Integer> faults,
        List<String> failures, String summary, Duration elapsed) {

    public RunResult {
        reports = Map.copyOf(reports);
        faults = Map.copyOf(faults);
        failures = List.copyOf(failures);
    }

    public boolean passed() {
        return failures.isEmpty();
    }

    /** Faults started in all. */
    public int faultCount() {
        return faults.values().stream().mapToInt(Integer::intValue).sum();
    }
}
