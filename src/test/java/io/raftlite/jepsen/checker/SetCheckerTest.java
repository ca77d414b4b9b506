package io.raftlite.jepsen.checker;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftlite.jepsen.history.Value;
import io.raftlite.jepsen.history.Operation.Type;
import org.junit.jupiter.api.Test;

/** Known-good and known-bad append-only set histories. */
class SetCheckerTest {

    private static SetReport check(HistoryBuilder h) {
        return new SetChecker().check(h.build());
    }

    @Test
    void everyAcknowledgedAddInTheFinalReadIsValid() {
        SetReport r = check(new HistoryBuilder()
                .add(0, 1, 0, 10, Type.OK)
                .add(1, 2, 5, 15, Type.OK)
                .add(0, 3, 20, 30, Type.FAIL)
                .readAll(2, 100, 110, 2, 1));

        assertThat(r.validity()).isEqualTo(Validity.VALID);
        assertThat(r.lost()).isEmpty();
        assertThat(r.unexpected()).isEmpty();
        assertThat(r.attempted()).isEqualTo(3);
        assertThat(r.acknowledged()).isEqualTo(2);
        assertThat(r.summary()).startsWith("set: VALID");
    }

    @Test
    void acknowledgedAddMissingFromTheFinalReadIsLost() {
        SetReport r = check(new HistoryBuilder()
                .add(0, 1, 0, 10, Type.OK)
                .add(1, 2, 5, 15, Type.OK)
                .add(0, 3, 20, 30, Type.OK)
                .readAll(2, 100, 110, 1, 3));

        assertThat(r.validity()).isEqualTo(Validity.INVALID);
        assertThat(r.lost()).containsExactly(Value.of(2));
        assertThat(r.badReads()).singleElement().satisfies(b -> assertThat(b.lost()).containsExactly(Value.of(2)));
        assertThat(r.summary()).contains("set: INVALID", "lost (acknowledged, missing): 1 [2]");
    }

    @Test
    void valueNeverAttemptedIsUnexpected() {
        SetReport r = check(new HistoryBuilder()
                .add(0, 1, 0, 10, Type.OK)
                .readAll(2, 100, 110, 1, 99));

        assertThat(r.validity()).isEqualTo(Validity.INVALID);
        assertThat(r.unexpected()).containsExactly(Value.of(99));
        assertThat(r.lost()).isEmpty();
    }

    @Test
    void valueAttemptedOnlyAfterTheReadReturnedIsUnexpected() {
        SetReport r = check(new HistoryBuilder()
                .readAll(2, 0, 10, 5)
                .add(0, 5, 20, 30, Type.OK));

        assertThat(r.unexpected()).containsExactly(Value.of(5));
        assertThat(r.validity()).isEqualTo(Validity.INVALID);
    }

    @Test
    void indeterminateAddsMayOrMayNotAppear() {
        SetReport r = check(new HistoryBuilder()
                .add(0, 1, 0, 10, Type.OK)
                .add(1, 2, 0, 10, Type.INFO)
                .add(3, 3, 0, 10, Type.INFO)
                .op(4, "add", null, Value.of(4), null, null, 0, 0) // still pending at the end
                .readAll(2, 100, 110, 1, 2, 4));

        assertThat(r.validity()).isEqualTo(Validity.VALID);
        assertThat(r.recovered()).containsExactly(Value.of(2), Value.of(4));
        assertThat(r.indeterminate()).isEqualTo(3);
        assertThat(r.summary()).contains("recovered (indeterminate, present): 2 [2, 4]");
    }

    @Test
    void failedAddThatAppearsIsInvalid() {
        SetReport r = check(new HistoryBuilder()
                .add(0, 1, 0, 10, Type.FAIL)
                .readAll(2, 100, 110, 1));

        assertThat(r.validity()).isEqualTo(Validity.INVALID);
        assertThat(r.failedButPresent()).containsExactly(Value.of(1));
    }

    @Test
    void elementReadTwiceIsDuplicated() {
        SetReport r = check(new HistoryBuilder()
                .add(0, 1, 0, 10, Type.OK)
                .readAll(2, 100, 110, 1, 1));

        assertThat(r.validity()).isEqualTo(Validity.INVALID);
        assertThat(r.duplicated()).containsExactly(Value.of(1));
    }

    @Test
    void addsAcknowledgedWhileAReadRanAreNotRequiredInIt() {
        SetReport r = check(new HistoryBuilder()
                .add(0, 1, 0, 10, Type.OK)
                .add(1, 2, 15, 25, Type.OK)
                .readAll(2, 20, 30, 1)
                .readAll(2, 40, 50, 1, 2));

        assertThat(r.validity()).isEqualTo(Validity.VALID);
        assertThat(r.reads()).isEqualTo(2);
    }

    @Test
    void everyFinalReadMustHoldEveryAcknowledgedAdd() {
        SetReport r = check(new HistoryBuilder()
                .add(0, 1, 0, 10, Type.OK)
                .add(1, 2, 0, 10, Type.OK)
                .readAll(2, 100, 110, 1, 2)
                .readAll(3, 100, 110, 1));

        assertThat(r.validity()).isEqualTo(Validity.INVALID);
        assertThat(r.lost()).containsExactly(Value.of(2));
        assertThat(r.badReads()).singleElement().satisfies(b -> assertThat(b.read().process()).isEqualTo(3));
    }

    @Test
    void noSuccessfulReadIsUnknown() {
        SetReport r = check(new HistoryBuilder()
                .add(0, 1, 0, 10, Type.OK)
                .op(2, "read-all", null, Value.NIL, Type.INFO, Value.NIL, 100, 110));

        assertThat(r.validity()).isEqualTo(Validity.UNKNOWN);
        assertThat(r.summary()).contains("nothing to judge");
    }
}
