package io.raftlite.bench;

import java.util.List;

/**
 * dqlite through go-dqlite's dqlite-demo: PUT /&lt;key&gt; with the value as body (an INSERT OR
 * REPLACE), GET /&lt;key&gt; for the value. The demo always answers 200 and reports failures as a
 * body starting with "Error:". It has one read path and no batches or queued writes.
 */
public final class DqliteDemoApi implements Protocol {

    @Override
    public String name() {
        return "dqlite";
    }

    @Override
    public String unsupported(Workload workload) {
        return switch (workload) {
            case BATCH -> "dqlite-demo has no multi-statement request";
            case QUEUED -> "dqlite-demo has no queued write";
            case READ_NONE, READ_STRONG, READ_LINEARIZABLE -> "dqlite-demo has one read level (run read-weak)";
            default -> null;
        };
    }

    @Override
    public String describe(Workload workload) {
        return switch (workload) {
            case WRITE -> "PUT /<key>";
            case READ_WEAK -> "GET /<key>";
            case MIXED -> "PUT /<key> | GET /<key>";
            default -> "n/a";
        };
    }

    @Override
    public HttpRequest request(Workload workload, long seq, WorkloadParams p) {
        return switch (workload) {
            case WRITE -> HttpRequest.put("/" + p.writeKey(seq, 0), p.value());
            case READ_WEAK -> HttpRequest.get("/" + p.readKey(seq));
            case MIXED -> p.isMixedWrite(seq)
                    ? HttpRequest.put("/" + p.writeKey(seq, 0), p.value())
                    : HttpRequest.get("/" + p.readKey(seq));
            default -> throw new IllegalArgumentException("dqlite-demo cannot run " + workload.cliName());
        };
    }

    @Override
    public HttpRequest prefill(long j, WorkloadParams p) {
        return HttpRequest.put("/" + p.prefillKey(j), p.value());
    }

    @Override
    public List<HttpRequest> setup() {
        return List.of();
    }

    @Override
    public String check(HttpRequest request, HttpResponse response) {
        if (!response.is2xx() || response.bodyStartsWith("Error")) {
            return response.summary();
        }
        return null;
    }

    @Override
    public boolean isBusy(HttpResponse response) {
        return response.bodyContains("database is locked") || response.bodyContains("SQLITE_BUSY");
    }
}
