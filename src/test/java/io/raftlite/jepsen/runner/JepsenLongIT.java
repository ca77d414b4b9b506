package io.raftlite.jepsen.runner;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The long mode: one run of every workload side by side on a 5-node cluster under every kind of
 * fault, alone and combined, for 30 minutes unless told otherwise. Too long for CI, so it only runs
 * when asked for with {@code -Djepsen.long=true}; see docs/reliability.md for the command. Every
 * setting can be changed with the {@code jepsen.*} properties ({@link RunSpec#withSystemProperties()}).
 */
@EnabledIfSystemProperty(named = "jepsen.long", matches = "true")
class JepsenLongIT {

    @Test
    void everyWorkloadUnderMixedFaultsForHalfAnHour() {
        RunSpec spec = RunSpec.of("long", Workloads.ALL, "all", Duration.ofMinutes(30))
                .withNodes(5)
                .withClients(4)
                .withFaults(Duration.ofSeconds(10), Duration.ofSeconds(10))
                .withSystemProperties();
        RunResult result = new JepsenRun(spec).run();
        assertTrue(result.passed(), () -> "the long run found problems:\n" + result.summary());
    }
}
