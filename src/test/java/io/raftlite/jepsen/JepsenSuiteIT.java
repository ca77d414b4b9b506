package io.raftlite.jepsen;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftlite.jepsen.runner.JepsenRun;
import io.raftlite.jepsen.runner.RunResult;
import io.raftlite.jepsen.runner.RunSpec;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The short mode of the Jepsen-style suite, run by CI: three runs against real raftlite processes,
 * each with its own workloads and faults, judged by the checkers. Each run prints its operations,
 * the faults injected and the verdict per workload; a run fails on any anomaly, on an UNKNOWN
 * verdict, and on too few successful operations to judge.
 *
 * <p>Seeds are random and printed; repeat a run's choices with {@code -Djepsen.seed=<seed>} (the
 * cluster's timing still differs). docs/reliability.md describes the suite and the long mode.
 */
class JepsenSuiteIT {
    private static final Duration LOAD = Duration.ofSeconds(45);
    private static final Duration FAULT = Duration.ofSeconds(5);
    private static final Duration QUIET = Duration.ofSeconds(3);

    /** Registers read at linearizable and at strong while the leader is killed, cut off from the majority or paused. */
    @Test
    void registersStayLinearizableUnderLeaderKillsPartitionsAndPauses() {
        RunSpec spec = RunSpec.of("registers", List.of("registers-linearizable", "registers-strong"),
                "kill-leader,partition-majority-minority,pause-leader,pause-random+delay", LOAD)
                .withClients(4)
                .withFaults(FAULT, QUIET)
                .withSeed(seed());
        assertPassed(new JepsenRun(spec).run());
    }

    /** A 5-node set: no acknowledged insert lost through node kills, crashes mid-snapshot and bridge partitions. */
    @Test
    void setLosesNoAcknowledgedInsertUnderKillsSnapshotCrashesAndBridges() {
        RunSpec spec = RunSpec.of("set", List.of("set"), "kill-random,crash-during-snapshot,partition-bridge", LOAD)
                .withNodes(5)
                .withClients(5)
                .withFaults(FAULT, QUIET)
                .withSeed(seed());
        assertPassed(new JepsenRun(spec).run());
    }

    /** Bank transfers keep the total under slow links, an isolated leader and node kills. */
    @Test
    void bankKeepsItsTotalUnderDelaysIsolatedLeadersAndKills() {
        RunSpec spec = RunSpec.of("bank", List.of("bank"),
                "delay,partition-isolate-leader,kill-random,delay+partition-isolate-leader", LOAD)
                .withClients(5)
                .withFaults(FAULT, QUIET)
                .withSeed(seed());
        assertPassed(new JepsenRun(spec).run());
    }

    /** {@code -Djepsen.seed} if given, else a fresh random seed (printed with the run). */
    private static long seed() {
        Long fixed = Long.getLong("jepsen.seed");
        return fixed != null ? fixed : new Random().nextLong();
    }

    private static void assertPassed(RunResult result) {
        assertTrue(result.faultCount() > 0, () -> "no fault was injected:\n" + result.summary());
        assertTrue(result.passed(), () -> "the run found problems:\n" + result.summary());
    }
}
