package io.raftlite.metrics;

import io.raftlite.store.Store;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Readiness of the node: the store is open, a leader is known, and the log is applied up to the
 * commit index this node knows of, give or take the few entries a steady write load keeps in flight
 * ({@code Store.isReady}). Part of the readiness group only: a node without a leader is
 * alive and must not be restarted for it.
 */
@Component("raftlite")
public class StoreHealthIndicator implements HealthIndicator {
    private final Store store;

    public StoreHealthIndicator(Store store) {
        this.store = store;
    }

    @Override
    public Health health() {
        Health.Builder b = store.isReady() ? Health.up() : Health.outOfService();
        return b.withDetail("open", store.isOpen())
                .withDetail("leader", store.leaderRaftAddress())
                .withDetail("state", store.raftState())
                .withDetail("commitIndex", store.commitIndex())
                .withDetail("appliedIndex", store.appliedIndex())
                .build();
    }
}
