package io.raftlite.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.alipay.sofa.jraft.Status;
import com.alipay.sofa.jraft.error.RaftError;
import org.junit.jupiter.api.Test;

/** Which failed proposals may be sent to the leader again without risking a second application. */
class NeverAppendedTest {

    @Test
    void refusedBeforeTheLogIsSafeToForward() {
        assertThat(Store.neverAppended(new Status(RaftError.EPERM, "Is not leader."))).isTrue();
    }

    @Test
    void leaderSteppedDownAfterAppendingIsUnknown() {
        // The entry is in the log and a new leader may commit it.
        assertThat(Store.neverAppended(new Status(RaftError.EPERM, "Leader stepped down"))).isFalse();
    }

    @Test
    void otherFailuresAreNotNotLeader() {
        assertThat(Store.neverAppended(new Status(RaftError.EBUSY, "Is not leader."))).isFalse();
    }
}
