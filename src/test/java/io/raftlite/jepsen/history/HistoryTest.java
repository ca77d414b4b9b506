package io.raftlite.jepsen.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raftlite.jepsen.history.Operation.Type;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Pairing of events into calls and the recording rules {@link History} enforces. */
class HistoryTest {

    private static Operation invoke(long index, int process, String function, Value value, long time) {
        return Operation.invoke(index, process, function, "x", value, time, "n1");
    }

    private static Operation complete(Operation invoke, long index, Type type, Value value, long time) {
        return Operation.completion(invoke, index, type, value, time, type == Type.OK ? null : "boom");
    }

    @Test
    void pairsInvocationsWithCompletionsPerProcess() {
        Operation w = invoke(0, 1, Functions.WRITE, Value.of(3), 10);
        Operation r = invoke(1, 2, Functions.READ, Value.NIL, 11);
        Operation rOk = complete(r, 2, Type.OK, Value.of(3), 20);
        Operation wInfo = complete(w, 3, Type.INFO, Value.of(3), 30);
        Operation pending = invoke(4, 2, Functions.READ, Value.NIL, 40);

        History h = History.of(List.of(w, r, rOk, wInfo, pending));

        assertThat(h.calls()).hasSize(3);
        Call write = h.calls().get(0);
        assertThat(write.isIndeterminate()).isTrue();
        assertThat(write.returnTime()).isEqualTo(Call.NEVER);
        assertThat(write.argument()).isEqualTo(Value.of(3));
        Call read = h.calls().get(1);
        assertThat(read.isOk()).isTrue();
        assertThat(read.result()).isEqualTo(Value.of(3));
        assertThat(read.callTime()).isEqualTo(11);
        assertThat(read.returnTime()).isEqualTo(20);
        Call last = h.calls().get(2);
        assertThat(last.completion()).isNull();
        assertThat(last.outcome()).isEqualTo(Type.INFO);
        assertThat(h.calls(Functions.READ)).hasSize(2);
    }

    @Test
    void rejectsASecondInvocationWhileOneIsOutstanding() {
        Operation a = invoke(0, 1, Functions.WRITE, Value.of(1), 0);
        Operation b = invoke(1, 1, Functions.WRITE, Value.of(2), 1);
        assertThatThrownBy(() -> History.of(List.of(a, b))).isInstanceOf(MalformedHistoryException.class)
                .hasMessageContaining("outstanding");
    }

    @Test
    void rejectsReuseOfAProcessAfterInfo() {
        Operation a = invoke(0, 1, Functions.WRITE, Value.of(1), 0);
        Operation info = complete(a, 1, Type.INFO, Value.of(1), 5);
        Operation b = invoke(2, 1, Functions.READ, Value.NIL, 10);
        assertThatThrownBy(() -> History.of(List.of(a, info, b))).isInstanceOf(MalformedHistoryException.class)
                .hasMessageContaining("must not be reused");
    }

    @Test
    void rejectsCompletionsThatMatchNoInvocation() {
        Operation a = invoke(0, 1, Functions.WRITE, Value.of(1), 0);
        Operation orphan = new Operation(1, 2, Type.OK, Functions.WRITE, "x", Value.of(1), 5, "n1", null);
        assertThatThrownBy(() -> History.of(List.of(a, orphan))).isInstanceOf(MalformedHistoryException.class)
                .hasMessageContaining("without invocation");

        Operation otherFunction = new Operation(1, 1, Type.OK, Functions.READ, "x", Value.of(1), 5, "n1", null);
        assertThatThrownBy(() -> History.of(List.of(a, otherFunction))).isInstanceOf(MalformedHistoryException.class)
                .hasMessageContaining("does not match");

        Operation earlier = complete(a, 1, Type.OK, Value.of(1), -5);
        assertThatThrownBy(() -> History.of(List.of(a, earlier))).isInstanceOf(MalformedHistoryException.class)
                .hasMessageContaining("earlier than");
    }

    @Test
    void rejectsIndicesOutOfOrder() {
        Operation a = invoke(5, 1, Functions.WRITE, Value.of(1), 0);
        Operation b = invoke(5, 2, Functions.WRITE, Value.of(2), 1);
        assertThatThrownBy(() -> History.of(List.of(a, b))).isInstanceOf(MalformedHistoryException.class)
                .hasMessageContaining("does not follow");
    }

    @Test
    void rendersOneReadableLine() {
        Operation a = Operation.invoke(12, 3, Functions.CAS, "r1", Value.list(Value.of(1), Value.of(2)),
                3_004_512_345L, "n2");
        Operation fail = Operation.completion(a, 13, Type.FAIL, a.value(), 3_100_000_000L, "0 rows");
        Operation r = Operation.invoke(14, 4, Functions.READ, "r1", Value.NIL, 3_200_000_000L, "n1");
        Operation rOk = Operation.completion(r, 15, Type.OK, Value.NIL, 3_300_000_000L, null);

        assertThat(a.render()).isEqualTo("#12 3.004512s p3 invoke cas r1 [1,2] @n2");
        assertThat(fail.render()).isEqualTo("#13 3.100000s p3 fail   cas r1 [1,2] @n2 (0 rows)");
        assertThat(rOk.render()).isEqualTo("#15 3.300000s p4 ok     read r1 nil @n1");
        assertThat(new Call(a, fail).render()).isEqualTo("#12 p3 cas r1 [1,2] fail [3.004512s..3.100000s] @n2 (0 rows)");
        assertThat(new Call(r, rOk).render()).isEqualTo("#14 p4 read r1 -> nil ok [3.200000s..3.300000s] @n1");
        assertThat(new Call(r, null).render()).isEqualTo("#14 p4 read r1 info [3.200000s..inf] @n1");
    }

    @Test
    void valuesCompareByContentWhateverTheirSource() {
        assertThat(Value.from(3)).isEqualTo(Value.of(3L));
        assertThat(Value.from(List.of(1, "a", true))).isEqualTo(Value.list(Value.of(1), Value.of("a"), Value.of(true)));
        assertThat(Value.mapOf(Map.of("b", 2, "a", 1)).toString()).isEqualTo("{\"a\":1,\"b\":2}");
        assertThat(Value.of("say \"hi\"").toString()).isEqualTo("\"say \\\"hi\\\"\"");
        assertThatThrownBy(() -> Value.from(1.5)).isInstanceOf(IllegalArgumentException.class);
    }
}
