package io.raftlite.jepsen.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Run settings as a person types them, and the names the runner knows. */
class RunSpecTest {

    @Test
    void durationsAsTyped() {
        assertThat(RunSpec.parseDuration("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(RunSpec.parseDuration("30m")).isEqualTo(Duration.ofMinutes(30));
        assertThat(RunSpec.parseDuration("1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(RunSpec.parseDuration("1500ms")).isEqualTo(Duration.ofMillis(1500));
        assertThat(RunSpec.parseDuration("PT45M")).isEqualTo(Duration.ofMinutes(45));
        assertThatThrownBy(() -> RunSpec.parseDuration("30")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RunSpec.parseDuration("30 minutes")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void onlyThreeOrFiveNodes() {
        RunSpec spec = RunSpec.of("t", List.of("set"), "none", Duration.ofSeconds(1));
        assertThat(spec.withNodes(5).nodes()).isEqualTo(5);
        assertThatThrownBy(() -> spec.withNodes(4)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void everyNamedWorkloadAndNemesisExists() {
        for (String w : Workloads.ALL) {
            assertThat(Workloads.create(w, Duration.ofMinutes(1)).name()).isEqualTo(w);
        }
        assertThat(Workloads.create("registers-none", Duration.ofMinutes(1)).judged()).isFalse();
        assertThat(Workloads.create("registers-linearizable", Duration.ofMinutes(1)).judged()).isTrue();
        assertThat(Workloads.nemeses("all")).hasSize(Workloads.ALL_NEMESES.size());
        assertThat(Workloads.nemeses("none")).isEmpty();
        assertThat(Workloads.nemeses("kill-leader,pause-random+delay")).hasSize(2);
        assertThatThrownBy(() -> Workloads.create("nope", Duration.ofMinutes(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
