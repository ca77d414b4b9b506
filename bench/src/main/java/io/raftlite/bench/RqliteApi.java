package io.raftlite.bench;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * rqlite's HTTP API, which raftlite speaks too: writes are POST /db/execute with parameterized
 * statements, point reads are GET /db/query?level=...&amp;q=SELECT, queued writes add ?queue.
 * Uses a table {@code bench(k TEXT PRIMARY KEY, v TEXT)} that {@link #setup()} creates.
 */
public final class RqliteApi implements Protocol {

    static final String CREATE_TABLE = "CREATE TABLE IF NOT EXISTS bench (k TEXT PRIMARY KEY, v TEXT)";
    private static final String INSERT = "INSERT INTO bench(k, v) VALUES(?, ?)";
    private static final String UPSERT = "INSERT OR REPLACE INTO bench(k, v) VALUES(?, ?)";
    /** URL-encoded "SELECT v FROM bench WHERE k='" ; the key and the closing quote follow. */
    private static final String SELECT_PREFIX =
            URLEncoder.encode("SELECT v FROM bench WHERE k='", StandardCharsets.UTF_8);
    private static final String QUOTE = URLEncoder.encode("'", StandardCharsets.UTF_8);

    private final String name;

    public RqliteApi(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String unsupported(Workload workload) {
        return null;
    }

    @Override
    public String describe(Workload workload) {
        return switch (workload) {
            case WRITE -> "POST /db/execute [INSERT]";
            case BATCH -> "POST /db/execute [INSERT x batch]";
            case QUEUED -> "POST /db/execute?queue [INSERT]";
            case MIXED -> "POST /db/execute [INSERT] | GET /db/query?level=weak";
            default -> "GET /db/query?level=" + workload.level();
        };
    }

    @Override
    public HttpRequest request(Workload workload, long seq, WorkloadParams p) {
        return switch (workload) {
            case WRITE -> HttpRequest.post("/db/execute", inserts(seq, 1, p));
            case BATCH -> HttpRequest.post("/db/execute", inserts(seq, p.batch(), p));
            case QUEUED -> HttpRequest.post("/db/execute?queue", inserts(seq, 1, p));
            case MIXED -> p.isMixedWrite(seq)
                    ? HttpRequest.post("/db/execute", inserts(seq, 1, p))
                    : read("weak", p.readKey(seq));
            default -> read(workload.level(), p.readKey(seq));
        };
    }

    @Override
    public HttpRequest prefill(long j, WorkloadParams p) {
        return HttpRequest.post("/db/execute",
                "[[" + Json.quote(UPSERT) + "," + Json.quote(p.prefillKey(j)) + "," + Json.quote(p.value()) + "]]");
    }

    @Override
    public List<HttpRequest> setup() {
        return List.of(HttpRequest.post("/db/execute", "[" + Json.quote(CREATE_TABLE) + "]"));
    }

    @Override
    public HttpRequest drain(WorkloadParams p) {
        return HttpRequest.post("/db/execute?queue&wait&timeout=120s", "[[" + Json.quote(UPSERT) + ","
                + Json.quote("drain_" + p.runTag()) + "," + Json.quote(p.value()) + "]]");
    }

    @Override
    public String check(HttpRequest request, HttpResponse response) {
        if (!response.is2xx() || response.bodyContains("\"error\"")) {
            return response.summary();
        }
        if (request.path().startsWith("/db/query") && !response.bodyContains("\"values\"")) {
            return "row not found: " + response.summary();
        }
        return null;
    }

    private static String inserts(long seq, int n, WorkloadParams p) {
        String value = Json.quote(p.value());
        StringBuilder b = new StringBuilder(16 + n * (60 + p.valueSize()));
        b.append('[');
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                b.append(',');
            }
            b.append("[\"").append(INSERT).append("\",\"").append(p.writeKey(seq, i)).append("\",")
                    .append(value).append(']');
        }
        return b.append(']').toString();
    }

    private static HttpRequest read(String level, String key) {
        return HttpRequest.get("/db/query?level=" + level + "&q=" + SELECT_PREFIX + key + QUOTE);
    }
}
