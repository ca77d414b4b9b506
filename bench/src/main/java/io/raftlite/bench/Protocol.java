package io.raftlite.bench;

import java.util.List;
import java.util.Locale;

/**
 * How one kind of server is spoken to: the HTTP request for each workload, how a reply is judged,
 * and which workloads it cannot do. Implementations hold no connection state.
 */
public interface Protocol {

    String name();

    /** Null if the workload can be run, otherwise why not (reported as n/a). */
    String unsupported(Workload workload);

    /** What a request of this workload is, for the report (e.g. "GET /db/query?level=weak"). */
    String describe(Workload workload);

    /** Request number {@code seq} of a run of {@code workload}. */
    HttpRequest request(Workload workload, long seq, WorkloadParams params);

    /** Writes prefilled key number {@code j} (idempotent: run twice, still one row). */
    HttpRequest prefill(long j, WorkloadParams params);

    /** Requests that prepare the server (create the table); may be empty. */
    List<HttpRequest> setup();

    /**
     * For queued writes: a request that returns only once everything queued before it is durable,
     * or null. Its time is reported as the drain time.
     */
    default HttpRequest drain(WorkloadParams params) {
        return null;
    }

    /** Null if the reply is a success, otherwise a short description of the error. */
    String check(HttpRequest request, HttpResponse response);

    /** True if the reply says "busy, try again" (dqlite's database is locked). */
    default boolean isBusy(HttpResponse response) {
        return false;
    }

    static Protocol forName(String name) {
        return switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "raftlite", "rqlite" -> new RqliteApi(name.trim().toLowerCase(Locale.ROOT));
            case "etcd" -> new EtcdGateway();
            case "dqlite", "dqlite-demo" -> new DqliteDemoApi();
            case "raw" -> new RawGet();
            default -> throw new IllegalArgumentException("unknown protocol '" + name
                    + "'; known: raftlite, rqlite, etcd, dqlite, raw");
        };
    }
}
