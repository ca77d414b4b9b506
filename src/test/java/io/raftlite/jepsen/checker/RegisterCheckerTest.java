package io.raftlite.jepsen.checker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raftlite.jepsen.history.Call;
import io.raftlite.jepsen.history.Functions;
import io.raftlite.jepsen.history.History;
import io.raftlite.jepsen.history.Operation.Type;
import io.raftlite.jepsen.history.Value;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Known-good and known-bad register histories, small enough to verify by hand. */
class RegisterCheckerTest {
    private static final String X = "x";

    private static RegisterReport check(HistoryBuilder h) {
        return new RegisterChecker().check(h.build());
    }

    private static Validity validity(HistoryBuilder h) {
        return check(h).validity();
    }

    @Test
    void sequentialWriteThenReadIsValid() {
        assertThat(validity(new HistoryBuilder()
                .read(0, X, (Long) null, 0, 5)
                .write(0, X, 1, 10, 20)
                .read(1, X, 1L, 30, 40)
                .cas(1, X, 1, 2, 50, 60)
                .read(0, X, 2L, 70, 80))).isEqualTo(Validity.VALID);
    }

    @Test
    void staleReadAfterCompletedWriteIsInvalid() {
        RegisterReport report = check(new HistoryBuilder()
                .write(0, X, 1, 0, 10)
                .write(0, X, 2, 20, 30)
                .read(1, X, 1L, 40, 50));

        assertThat(report.validity()).isEqualTo(Validity.INVALID);
        LinearizabilityResult r = report.key(X).result();
        assertThat(r.longestPrefix()).extracting(Call::argument).containsExactly(Value.of(1), Value.of(2));
        assertThat(r.stateAfterPrefix()).isEqualTo(Value.of(2));
        assertThat(r.blocked()).singleElement().satisfies(b -> {
            assertThat(b.call().function()).isEqualTo(Functions.READ);
            assertThat(b.why()).isEqualTo("read 1, but the register holds 2");
        });
        assertThat(report.summary()).contains("registers: INVALID", "key x", "NOT linearizable",
                "read 1, but the register holds 2");
    }

    @Test
    void readConcurrentWithWriteMayReturnEitherValue() {
        for (long seen : new long[] {1, 2}) {
            assertThat(validity(new HistoryBuilder()
                    .write(0, X, 1, 0, 10)
                    .write(0, X, 2, 20, 40)
                    .read(1, X, seen, 25, 35)))
                    .as("read of %d during the write of 2", seen).isEqualTo(Validity.VALID);
        }
    }

    @Test
    void readOfValueNeverWrittenIsInvalid() {
        assertThat(validity(new HistoryBuilder()
                .write(0, X, 1, 0, 10)
                .read(1, X, 7L, 5, 15))).isEqualTo(Validity.INVALID);
    }

    @Test
    void readOfMissingRowIsValidOnlyBeforeTheFirstWriteCompletes() {
        assertThat(validity(new HistoryBuilder()
                .write(0, X, 1, 10, 30)
                .read(1, X, (Long) null, 0, 20))).isEqualTo(Validity.VALID);
        assertThat(validity(new HistoryBuilder()
                .write(0, X, 1, 0, 10)
                .read(1, X, (Long) null, 20, 30))).isEqualTo(Validity.INVALID);
    }

    @Test
    void casThatSucceededAgainstAnOverwrittenValueIsInvalid() {
        RegisterReport report = check(new HistoryBuilder()
                .write(0, X, 1, 0, 10)
                .write(0, X, 2, 20, 30)
                .cas(1, X, 1, 3, 40, 50));

        assertThat(report.validity()).isEqualTo(Validity.INVALID);
        assertThat(report.key(X).result().blocked()).singleElement()
                .satisfies(b -> assertThat(b.why()).isEqualTo("cas succeeded expecting 1, but the register holds 2"));
    }

