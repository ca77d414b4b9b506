package io.raftlite.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Reads the CPU time (utime + stime) and resident memory of a set of processes from /proc, so a
 * run can report the server CPU spent per request: (CPU after - CPU before) / requests, summed
 * over every node of a cluster. A process that has gone away counts as 0 and is reported.
 */
public final class CpuSampler {

    private static final long CLOCK_TICKS = clockTicksPerSecond();

    private final Path proc;
    private final List<Integer> pids;

    public CpuSampler(List<Integer> pids) {
        this(Path.of("/proc"), pids);
    }

    CpuSampler(Path proc, List<Integer> pids) {
        this.proc = proc;
        this.pids = List.copyOf(pids);
    }

    public List<Integer> pids() {
        return pids;
    }

    /** Total CPU time of all the processes, in microseconds; missing processes add nothing. */
    public long cpuMicros() {
        long ticks = 0;
        for (int pid : pids) {
            ProcStat s = read(String.valueOf(pid));
            if (s != null) {
                ticks += s.cpuTicks();
            }
        }
        return ticksToMicros(ticks);
    }

    /** CPU time of this JVM (the load generator itself), in microseconds. */
    public long selfCpuMicros() {
        ProcStat s = read("self");
        return s == null ? 0 : ticksToMicros(s.cpuTicks());
    }

    /** VmRSS of each process in KiB, in the order of {@link #pids()}; -1 for a missing process. */
    public List<Long> rssKib() {
        return statusField("VmRSS:");
    }

    /** VmHWM (peak resident set) of each process in KiB; -1 for a missing process. */
    public List<Long> peakRssKib() {
        return statusField("VmHWM:");
    }

    /** The pids whose /proc entry cannot be read (the process ended). */
    public List<Integer> missing() {
        List<Integer> gone = new ArrayList<>();
        for (int pid : pids) {
            if (read(String.valueOf(pid)) == null) {
                gone.add(pid);
            }
        }
        return gone;
    }

    static long ticksToMicros(long ticks) {
        return ticks * 1_000_000L / CLOCK_TICKS;
    }

    private ProcStat read(String pid) {
        try {
            return ProcStat.parse(Files.readString(proc.resolve(pid).resolve("stat"), StandardCharsets.US_ASCII));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private List<Long> statusField(String field) {
        List<Long> out = new ArrayList<>(pids.size());
        for (int pid : pids) {
            long kib = -1;
            try {
                for (String line : Files.readAllLines(proc.resolve(String.valueOf(pid)).resolve("status"))) {
                    if (line.startsWith(field)) {
                        kib = Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
                        break;
                    }
                }
            } catch (IOException | RuntimeException e) {
                kib = -1;
            }
            out.add(kib);
        }
        return out;
    }

    /** USER_HZ: 100 on every mainstream Linux; asks getconf in case this one differs. */
    private static long clockTicksPerSecond() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            if (p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0) {
                long hz = Long.parseLong(out);
                if (hz > 0) {
                    return hz;
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through to the default
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 100;
    }
}
