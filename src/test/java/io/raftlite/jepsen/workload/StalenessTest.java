package io.raftlite.jepsen.workload;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftlite.jepsen.history.Functions;
import io.raftlite.jepsen.history.History;
import io.raftlite.jepsen.history.Operation;
import io.raftlite.jepsen.history.Operation.Type;
import io.raftlite.jepsen.history.Value;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The lower bound on staleness: only what real-time order proves counts. */
class StalenessTest {
    private static final long MS = 1_000_000;

    private final List<Operation> events = new ArrayList<>();

    private void op(int process, String function, Value arg, Type outcome, Value result, long callMs, long retMs) {
        Operation inv = Operation.invoke(0, process, function, "r1", arg, callMs * MS, "n1");
        events.add(inv);
        events.add(Operation.completion(inv, 0, outcome, outcome == Type.OK ? result : arg, retMs * MS, null));
    }

    private History history() {
        List<Operation> sorted = new ArrayList<>(events);
        sorted.sort(Comparator.comparingLong(Operation::time));
        List<Operation> numbered = new ArrayList<>();
        for (int i = 0; i < sorted.size(); i++) {
            numbered.add(sorted.get(i).withIndex(i));
        }
        return History.of(numbered);
    }

    @Test
    void aReadOfAValueOverwrittenBeforeItBeganIsStaleByTheTimeSinceTheOverwrite() {
        op(0, Functions.WRITE, Value.of(1), Type.OK, Value.of(1), 0, 10);
        op(1, Functions.WRITE, Value.of(2), Type.OK, Value.of(2), 20, 30);
        op(2, Functions.READ, Value.NIL, Type.OK, Value.of(1), 130, 140); // 100 ms after 2 was acknowledged
        op(3, Functions.READ, Value.NIL, Type.OK, Value.of(2), 150, 160);
        Staleness s = Staleness.of(history());
        assertThat(s.reads()).isEqualTo(2);
        assertThat(s.stale()).isEqualTo(1);
        assertThat(s.maxMillis()).isEqualTo(100);
    }

    @Test
    void concurrentWritesProveNothing() {
        op(0, Functions.WRITE, Value.of(1), Type.OK, Value.of(1), 0, 50);
        op(1, Functions.WRITE, Value.of(2), Type.OK, Value.of(2), 10, 40); // overlaps the write of 1
        op(2, Functions.READ, Value.NIL, Type.OK, Value.of(1), 100, 110);
        assertThat(Staleness.of(history()).stale()).isZero();
    }

    @Test
    void aMissingRowAfterAnAcknowledgedWriteIsStaleAndCasCounts() {
        op(0, Functions.WRITE, Value.of(1), Type.OK, Value.of(1), 0, 10);
        op(1, Functions.CAS, Value.list(Value.of(1), Value.of(3)), Type.OK, Value.NIL, 20, 30);
        op(2, Functions.READ, Value.NIL, Type.OK, Value.NIL, 60, 70);      // stale by 50 ms (since the write)
        op(3, Functions.READ, Value.NIL, Type.OK, Value.of(1), 230, 240);  // stale by 200 ms (since the cas)
        op(4, Functions.READ, Value.NIL, Type.FAIL, Value.NIL, 250, 260);  // not measured
        Staleness s = Staleness.of(history());
        assertThat(s.reads()).isEqualTo(2);
        assertThat(s.stale()).isEqualTo(2);
        assertThat(s.p50Millis()).isEqualTo(50);
        assertThat(s.maxMillis()).isEqualTo(200);
        assertThat(s.render()).contains("2 provably stale");
    }
}
