package io.raftlite.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * Meters for the rqlite API: {@code raftlite_http_requests} (a timer: count, sum and max, by
 * endpoint and outcome), {@code raftlite_statements_total} (by endpoint) and
 * {@code raftlite_forward_failures_total} (by operation). Thread-safe.
 */
public final class RequestMetrics {
    private final MeterRegistry registry;

    public RequestMetrics(MeterRegistry registry) {
        this.registry = registry;
        // Registered at 0, so that rates and alerts over them work before the first failure.
        for (String operation : new String[] {"Execute", "Query", "Request"}) {
            forwardFailures(operation);
        }
    }

    /**
     * Records one request.
     *
     * @param endpoint e.g. {@code execute}, {@code query}
     * @param status the HTTP status answered; outcome is {@code success} (2xx),
     *     {@code client_error} (4xx), {@code unavailable} (503) or {@code server_error}
     */
    public void request(String endpoint, int status, long nanos) {
        Timer.builder("raftlite.http.requests")
                .description("rqlite API requests by endpoint and outcome")
                .tag("endpoint", endpoint)
                .tag("outcome", outcome(status))
                .register(registry)
                .record(Duration.ofNanos(nanos));
    }

    /** Counts statements received on an endpoint. */
    public void statements(String endpoint, int count) {
        Counter.builder("raftlite.statements")
                .description("SQL statements received, by endpoint")
                .tag("endpoint", endpoint)
                .register(registry)
                .increment(count);
    }

    /**
     * Counts a request this follower could not forward to the leader (the connection failed or the
     * leader did not answer in time). rqlite answers those with 200 and a top-level {@code error}, so
     * {@link #request} counts them as successes; {@code raftlite_forward_failures_total} tells them apart.
     *
     * @param operation rqlite's name for it: {@code Execute}, {@code Query}, {@code Request}, ...
     */
    public void forwardFailure(String operation) {
        forwardFailures(operation).increment();
    }

    private Counter forwardFailures(String operation) {
        return Counter.builder("raftlite.forward.failures")
                .description("Requests a follower failed to forward to the leader, by operation")
                .tag("operation", operation)
                .register(registry);
    }

    /**
     * How many requests {@link #request} has recorded for {@code endpoint} since start, whatever
     * their outcome (the expvar-style counters of {@code /debug/vars} are derived from this).
     */
    public long requestCount(String endpoint) {
        return registry.find("raftlite.http.requests").tag("endpoint", endpoint).timers().stream()
                .mapToLong(Timer::count).sum();
    }

    private static String outcome(int status) {
        if (status < 300) {
            return "success";
        }
        if (status == 503) {
            return "unavailable";
        }
        if (status < 500) {
            return status < 400 ? "redirect" : "client_error";
        }
        return "server_error";
    }
}
