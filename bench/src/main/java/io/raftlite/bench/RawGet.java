package io.raftlite.bench;

import java.util.List;

/**
 * GET / for every workload, any 2xx is a success: measures the HTTP round-trip floor of a
 * server, or the load generator's own ceiling against {@link FloorServer}.
 */
public final class RawGet implements Protocol {

    @Override
    public String name() {
        return "raw";
    }

    @Override
    public String unsupported(Workload workload) {
        return null;
    }

    @Override
    public String describe(Workload workload) {
        return "GET /";
    }

    @Override
    public HttpRequest request(Workload workload, long seq, WorkloadParams params) {
        return HttpRequest.get("/");
    }

    @Override
    public HttpRequest prefill(long j, WorkloadParams params) {
        return HttpRequest.get("/");
    }

    @Override
    public List<HttpRequest> setup() {
        return List.of();
    }

    @Override
    public String check(HttpRequest request, HttpResponse response) {
        return response.is2xx() ? null : response.summary();
    }
}
