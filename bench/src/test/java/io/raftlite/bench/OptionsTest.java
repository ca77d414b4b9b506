package io.raftlite.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class OptionsTest {

    @Test
    void parsesListsDurationsAndDefaults() {
        Options o = Options.parse("--url", "http://127.0.0.1:19001", "--protocol", "rqlite", "--workload",
                "write,batch,read", "--clients=1,32", "--duration", "1.5s", "--warmup", "0", "--pids", "1,2,3",
                "--setup", "--prefill");
        assertThat(o.system).isEqualTo("rqlite");
        assertThat(o.workloads).containsExactly(Workload.WRITE, Workload.BATCH, Workload.READ_WEAK);
        assertThat(o.clients).containsExactly(1, 32);
        assertThat(o.duration).isEqualTo(Duration.ofMillis(1500));
        assertThat(o.warmup).isZero();
        assertThat(o.pids).containsExactly(1, 2, 3);
        assertThat(o.setup).isTrue();
        assertThat(o.prefill).isTrue();
        assertThat(o.count).isEqualTo(1_000_000);
        assertThat(Options.parse("--workload", "all").workloads).hasSize(Workload.values().length);
    }

    @Test
    void durations() {
        assertThat(Options.parseDuration("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Options.parseDuration("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(Options.parseDuration("7")).isEqualTo(Duration.ofSeconds(7));
        assertThatThrownBy(() -> Options.parseDuration("soon")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rejectsUnknownOptionsAndBadValues() {
        assertThatThrownBy(() -> Options.parse("--frobnicate", "1")).hasMessageContaining("unknown option");
        assertThatThrownBy(() -> Options.parse("--clients", "0")).hasMessageContaining(">= 1");
        assertThatThrownBy(() -> Options.parse("--workload", "deletes")).hasMessageContaining("unknown workload");
        assertThatThrownBy(() -> Options.parse("--duration")).hasMessageContaining("needs a value");
    }
}
