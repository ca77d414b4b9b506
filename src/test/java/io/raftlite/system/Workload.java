package io.raftlite.system;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Client threads against the Service, each a writer with its own ID: inserts through
 * {@code /db/execute} (literal SQL, positional and named parameters, a two-row transaction),
 * reads through {@code /db/query} at levels none, weak and strong, and mixed requests through
 * {@code /db/request}. Every write has a unique key recorded in the {@link WriteLedger}. A failed
 * request is not retried (its write is uncertain); the thread goes on with the next one.
 *
 * <p>Reads check read-your-writes where the API promises it: a strong read, and the read in the
 * same {@code /db/request} as a write, count at least the writer's rows acknowledged before.
 */
final class Workload implements AutoCloseable {
    /** Table the workload writes; created by {@link #CREATE_TABLE}. */
    static final String CREATE_TABLE =
            "CREATE TABLE events (id INTEGER PRIMARY KEY, k TEXT NOT NULL, writer INTEGER NOT NULL, note TEXT)";
    static final String ROWS_BY_KEY = "SELECT k, COUNT(*) FROM events GROUP BY k";
    private static final String INSERT = "INSERT INTO events(k, writer, note) VALUES(?, ?, ?)";
    private static final String COUNT_OWN = "SELECT COUNT(*) FROM events WHERE writer = ?";
    private static final AtomicInteger WRITER_IDS = new AtomicInteger();

    enum Mix { MIXED, WRITES }

    private final String phase;
    private final String service;
    private final WriteLedger ledger;
    private final Mix mix;
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final ConcurrentLinkedQueue<String> failureSamples = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<long[]> acks = new ConcurrentLinkedQueue<>(); // {thread, start nanos}
    private volatile boolean running = true;

    /**
     * @param phase prefix of this workload's keys
     * @param service base URL of the Service ({@code http://host:port})
     */
    Workload(String phase, String service, WriteLedger ledger, Mix mix, int threadCount) {
        this.phase = phase;
        this.service = service;
        this.ledger = ledger;
        this.mix = mix;
        for (int t = 0; t < threadCount; t++) {
            int thread = t;
            int writer = WRITER_IDS.incrementAndGet();
            Thread th = new Thread(() -> run(thread, writer), "workload-" + phase + "-" + t);
            th.setDaemon(true);
            threads.add(th);
        }
        threads.forEach(Thread::start);
    }

    private void run(int thread, int writer) {
        Random random = new Random(31L * phase.hashCode() + thread);
        Client c = new Client(thread, writer);
        while (running) {
            // WRITES: inserts, and every eighth request a strong read of the writer's own rows.
            int op = mix == Mix.WRITES ? (++c.sent % 8 == 0 ? 9 : random.nextInt(2)) : random.nextInt(10);
            switch (op) {
                case 0, 1 -> c.insert(op == 0 ? "literal" : "positional");
                case 2 -> c.insert("named");
                case 3 -> c.transaction();
                case 4 -> c.request();
                case 5, 6 -> c.read("none");
                case 7 -> c.read("weak");
                default -> c.strongRead();
            }
        }
    }

    /** One client thread's requests. */
    private final class Client {
        final int thread;
        final int writer;
        int seq;
        int sent;
        int acknowledged; // this writer's acknowledged rows

        Client(int thread, int writer) {
            this.thread = thread;
            this.writer = writer;
        }

        String nextKey() {
            return phase + "-" + writer + "-" + seq++;
        }

        void insert(String style) {
            String key = nextKey();
            String body = switch (style) {
                case "literal" -> Http.json(List.of("INSERT INTO events(k, writer, note) VALUES('" + key + "', " + writer
                        + ", 'literal')"));
                case "named" -> Http.json(List.of(List.of("INSERT INTO events(k, writer, note) VALUES(:k, :writer, :note)",
                        Map.of("k", key, "writer", writer, "note", "named"))));
                default -> Http.json(List.of(List.of(INSERT, key, writer, style)));
            };
            write(List.of(key), "/db/execute", body);
        }

