package io.raftlite.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The chart's alert rules with Prometheus' own tool: they load ({@code promtool check rules}) and
 * their unit tests pass ({@code promtool test rules files/alerts-test.yaml}, run from the file's
 * directory as its relative {@code rule_files} expect).
 */
class AlertRulesIT {

    @Test
    void alertRulesAreValid() {
        Path promtool = SystemTools.require("promtool");
        Optional<Path> rules = RenderedChart.chartFile("files/alerts.yaml");
        assumeTrue(rules.isPresent(), "the chart has no files/alerts.yaml");
        Tools.Result r = Tools.run(Duration.ofSeconds(60), promtool.toString(), "check", "rules", rules.get().toString());
        assertThat(r.exitCode()).as("promtool check rules:\n%s", r.output()).isZero();
    }

    @Test
    void alertRuleUnitTestsPass() {
        Path promtool = SystemTools.require("promtool");
        Optional<Path> tests = RenderedChart.chartFile("files/alerts-test.yaml");
        assumeTrue(tests.isPresent(), "the chart has no files/alerts-test.yaml");
        Tools.Result r = Tools.run(tests.get().getParent(), Duration.ofSeconds(120), promtool.toString(), "test", "rules",
                tests.get().getFileName().toString());
        System.out.println(r.output());
        assertThat(r.exitCode()).as("promtool test rules:\n%s", r.output()).isZero();
        assertThat(r.output()).contains("SUCCESS");
    }
}
