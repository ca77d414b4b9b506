package io.raftlite.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Command-line options of the benchmark tool (see {@link #USAGE}). */
public final class Options {

    static final String USAGE = """
            usage: java -jar raftlite-bench.jar [options]
                   java -jar raftlite-bench.jar floor [--host 127.0.0.1] [--port 19999]

              --url URL            node that receives the load (default http://127.0.0.1:4001)
              --protocol P         raftlite | rqlite | etcd | dqlite | raw (default raftlite)
              --system NAME        label in the report (default: the protocol)
              --workload LIST      comma list, "all", or "none" (only --setup/--prefill): %s
                                   (default write)
              --clients LIST       concurrent clients, one connection each; comma list runs each (default 1)
              --duration D         measured time per repetition, e.g. 10s, 500ms, 2m (default 10s)
              --count N            at most N requests per repetition (default 1000000)
              --warmup D           unmeasured warm-up before the first repetition, 0 for none (default 2s)
              --reps N             measured repetitions; their median is printed too (default 1)
              --batch N            statements per request in the batch workload (default 100)
              --value-size N       bytes per value (default 64)
              --keyspace N         keys that reads pick from, k0..k(N-1) (default 1000)
              --write-percent N    share of writes in the mixed workload (default 20)
              --setup              create the bench table first (raftlite/rqlite)
              --prefill            write the keyspace keys first, so reads find them
              --pids LIST          server pids (every node) for CPU per request and memory
              --retry-busy N       resend a "database is locked" answer up to N times (dqlite)
              --timeout D          per-request socket timeout (default 30s)
              --json FILE          also write the results as JSON ("-": JSON on stdout, table on stderr)
              --help
            """.formatted(Workload.names() + ", all");

    String url = "http://127.0.0.1:4001";
    String protocol = "raftlite";
    String system;
    List<Workload> workloads = List.of(Workload.WRITE);
    List<Integer> clients = List.of(1);
    Duration duration = Duration.ofSeconds(10);
    long count = 1_000_000;
    Duration warmup = Duration.ofSeconds(2);
    int reps = 1;
    int batch = 100;
    int valueSize = 64;
    int keyspace = 1000;
    int writePercent = 20;
    boolean setup;
    boolean prefill;
    List<Integer> pids = List.of();
    int retryBusy;
    Duration timeout = Duration.ofSeconds(30);
    String json;
    boolean help;
    boolean floor;
    String floorHost = "127.0.0.1";
    int floorPort = 19999;

    public static Options parse(String... args) {
        Options o = new Options();
        int i = 0;
        if (args.length > 0 && args[0].equals("floor")) {
            o.floor = true;
            i = 1;
        }
        for (; i < args.length; i++) {
            String a = args[i];
            String name = a;
            String inline = null;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0) {
                name = a.substring(0, eq);
                inline = a.substring(eq + 1);
            }
            switch (name) {
                case "--help", "-h" -> o.help = true;
                case "--setup" -> o.setup = true;
                case "--prefill" -> o.prefill = true;
                default -> {
                    String v = inline != null ? inline : value(args, ++i, name);
                    o.set(name, v);
                }
            }
        }
        if (o.system == null) {
            o.system = o.protocol;
        }
        return o;
    }

    private void set(String name, String v) {
        switch (name) {
            case "--url" -> url = v;
            case "--protocol" -> protocol = v.toLowerCase(Locale.ROOT);
            case "--system" -> system = v;
            case "--workload", "--workloads" -> workloads = parseWorkloads(v);
            case "--clients" -> clients = parseInts(v, 1, name);
            case "--duration" -> duration = positive(parseDuration(v), name);
            case "--count" -> count = parseLong(v, 1, name);
            case "--warmup" -> warmup = parseDuration(v);
            case "--reps" -> reps = (int) parseLong(v, 1, name);
            case "--batch" -> batch = (int) parseLong(v, 1, name);
            case "--value-size" -> valueSize = (int) parseLong(v, 0, name);
            case "--keyspace" -> keyspace = (int) parseLong(v, 1, name);
            case "--write-percent" -> writePercent = (int) parseLong(v, 0, name);
            case "--pids" -> pids = v.isBlank() ? List.of() : parseInts(v, 1, name);
            case "--retry-busy" -> retryBusy = (int) parseLong(v, 0, name);
            case "--timeout" -> timeout = positive(parseDuration(v), name);
            case "--json" -> json = v;
            case "--host" -> floorHost = v;
            case "--port" -> floorPort = (int) parseLong(v, 0, name);
            default -> throw new IllegalArgumentException("unknown option " + name + "\n" + USAGE);
        }
    }

    private static String value(String[] args, int i, String name) {
        if (i >= args.length) {
            throw new IllegalArgumentException(name + " needs a value");
        }
        return args[i];
    }

    static List<Workload> parseWorkloads(String v) {
        if (v.trim().equalsIgnoreCase("all")) {
            return List.of(Workload.values());
        }
        if (v.trim().equalsIgnoreCase("none")) {
            return List.of(); // only --setup / --prefill
        }
        List<Workload> out = new ArrayList<>();
        for (String s : v.split(",")) {
            if (!s.isBlank()) {
                out.add(Workload.parse(s));
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no workload given (\"none\" runs only --setup and --prefill)");
        }
        return out;
    }

    /** "10s", "500ms", "2m", "1h", "1.5s" or a plain number of seconds. */
    static Duration parseDuration(String v) {
        String s = v.trim().toLowerCase(Locale.ROOT);
        double factorMillis;
        String num;
        if (s.endsWith("ms")) {
            factorMillis = 1;
            num = s.substring(0, s.length() - 2);
        } else if (s.endsWith("s")) {
            factorMillis = 1000;
            num = s.substring(0, s.length() - 1);
        } else if (s.endsWith("m")) {
            factorMillis = 60_000;
            num = s.substring(0, s.length() - 1);
        } else if (s.endsWith("h")) {
            factorMillis = 3_600_000;
            num = s.substring(0, s.length() - 1);
        } else {
            factorMillis = 1000;
            num = s;
        }
        try {
            double d = Double.parseDouble(num);
            if (d < 0 || !Double.isFinite(d)) {
                throw new NumberFormatException();
            }
            return Duration.ofNanos(Math.round(d * factorMillis * 1e6));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a duration: '" + v + "' (use e.g. 10s, 500ms, 2m)");
        }
    }

    private static Duration positive(Duration d, String name) {
        if (d.isZero()) {
            throw new IllegalArgumentException(name + " must be > 0");
        }
        return d;
    }

    private static List<Integer> parseInts(String v, long min, String name) {
        List<Integer> out = new ArrayList<>();
        for (String s : v.split(",")) {
            if (!s.isBlank()) {
                out.add((int) parseLong(s, min, name));
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(name + " needs at least one number");
        }
        return out;
    }

    private static long parseLong(String v, long min, String name) {
        long n;
        try {
            n = Long.parseLong(v.trim().replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ": not a number: '" + v + "'");
        }
        if (n < min) {
            throw new IllegalArgumentException(name + " must be >= " + min + ", got " + n);
        }
        return n;
    }
}
