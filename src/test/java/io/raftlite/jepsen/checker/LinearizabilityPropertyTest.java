package io.raftlite.jepsen.checker;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftlite.jepsen.history.History;
import io.raftlite.jepsen.history.Operation.Type;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Property-style tests on generated histories with fixed seeds: what a sequential simulation produced
 * must be found linearizable, and the same history with one read made stale must be flagged on the
 * right key. Also the size the fault-injection suite needs (~10k operations) must check in seconds.
 */
class LinearizabilityPropertyTest {

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
    void simulatedHistoriesAreLinearizable(long seed) {
        History h = new RegisterSimulation(seed, 6, 3, 600, 0.05, 60).generate();

        RegisterReport report = new RegisterChecker().check(h);

        assertThat(report.validity()).as(report.summary()).isEqualTo(Validity.VALID);
        assertThat(report.keys()).hasSize(3);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
    void aStaleReadPlantedInASimulatedHistoryIsFlagged(long seed) {
        History h = new RegisterSimulation(seed, 6, 3, 600, 0.05, 60).generate();
        RegisterSimulation.Mutation m = RegisterSimulation.withStaleRead(h, new Random(seed));

        RegisterReport report = new RegisterChecker().check(m.history());

        assertThat(report.validity()).as(report.summary()).isEqualTo(Validity.INVALID);
        report.keys().forEach((key, result) -> assertThat(result.validity()).as("key %s", key)
                .isEqualTo(key.equals(m.key()) ? Validity.INVALID : Validity.VALID));
        assertThat(report.key(m.key()).result().blocked()).isNotEmpty();
    }

    @Test
    void aHotKeyWithTenClientsIsLinearizable() {
        History h = new RegisterSimulation(42, 10, 1, 2000, 0.03, 100).generate();

        RegisterReport report = new RegisterChecker().check(h);

        assertThat(report.validity()).as(report.summary()).isEqualTo(Validity.VALID);
    }

    @Test
    void aStaleReadOnAHotKeyIsFlagged() {
        History h = new RegisterSimulation(43, 10, 1, 2000, 0.03, 100).generate();
        RegisterSimulation.Mutation m = RegisterSimulation.withStaleRead(h, new Random(43));

        RegisterReport report = new RegisterChecker().check(m.history());

        assertThat(report.validity()).as(report.summary()).isEqualTo(Validity.INVALID);
    }

    /** The size the suite records: ~10k operations (20k events) over 10 keys with 10 clients, in seconds. */
    @Test
    void tenThousandOperationsCheckInSeconds() {
        History h = new RegisterSimulation(7, 10, 10, 10_000, 0.02, 100).generate();
        assertThat(OpCounts.of(h).count(Type.INVOKE)).isEqualTo(10_000);

        long start = System.nanoTime();
        RegisterReport report = new RegisterChecker().check(h);
        long millis = (System.nanoTime() - start) / 1_000_000;

        assertThat(report.validity()).as(report.summary()).isEqualTo(Validity.VALID);
        // Generous for a noisy 2-core machine; the default budget would give up (UNKNOWN) after 60 s.
        assertThat(millis).as("check time").isLessThan(20_000);
        System.out.println("10k ops: " + report.summary().lines().findFirst().orElseThrow());
    }
}
