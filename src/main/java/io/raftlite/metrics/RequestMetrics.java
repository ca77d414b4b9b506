package io.raftlite.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

/**
 * Meters for the rqlite API: {@code raftlite_http_requests} (a timer: count, sum and max, by
 * endpoint and outcome), {@code raftlite_statements_total} (by endpoint) and
 * {@code raftlite_forward_failures_total} (by operation). Thread-safe.
 *
 * <p>The meters of the data path are looked up once and kept: building and registering a meter
 * per request (tags, an id, a lookup in the registry's map) was about 1% of a point read's CPU
 * on the leader in a profile.
 */
public final class RequestMetrics {
    private final MeterRegistry registry;
    /** By endpoint, then by {@link Outcome#ordinal()}; filled on first use. */
    private final ConcurrentMap<String, Timer[]> requestTimers = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Counter> statementCounters = new ConcurrentHashMap<>();

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
        Outcome outcome = Outcome.of(status);
        Timer[] byOutcome = requestTimers.computeIfAbsent(endpoint, e -> new Timer[Outcome.values().length]);
        Timer timer = byOutcome[outcome.ordinal()];
        if (timer == null) {
            // Two threads may both get here: the registry gives both the same timer.
            timer = Timer.builder("raftlite.http.requests")
                    .description("rqlite API requests by endpoint and outcome")
                    .tag("endpoint", endpoint)
                    .tag("outcome", outcome.tag)
                    .register(registry);
            byOutcome[outcome.ordinal()] = timer;
        }
        timer.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Counts statements received on an endpoint. */
    public void statements(String endpoint, int count) {
        statementCounters.computeIfAbsent(endpoint, e -> Counter.builder("raftlite.statements")
                .description("SQL statements received, by endpoint")
                .tag("endpoint", e)
                .register(registry)).increment(count);
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

    /** The {@code outcome} tag of a request, by its HTTP status. */
    private enum Outcome {
        SUCCESS("success"), REDIRECT("redirect"), CLIENT_ERROR("client_error"), UNAVAILABLE("unavailable"),
        SERVER_ERROR("server_error");

        final String tag;

        Outcome(String tag) {
            this.tag = tag;
        }

        static Outcome of(int status) {
            if (status < 300) {
                return SUCCESS;
            }
            if (status == 503) {
                return UNAVAILABLE;
            }
            if (status < 500) {
                return status < 400 ? REDIRECT : CLIENT_ERROR;
            }
            return SERVER_ERROR;
        }
    }
}