    @Test
    void casConcurrentWithTheOverwriteMayHaveWon() {
        assertThat(validity(new HistoryBuilder()
                .write(0, X, 1, 0, 10)
                .write(0, X, 2, 20, 50)
                .cas(1, X, 1, 3, 30, 40)
                .read(1, X, 2L, 60, 70))).isEqualTo(Validity.VALID);
    }

    @Test
    void failedCasDidNotHappen() {
        assertThat(validity(new HistoryBuilder()
                .write(0, X, 1, 0, 10)
                .cas(1, X, 5, 3, 20, 30, Type.FAIL)
                .read(0, X, 1L, 40, 50))).isEqualTo(Validity.VALID);
        assertThat(validity(new HistoryBuilder()
                .write(0, X, 1, 0, 10)
                .cas(1, X, 1, 3, 20, 30, Type.FAIL)
                .read(0, X, 3L, 40, 50))).as("the value of a failed cas is read").isEqualTo(Validity.INVALID);
    }

    @Test
    void failedWriteWhoseValueIsReadIsInvalid() {
        assertThat(validity(new HistoryBuilder()
                .write(0, X, 1, 0, 10)
                .write(1, X, 2, 20, 30, Type.FAIL)
                .read(0, X, 2L, 40, 50))).isEqualTo(Validity.INVALID);
    }

    @Test
    void indeterminateWriteMayTakeEffectLongAfterItsClientGaveUp() {
        assertThat(validity(new HistoryBuilder()
                .write(0, X, 1, 0, 10)
                .write(1, X, 2, 20, 30, Type.INFO)
                .read(0, X, 1L, 40, 50)
                .read(0, X, 1L, 60, 70)
                .read(2, X, 2L, 1000, 1010)
                .read(0, X, 2L, 2000, 2010))).isEqualTo(Validity.VALID);
    }

    @Test
    void indeterminateWriteThatNeverAppearsIsValid() {
        assertThat(validity(new HistoryBuilder()
                .write(0, X, 1, 0, 10)
                .write(1, X, 2, 20, 30, Type.INFO)
                .read(0, X, 1L, 40, 50))).isEqualTo(Validity.VALID);
    }

    @Test
    void pendingWriteIsIndeterminateToo() {
        assertThat(validity(new HistoryBuilder()
                .write(0, X, 1, 0, 10)
                .writePending(1, X, 2, 20)
                .read(0, X, 1L, 40, 50)
                .read(0, X, 2L, 60, 70))).isEqualTo(Validity.VALID);
    }

    @Test
    void indeterminateWriteCannotTakeEffectBeforeItWasInvoked() {
        assertThat(validity(new HistoryBuilder()
                .write(0, X, 1, 0, 10)
                .read(0, X, 2L, 20, 30)
                .write(1, X, 2, 40, 50, Type.INFO))).isEqualTo(Validity.INVALID);
    }

    @Test
    void indeterminateWriteTakesEffectAtMostOnce() {
        // 2 appears, is overwritten by 3 (which is then read), and cannot come back.
        assertThat(validity(new HistoryBuilder()
                .write(1, X, 2, 0, 10, Type.INFO)
                .read(0, X, 2L, 20, 30)
                .write(0, X, 3, 40, 50)
                .read(0, X, 3L, 60, 70)
                .read(0, X, 2L, 80, 90))).isEqualTo(Validity.INVALID);
    }

    @Test
    void indeterminateCasMayOrMayNotHaveTakenEffect() {
        assertThat(validity(new HistoryBuilder()
                .write(0, X, 1, 0, 10)
                .cas(1, X, 1, 5, 20, 30, Type.INFO)
                .read(0, X, 1L, 40, 50)
                .read(0, X, 5L, 60, 70))).isEqualTo(Validity.VALID);
        assertThat(validity(new HistoryBuilder()
                .write(0, X, 1, 0, 10)
                .cas(1, X, 1, 5, 20, 30, Type.INFO)
                .read(0, X, 1L, 40, 50))).isEqualTo(Validity.VALID);
        assertThat(validity(new HistoryBuilder()
                .write(0, X, 1, 0, 10)
                .write(0, X, 2, 15, 18)
                .cas(1, X, 1, 5, 20, 30, Type.INFO)
                .read(0, X, 5L, 40, 50))).as("the cas could only match before it was invoked")
                .isEqualTo(Validity.INVALID);
    }

