package io.raftlite.jepsen.checker;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftlite.jepsen.history.Operation.Type;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Known-good and known-bad bank histories: 3 accounts holding 300 in total. */
class BankCheckerTest {
    private static final BankChecker NO_OVERDRAFT = new BankChecker(Set.of("a", "b", "c"), 300, false);

    @Test
    void readsThatPreserveTheTotalAreValid() {
        BankReport r = NO_OVERDRAFT.check(new HistoryBuilder()
                .readBalances(0, 0, 10, Map.of("a", 100L, "b", 100L, "c", 100L))
                .transfer(1, "a", "b", 30, 5, 20, Type.OK)
                .transfer(2, "b", "c", 500, 5, 20, Type.FAIL)
                .transfer(3, "c", "a", 10, 5, 20, Type.INFO)
                .readBalances(0, 30, 40, Map.of("a", 80L, "b", 130L, "c", 90L)).build());

        assertThat(r.validity()).isEqualTo(Validity.VALID);
        assertThat(r.reads()).isEqualTo(2);
        assertThat(r.summary()).startsWith("bank: VALID - 2 reads, 0 bad");
    }

    @Test
    void readWithTheWrongTotalIsInvalid() {
        BankReport r = NO_OVERDRAFT.check(new HistoryBuilder()
                .readBalances(0, 0, 10, Map.of("a", 100L, "b", 100L, "c", 100L))
                .transfer(1, "a", "b", 30, 5, 20, Type.OK)
                .readBalances(0, 12, 18, Map.of("a", 70L, "b", 100L, "c", 100L))
                .readBalances(0, 30, 40, Map.of("a", 70L, "b", 130L, "c", 100L)).build());

        assertThat(r.validity()).isEqualTo(Validity.INVALID);
        assertThat(r.badReadCount()).isEqualTo(1);
        assertThat(r.firstBadReads()).singleElement().satisfies(b -> {
            assertThat(b.read().callTime()).isEqualTo(12);
            assertThat(b.problems()).containsExactly("total 270, expected 300");
        });
        assertThat(r.summary()).contains("bank: INVALID", "total 270, expected 300");
    }

    @Test
    void negativeBalanceIsInvalidOnlyWithoutOverdraft() {
        HistoryBuilder h = new HistoryBuilder().readBalances(0, 0, 10, Map.of("a", -50L, "b", 250L, "c", 100L));

        BankReport strict = NO_OVERDRAFT.check(h.build());
        assertThat(strict.validity()).isEqualTo(Validity.INVALID);
        assertThat(strict.firstBadReads().get(0).problems()).containsExactly("negative balance a=-50");

        assertThat(new BankChecker(Set.of("a", "b", "c"), 300, true).check(h.build()).validity())
                .isEqualTo(Validity.VALID);
    }

    @Test
    void readWithMissingOrExtraAccountsIsInvalid() {
        BankReport r = NO_OVERDRAFT.check(new HistoryBuilder()
                .readBalances(0, 0, 10, Map.of("a", 200L, "b", 100L, "z", 0L)).build());

        assertThat(r.validity()).isEqualTo(Validity.INVALID);
        assertThat(r.firstBadReads().get(0).problems())
                .containsExactly("missing accounts [c]", "unexpected accounts [z]");
    }

    @Test
    void noSuccessfulReadIsUnknown() {
        BankReport r = NO_OVERDRAFT.check(new HistoryBuilder().transfer(1, "a", "b", 30, 5, 20, Type.OK).build());

        assertThat(r.validity()).isEqualTo(Validity.UNKNOWN);
    }
}