        void transaction() {
            String a = nextKey();
            String b = nextKey();
            write(List.of(a, b), "/db/execute?transaction",
                    Http.json(List.of(List.of(INSERT, a, writer, "tx"), List.of(INSERT, b, writer, "tx"))));
        }

        void request() {
            String key = nextKey();
            int before = acknowledged;
            JsonNode results = write(List.of(key), "/db/request",
                    Http.json(List.of(List.of(INSERT, key, writer, "request"), List.of(COUNT_OWN, writer))));
            if (results != null) {
                long count = results.get(1).at("/values/0/0").asLong(-1);
                if (count < before + 1) {
                    violations.add("/db/request by writer " + writer + " counted " + count + " own rows after its write; "
                            + (before + 1) + " were acknowledged");
                }
            }
        }

        void read(String level) {
            call("/db/query?level=" + level + "&q=" + Http.encode("SELECT COUNT(*) FROM events"), null);
        }

        void strongRead() {
            int before = acknowledged;
            JsonNode results = call("/db/query?level=strong", Http.json(List.of(List.of(COUNT_OWN, writer))));
            if (results != null) {
                long count = results.get(0).at("/values/0/0").asLong(-1);
                if (count < before) {
                    violations.add("strong read by writer " + writer + " counted " + count + " own rows; " + before
                            + " were acknowledged before it");
                }
            }
        }

        /** A write: acknowledged if the request succeeds, else uncertain. Returns the results or null. */
        JsonNode write(List<String> keys, String path, String body) {
            long start = System.nanoTime();
            JsonNode results = call(path, body);
            if (results != null) {
                keys.forEach(ledger::acknowledge);
                acknowledged += keys.size();
                acks.add(new long[] {thread, start});
            } else {
                keys.forEach(ledger::uncertain);
            }
            return results;
        }

        /** GET (body null) or POST; the results array if the answer is 200 without any error, else null. */
        JsonNode call(String path, String body) {
            requests.incrementAndGet();
            String outcome;
            try {
                Http.Response r = body == null ? Http.get(service + path) : Http.post(service + path, body);
                if (r.status() == 200) {
                    JsonNode json = r.json();
                    boolean error = json.has("error");
                    for (JsonNode result : json.path("results")) {
                        error |= result.has("error");
                    }
                    if (!error && json.path("results").isArray()) {
                        return json.path("results");
                    }
                }
                outcome = r.status() + " " + r.body() + " (endpoint " + r.header(ServiceProxy.ENDPOINT_HEADER) + ")";
            } catch (RuntimeException e) {
                outcome = e.toString();
            }
            failures.incrementAndGet();
            if (failureSamples.size() < 20) {
                failureSamples.add(path + " -> " + outcome);
            }
            Waits.pause(100);
            return null;
        }
    }

    long requests() {
        return requests.get();
    }

    long failures() {
        return failures.get();
    }

    List<String> failureSamples() {
        return List.copyOf(failureSamples);
    }

    List<String> violations() {
        return List.copyOf(violations);
    }

    int threads() {
        return threads.size();
    }

    /** Acknowledged writes of one thread that were sent after {@code nanoTime}. */
    long acknowledgedSince(int thread, long nanoTime) {
        return acks.stream().filter(a -> a[0] == thread && a[1] > nanoTime).count();
    }

    /** Stops the threads after their current request. */
    @Override
    public void close() {
        running = false;
        for (Thread t : threads) {
            try {
                t.join(60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (t.isAlive()) {
                throw new IllegalStateException(t.getName() + " did not stop within 60 s");
            }
        }
    }

    @Override
    public String toString() {
        return phase + ": " + requests() + " requests, " + failures() + " failed " + failureSamples()
                + ", read-your-writes violations " + violations();
    }
}