    @Test
    void indeterminateReadsConstrainNothing() {
        assertThat(validity(new HistoryBuilder()
                .write(0, X, 1, 0, 10)
                .read(1, X, Type.INFO, 20, 30)
                .read(2, X, Type.FAIL, 20, 30)
                .read(0, X, 1L, 40, 50))).isEqualTo(Validity.VALID);
    }

    /**
     * Lamport's new-old inversion: while a write of 1 is in progress, one process reads the new value and
     * then the old one. Each read alone could be ordered around the write, but not both: a regular
     * register allows it, an atomic (linearizable) one does not.
     */
    @Test
    void newOldInversionIsNotLinearizable() {
        assertThat(validity(new HistoryBuilder()
                .write(0, X, 0, 0, 5)
                .write(0, X, 1, 10, 100)
                .read(1, X, 1L, 20, 30)
                .read(1, X, 0L, 40, 50))).isEqualTo(Validity.INVALID);
        assertThat(validity(new HistoryBuilder()
                .write(0, X, 0, 0, 5)
                .write(0, X, 1, 10, 100)
                .read(1, X, 0L, 20, 30)
                .read(1, X, 1L, 40, 50))).as("old then new is fine").isEqualTo(Validity.VALID);
    }

    @Test
    void eventsAtTheSameInstantAreConcurrent() {
        assertThat(validity(new HistoryBuilder()
                .write(0, X, 1, 0, 10)
                .read(1, X, (Long) null, 10, 20))).isEqualTo(Validity.VALID);
        assertThat(validity(new HistoryBuilder()
                .write(0, X, 1, 0, 10)
                .read(1, X, (Long) null, 11, 20))).isEqualTo(Validity.INVALID);
    }

    @Test
    void keysAreCheckedIndependently() {
        // As one register this would be a stale read of 1 after 2 was written; per key it is fine.
        RegisterReport fine = check(new HistoryBuilder()
                .write(0, "x", 1, 0, 10)
                .write(0, "y", 2, 20, 30)
                .read(1, "x", 1L, 40, 50)
                .read(2, "y", 2L, 40, 50));
        assertThat(fine.validity()).isEqualTo(Validity.VALID);
        assertThat(fine.keys()).containsOnlyKeys("x", "y");

        RegisterReport oneBad = check(new HistoryBuilder()
                .write(0, "x", 1, 0, 10)
                .write(0, "y", 2, 20, 30)
                .read(1, "x", 1L, 40, 50)
                .read(2, "y", 1L, 40, 50));
        assertThat(oneBad.validity()).isEqualTo(Validity.INVALID);
        assertThat(oneBad.key("x").validity()).isEqualTo(Validity.VALID);
        assertThat(oneBad.key("y").validity()).isEqualTo(Validity.INVALID);
        assertThat(oneBad.summary()).contains("key y").doesNotContain("key x");
    }

    @Test
    void emptyHistoryIsUnknownNotValid() {
        assertThat(new RegisterChecker().check(History.of(List.of())).validity()).isEqualTo(Validity.UNKNOWN);
    }

