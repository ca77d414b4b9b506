package io.raftlite.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class RequestMetricsTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final RequestMetrics meters = new RequestMetrics(registry);

    private double forwardFailures(String operation) {
        Counter counter = registry.find("raftlite.forward.failures").tag("operation", operation).counter();
        assertThat(counter).as("counter for %s", operation).isNotNull();
        return counter.count();
    }

    @Test
    void forwardFailureCountersExistBeforeTheFirstFailure() {
        // Alerts compute rates over them: a series that appears only with the first failure would be
        // missing from every expression until then.
        assertThat(forwardFailures("Execute")).isZero();
        assertThat(forwardFailures("Query")).isZero();
        assertThat(forwardFailures("Request")).isZero();
    }

    @Test
    void forwardFailuresAreCountedByOperation() {
        meters.forwardFailure("Execute");
        meters.forwardFailure("Execute");
        meters.forwardFailure("Load");
        assertThat(forwardFailures("Execute")).isEqualTo(2);
        assertThat(forwardFailures("Load")).isEqualTo(1);
        assertThat(forwardFailures("Query")).isZero();
    }

    @Test
    void outcomeFollowsTheStatus() {
        meters.request("execute", 200, 1_000);
        meters.request("execute", 503, 1_000);
        meters.request("execute", 400, 1_000);
        meters.request("execute", 500, 1_000);
        meters.request("execute", 301, 1_000);
        for (String outcome : new String[] {"success", "unavailable", "client_error", "server_error", "redirect"}) {
            assertThat(registry.find("raftlite.http.requests").tag("endpoint", "execute").tag("outcome", outcome).timer())
                    .as(outcome).isNotNull()
                    .extracting(t -> t.count()).isEqualTo(1L);
        }
        assertThat(meters.requestCount("execute")).isEqualTo(5);
    }

    @Test
    void repeatedRequestsAddUpOnOneSeriesPerEndpointAndOutcome() {
        for (int i = 0; i < 3; i++) {
            meters.request("query", 200, 2_000_000);
            meters.statements("query", 2);
        }
        meters.request("query", 400, 1_000);
        meters.request("execute", 200, 1_000);
        meters.statements("execute", 5);
        var query = registry.find("raftlite.http.requests").tag("endpoint", "query").tag("outcome", "success").timers();
        assertThat(query).hasSize(1);
        assertThat(query.iterator().next().count()).isEqualTo(3);
        assertThat(query.iterator().next().totalTime(java.util.concurrent.TimeUnit.MILLISECONDS)).isEqualTo(6.0);
        assertThat(meters.requestCount("query")).isEqualTo(4);
        assertThat(meters.requestCount("execute")).isEqualTo(1);
        assertThat(registry.find("raftlite.statements").tag("endpoint", "query").counter().count()).isEqualTo(6);
        assertThat(registry.find("raftlite.statements").tag("endpoint", "execute").counter().count()).isEqualTo(5);
    }
}
