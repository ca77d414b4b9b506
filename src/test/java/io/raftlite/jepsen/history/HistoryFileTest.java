package io.raftlite.jepsen.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raftlite.jepsen.history.Operation.Type;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JSON Lines format: round trip, concurrent recording, appending, and refusal of damaged files. */
class HistoryFileTest {
    @TempDir
    Path dir;

    @Test
    void everyKindOfOperationSurvivesARoundTrip() {
        Path file = dir.resolve("history.jsonl");
        List<Operation> ops = List.of(
                Operation.invoke(0, 0, Functions.WRITE, "r1", Value.of(42), 1_000, "n1"),
                Operation.invoke(1, 1, Functions.CAS, "r1", Value.list(Value.of(42), Value.of(-7)), 2_000, "n2"),
                Operation.invoke(2, 2, Functions.READ_BALANCES, null, Value.NIL, 3_000, null),
                Operation.invoke(3, 3, Functions.TRANSFER, null,
                        Value.mapOf(Map.of("from", "a", "to", "b", "amount", 5)), 3_500, "n3"),
                Operation.invoke(4, 4, Functions.ADD, null, Value.of("unicode é ✓ \"quoted\"\n"), 3_600, "n1"));
        List<Operation> completions = List.of(
                Operation.completion(ops.get(0), 5, Type.OK, Value.of(42), 4_000, null),
                Operation.completion(ops.get(1), 6, Type.FAIL, ops.get(1).value(), 5_000, "0 rows affected"),
                Operation.completion(ops.get(2), 7, Type.OK, Value.mapOf(Map.of("a", 10, "b", Long.MAX_VALUE)),
                        6_000, null),
                Operation.completion(ops.get(3), 8, Type.INFO, ops.get(3).value(), 7_000, "timeout after 5s"),
                Operation.completion(ops.get(4), 9, Type.OK, Value.list(Value.of(true), Value.NIL), Long.MAX_VALUE - 1,
                        null));
        List<Operation> all = new ArrayList<>(ops);
        all.addAll(completions);
        try (HistoryWriter w = HistoryWriter.append(file)) {
            all.forEach(w::write);
        }

        List<Operation> back = HistoryReader.readOperations(file);

        assertThat(back).isEqualTo(all);
        assertThat(HistoryReader.read(file).calls()).hasSize(5);
    }

    @Test
    void linesAreCompactJsonObjects() throws Exception {
        Path file = dir.resolve("h.jsonl");
        try (HistoryWriter w = HistoryWriter.append(file)) {
            w.write(Operation.invoke(7, 2, Functions.READ, "r1", Value.NIL, 1200345, "n2"));
        }
        assertThat(Files.readString(file)).isEqualTo(
                "{\"index\":7,\"process\":2,\"type\":\"invoke\",\"function\":\"read\",\"key\":\"r1\",\"value\":null,"
                        + "\"time\":1200345,\"node\":\"n2\"}\n");
    }

    @Test
    void recorderFromManyThreadsWritesAValidHistoryInIndexAndTimeOrder() throws Exception {
        Path file = dir.resolve("concurrent.jsonl");
        int threads = 8;
        int perThread = 250;
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> clients = new ArrayList<>();
        try (Recorder recorder = new Recorder(HistoryWriter.append(file))) {
            for (int t = 0; t < threads; t++) {
                int process = t;
                Thread client = new Thread(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    for (int i = 0; i < perThread; i++) {
                        Operation inv = recorder.invoke(process, Functions.WRITE, "r" + (i % 3),
                                Value.of(process * 1000L + i), "n" + (process % 3 + 1));
                        if (i % 2 == 0) {
                            recorder.ok(inv);
                        } else {
                            recorder.fail(inv, "rejected");
                        }
                    }
                });
                client.start();
                clients.add(client);
            }
            start.countDown();
            for (Thread c : clients) {
                c.join();
            }
            History inMemory = recorder.history();
            History fromFile = HistoryReader.read(file);

            assertThat(fromFile.operations()).isEqualTo(inMemory.operations());
            assertThat(fromFile.calls()).hasSize(threads * perThread);
            List<Operation> events = fromFile.operations();
            for (int i = 0; i < events.size(); i++) {
                assertThat(events.get(i).index()).isEqualTo(i);
                if (i > 0) {
                    assertThat(events.get(i).time()).isGreaterThanOrEqualTo(events.get(i - 1).time());
                }
            }
        }
    }

    @Test
    void recorderRefusesToBreakTheRecordingRules() {
        Recorder recorder = new Recorder(null);
        Operation first = recorder.invoke(1, Functions.READ, "x", Value.NIL, "n1");
        assertThatThrownBy(() -> recorder.invoke(1, Functions.READ, "x", Value.NIL, "n1"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("outstanding");
        recorder.info(first, "timeout");
        assertThatThrownBy(() -> recorder.invoke(1, Functions.READ, "x", Value.NIL, "n1"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("must not be reused");
        assertThatThrownBy(() -> recorder.ok(first, Value.NIL)).isInstanceOf(IllegalStateException.class);
        Operation other = recorder.invoke(2, Functions.READ, "x", Value.NIL, "n2");
        assertThat(recorder.history().calls()).extracting(Call::outcome).containsExactly(Type.INFO, Type.INFO);
        recorder.ok(other, Value.of(1));
        assertThat(recorder.history().calls().get(1).result()).isEqualTo(Value.of(1));
    }

    @Test
    void openingAgainAppends() {
        Path file = dir.resolve("append.jsonl");
        Operation a = Operation.invoke(0, 0, Functions.READ, "x", Value.NIL, 1, "n1");
        Operation b = Operation.completion(a, 1, Type.OK, Value.of(1), 2, null);
        try (HistoryWriter w = HistoryWriter.append(file)) {
            w.write(a);
        }
        try (HistoryWriter w = HistoryWriter.append(file)) {
            w.write(b);
        }
        assertThat(HistoryReader.readOperations(file)).containsExactly(a, b);
    }

    @Test
    void damagedLinesAreReportedWithTheirLineNumber() throws Exception {
        Path file = dir.resolve("bad.jsonl");
        String good = "{\"index\":0,\"process\":0,\"type\":\"invoke\",\"function\":\"read\",\"time\":1}";
        Files.writeString(file, good + "\n\n{\"index\":1,\"process\":0,\"type\":\"ok\",\"function\":\"read\",\"time\":", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> HistoryReader.read(file)).isInstanceOf(MalformedHistoryException.class)
                .hasMessageContaining("bad.jsonl:3");

        Files.writeString(file, good.replace("invoke", "started"));
        assertThatThrownBy(() -> HistoryReader.read(file)).hasMessageContaining(":1").hasMessageContaining("started");

        Files.writeString(file, good.replace("\"time\":1", "\"time\":1.5"));
        assertThatThrownBy(() -> HistoryReader.read(file)).hasMessageContaining("time");

        Files.writeString(file, good.replace("\"time\":1", "\"time\":1,\"value\":0.25"));
        assertThatThrownBy(() -> HistoryReader.read(file)).hasMessageContaining("non-integral");
    }

    @Test
    void unknownFieldsAreIgnoredSoTheFormatCanGrow() {
        List<Operation> ops = HistoryReader.parse("{\"index\":0,\"process\":0,\"type\":\"invoke\",\"function\":\"read\","
                + "\"time\":1,\"level\":\"strong\"}\n");
        assertThat(ops).singleElement().satisfies(o -> {
            assertThat(o.key()).isNull();
            assertThat(o.value()).isEqualTo(Value.NIL);
        });
    }
}