    @Test
    void unobservedIndeterminateMutationsAndFailuresAreLeftOutOfTheSearch() {
        History h = new HistoryBuilder()
                .write(0, X, 1, 0, 10)
                .write(1, X, 2, 20, 30, Type.INFO) // nobody reads 2: dropped
                .write(2, X, 3, 20, 30, Type.INFO) // 3 is read: kept
                .cas(3, X, 9, 4, 20, 30, Type.INFO) // nobody reads 4: dropped
                .cas(4, X, 3, 5, 20, 30, Type.INFO) // 5 is expected by a cas: kept
                .cas(5, X, 5, 6, 20, 30, Type.INFO) // same for 6
                .write(0, X, 7, 40, 50, Type.FAIL) // did not happen: dropped
                .read(6, X, Type.INFO, 40, 50) // observed nothing: dropped
                .cas(7, X, 1, 9, 60, 70, Type.FAIL) // did not happen: dropped
                .read(0, X, 3L, 60, 70)
                .cas(0, X, 6, 8, 80, 90, Type.INFO) // 6 is expected here, but nobody reads 8: dropped
                .build();

        List<Call> relevant = RegisterChecker.relevantCalls(h.calls());

        assertThat(relevant).extracting(c -> c.function() + " " + c.argument() + " " + c.outcome().wireName())
                .containsExactly("write 1 ok", "write 3 info", "cas [3,5] info", "cas [5,6] info", "read nil ok");
        assertThat(new RegisterChecker().check(h).validity()).isEqualTo(Validity.VALID);
    }

    @Test
    void rejectsHistoriesThatAreNotRegisterHistories() {
        assertThatThrownBy(() -> new RegisterChecker().check(new HistoryBuilder().add(0, 1, 0, 10, Type.OK).build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a register operation");
        assertThatThrownBy(() -> new RegisterChecker().check(new HistoryBuilder()
                .op(0, Functions.CAS, X, Value.of(1), Type.OK, Value.of(1), 0, 10).build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[expected, new]");
        assertThatThrownBy(() -> new RegisterChecker().check(new HistoryBuilder().write(0, null, 1, 0, 10).build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("without key");
    }

    /**
     * Many fully concurrent writes followed by a read of a value none of them wrote: every order of the
     * writes must be refuted, 2^n sets of them even with memoisation.
     */
    private static HistoryBuilder concurrentWritesThenImpossibleRead(String key, int writers) {
        HistoryBuilder h = new HistoryBuilder();
        for (int p = 0; p < writers; p++) {
            h.write(p, key, p, p, 1000 + p);
        }
        return h.read(writers, key, 999L, 2000, 2010);
    }

    @Test
    void exhaustedStepBudgetGivesUnknownNeverValid() {
        History hard = concurrentWritesThenImpossibleRead(X, 18).build();

        RegisterReport report = new RegisterChecker(SearchBudget.ofSteps(10_000)).check(hard);

        assertThat(report.validity()).isEqualTo(Validity.UNKNOWN);
        assertThat(report.key(X).result().reason()).contains("10000 steps");
        assertThat(report.key(X).result().steps()).isGreaterThan(10_000);
        assertThat(report.summary()).contains("registers: UNKNOWN", "unknown: search budget");

        History small = concurrentWritesThenImpossibleRead(X, 8).build();
        assertThat(new RegisterChecker().check(small).validity()).as("the same shape, small enough to refute")
                .isEqualTo(Validity.INVALID);
    }

    @Test
    void exhaustedTimeBudgetGivesUnknown() {
        History hard = concurrentWritesThenImpossibleRead(X, 18).build();

        RegisterReport report = new RegisterChecker(new SearchBudget(Long.MAX_VALUE, Duration.ZERO)).check(hard);

        assertThat(report.validity()).isEqualTo(Validity.UNKNOWN);
        assertThat(report.key(X).result().reason()).contains("time budget");
    }

    @Test
    void violationOnOneKeyOutweighsUnknownOnAnother() {
        HistoryBuilder h = concurrentWritesThenImpossibleRead("hard", 18)
                .write(30, "bad", 1, 0, 10)
                .write(30, "bad", 2, 20, 30)
                .read(31, "bad", 1L, 40, 50);

        RegisterReport report = new RegisterChecker(SearchBudget.ofSteps(10_000)).check(h.build());

        assertThat(report.key("hard").validity()).isEqualTo(Validity.UNKNOWN);
        assertThat(report.key("bad").validity()).isEqualTo(Validity.INVALID);
        assertThat(report.validity()).isEqualTo(Validity.INVALID);
    }
}
