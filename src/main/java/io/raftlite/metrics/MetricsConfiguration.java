package io.raftlite.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.raftlite.store.Store;
import io.raftlite.store.StoreMetrics;
import java.util.concurrent.TimeUnit;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The {@code raftlite_*} meters: Raft indexes, term and leadership, apply latency, snapshots and the
 * SQLite file size, plus request meters ({@link RequestMetrics}).
 */
@Configuration(proxyBeanMethods = false)
public class MetricsConfiguration {

    @Bean
    RequestMetrics requestMetrics(MeterRegistry registry) {
        return new RequestMetrics(registry);
    }

    /** Timers the store records into while it applies entries and saves snapshots. */
    @Bean
    StoreMetrics storeMetrics(MeterRegistry registry) {
        Timer apply = Timer.builder("raftlite.raft.apply")
                .description("Time to apply one log entry to SQLite")
                .publishPercentileHistogram()
                .register(registry);
        Timer snapshot = Timer.builder("raftlite.snapshot")
                .description("Time to save a snapshot, from pinning the database to the copied file")
                .register(registry);
        DistributionSummary proposal = DistributionSummary.builder("raftlite.raft.proposal.requests")
                .description("Client requests per log entry this leader proposed (group commit)")
                .serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64, 128, 256)
                .register(registry);
        Counter gatherTimeouts = Counter.builder("raftlite.raft.proposal.gather.timeouts")
                .description("Entries this leader proposed before every client of the entry before had come back (a gap with no requests, or the gather time)")
                .register(registry);
        return new StoreMetrics() {
            @Override
            public void recordApply(long nanos) {
                apply.record(nanos, TimeUnit.NANOSECONDS);
            }

            @Override
            public void recordProposal(int requests) {
                proposal.record(requests);
            }

            @Override
            public void recordGatherTimeout() {
                gatherTimeouts.increment();
            }

            @Override
            public void recordSnapshot(long nanos) {
                snapshot.record(nanos, TimeUnit.NANOSECONDS);
            }
        };
    }

    /** Gauges read from the store when scraped. */
    @Bean
    MeterBinder storeGauges(Store store) {
        return registry -> {
            Gauge.builder("raftlite.raft.commit.index", store, Store::commitIndex)
                    .description("Highest log index known to be committed").register(registry);
            Gauge.builder("raftlite.raft.applied.index", store, Store::appliedIndex)
                    .description("Highest log index applied to SQLite").register(registry);
            Gauge.builder("raftlite.raft.last.log.index", store, Store::lastLogIndex)
                    .description("Highest index in this node's log").register(registry);
            Gauge.builder("raftlite.raft.term", store, Store::term)
                    .description("Current Raft term").register(registry);
            Gauge.builder("raftlite.raft.leader", store, s -> s.isLeader() ? 1 : 0)
                    .description("1 if this node is the leader").register(registry);
            Gauge.builder("raftlite.raft.peers", store, s -> s.peers().size())
                    .description("Voters in the Raft configuration").register(registry);
            FunctionCounter.builder("raftlite.snapshots", store, Store::snapshotCount)
                    .description("Snapshots saved since start").register(registry);
            Gauge.builder("raftlite.sqlite.size", store, s -> s.isOpen() ? s.database().fileSize() : 0)
                    .description("Size of the SQLite main file").baseUnit("bytes").register(registry);
            Gauge.builder("raftlite.sqlite.wal.size", store, s -> s.isOpen() ? s.database().walSize() : 0)
                    .description("Size of the SQLite WAL file").baseUnit("bytes").register(registry);
        };
    }
}
