package io.raftlite.bench;

/**
 * The fields of one {@code /proc/<pid>/stat} line that the benchmark needs. The process name
 * (field 2) is in parentheses and may itself contain spaces and parentheses, so the fields are
 * counted from the last ')' of the line, as proc(5) advises.
 *
 * @param utimeTicks field 14, user-mode CPU time in clock ticks
 * @param stimeTicks field 15, kernel-mode CPU time in clock ticks
 * @param rssPages   field 24, resident set size in pages
 */
public record ProcStat(String name, char state, long utimeTicks, long stimeTicks, long rssPages) {

    public long cpuTicks() {
        return utimeTicks + stimeTicks;
    }

    public static ProcStat parse(String line) {
        int open = line.indexOf('(');
        int close = line.lastIndexOf(')');
        if (open < 0 || close < open || close + 2 > line.length()) {
            throw new IllegalArgumentException("not a /proc/<pid>/stat line: " + line);
        }
        String name = line.substring(open + 1, close);
        // After ") " come fields 3 (state), 4, 5, ...: field n is at index n - 3.
        String[] f = line.substring(close + 2).trim().split(" +");
        if (f.length < 22) {
            throw new IllegalArgumentException("too few fields in /proc/<pid>/stat line: " + line);
        }
        return new ProcStat(name, f[0].charAt(0), Long.parseLong(f[14 - 3]), Long.parseLong(f[15 - 3]),
                Long.parseLong(f[24 - 3]));
    }
}
