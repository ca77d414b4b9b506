package io.raftlite.bench;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * etcd v3 through its HTTP/JSON gateway: POST /v3/kv/put and /v3/kv/range with base64 keys and
 * values. etcd reads are linearizable by default (a read-index round trip) or serializable (the
 * local copy): "none" maps to serializable, "weak" and "linearizable" to the default. There is no
 * read through the log, no SQL batch and no queued write: those are n/a.
 */
public final class EtcdGateway implements Protocol {

    @Override
    public String name() {
        return "etcd";
    }

    @Override
    public String unsupported(Workload workload) {
        return switch (workload) {
            case BATCH -> "no multi-statement SQL request";
            case QUEUED -> "no queued (acknowledge-before-commit) write";
            case READ_STRONG -> "no read through the Raft log";
            default -> null;
        };
    }

    @Override
    public String describe(Workload workload) {
        return switch (workload) {
            case WRITE -> "POST /v3/kv/put";
            case READ_NONE -> "POST /v3/kv/range serializable";
            case MIXED -> "POST /v3/kv/put | POST /v3/kv/range (linearizable)";
            default -> workload.isRead() ? "POST /v3/kv/range (linearizable)" : "n/a";
        };
    }

    @Override
    public HttpRequest request(Workload workload, long seq, WorkloadParams p) {
        return switch (workload) {
            case WRITE -> put(p.writeKey(seq, 0), p);
            case READ_NONE -> range(p.readKey(seq), true);
            case READ_WEAK, READ_LINEARIZABLE -> range(p.readKey(seq), false);
            case MIXED -> p.isMixedWrite(seq) ? put(p.writeKey(seq, 0), p) : range(p.readKey(seq), false);
            default -> throw new IllegalArgumentException("etcd cannot run " + workload.cliName());
        };
    }

    @Override
    public HttpRequest prefill(long j, WorkloadParams p) {
        return put(p.prefillKey(j), p);
    }

    @Override
    public List<HttpRequest> setup() {
        return List.of();
    }

    @Override
    public String check(HttpRequest request, HttpResponse response) {
        if (!response.is2xx() || response.bodyContains("\"error\"")) {
            return response.summary();
        }
        if (request.path().equals("/v3/kv/range") && !response.bodyContains("\"kvs\"")) {
            return "key not found: " + response.summary();
        }
        return null;
    }

    private static HttpRequest put(String key, WorkloadParams p) {
        return HttpRequest.post("/v3/kv/put", "{\"key\":\"" + b64(key) + "\",\"value\":\"" + b64(p.value()) + "\"}");
    }

    private static HttpRequest range(String key, boolean serializable) {
        return HttpRequest.post("/v3/kv/range",
                "{\"key\":\"" + b64(key) + "\"" + (serializable ? ",\"serializable\":true" : "") + "}");
    }

    static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
