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
}
