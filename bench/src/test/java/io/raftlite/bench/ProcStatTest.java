package io.raftlite.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcStatTest {

    /** A real-shaped line (52 fields) whose name has spaces and parentheses, including ") ". */
    static String statLine(int pid, String name, long utime, long stime, long rssPages) {
        return pid + " (" + name + ") S 1 " + pid + " " + pid + " 0 -1 4194560 21450 0 12 0 "
                + utime + " " + stime + " 0 0 20 0 42 0 3601 3012345678 " + rssPages
                + " 18446744073709551615 1 1 0 0 0 0 0 16781312 16384 0 0 0 17 1 0 0 0 0 0 0 0 0 0 0 0 0 0\n";
    }

    @Test
    void parsesFieldsAfterANameWithSpacesAndParentheses() {
        ProcStat s = ProcStat.parse(statLine(4242, "java (raft) ) S 9 9 node", 1234, 567, 89012));
        assertThat(s.name()).isEqualTo("java (raft) ) S 9 9 node");
        assertThat(s.state()).isEqualTo('S');
        assertThat(s.utimeTicks()).isEqualTo(1234);
        assertThat(s.stimeTicks()).isEqualTo(567);
        assertThat(s.cpuTicks()).isEqualTo(1801);
        assertThat(s.rssPages()).isEqualTo(89012);
    }

    @Test
    void parsesAPlainName() {
        ProcStat s = ProcStat.parse(statLine(1, "etcd", 10, 20, 30));
        assertThat(s.name()).isEqualTo("etcd");
        assertThat(s.cpuTicks()).isEqualTo(30);
    }

    @Test
    void parsesThisProcessFromProc() throws IOException {
        Path self = Path.of("/proc/self/stat");
        if (Files.isReadable(self)) {
            ProcStat s = ProcStat.parse(Files.readString(self));
            assertThat(s.state()).isIn('R', 'S', 'D');
            assertThat(s.rssPages()).isPositive();
        }
    }

    @Test
    void rejectsGarbage() {
        assertThatThrownBy(() -> ProcStat.parse("no parentheses here")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ProcStat.parse("1 (x) S 1 2 3")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void samplerSumsCpuOfAllPidsAndReadsRss(@TempDir Path proc) throws IOException {
        write(proc, 11, statLine(11, "a b", 100, 50, 1), "Name:\ta b\nVmHWM:\t  300000 kB\nVmRSS:\t  200000 kB\n");
        write(proc, 12, statLine(12, "(c)", 30, 20, 1), "VmHWM:\t 4096 kB\nVmRSS:\t 1024 kB\n");
        CpuSampler sampler = new CpuSampler(proc, List.of(11, 12, 13)); // 13 does not exist
        long ticks = 100 + 50 + 30 + 20;
        assertThat(sampler.cpuMicros()).isEqualTo(CpuSampler.ticksToMicros(ticks));
        assertThat(sampler.rssKib()).containsExactly(200_000L, 1024L, -1L);
        assertThat(sampler.peakRssKib()).containsExactly(300_000L, 4096L, -1L);
        assertThat(sampler.missing()).containsExactly(13);
    }

    private static void write(Path proc, int pid, String stat, String status) throws IOException {
        Path dir = Files.createDirectories(proc.resolve(String.valueOf(pid)));
        Files.writeString(dir.resolve("stat"), stat);
        Files.writeString(dir.resolve("status"), status);
    }
}
