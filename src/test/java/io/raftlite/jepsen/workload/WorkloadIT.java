package io.raftlite.jepsen.workload;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftlite.jepsen.cluster.ClusterNode;
import io.raftlite.jepsen.cluster.ClusterOptions;
import io.raftlite.jepsen.cluster.JepsenCluster;
import io.raftlite.jepsen.cluster.Waits;
import io.raftlite.jepsen.history.Functions;
import io.raftlite.jepsen.history.Operation.Type;
import io.raftlite.jepsen.history.Value;
import io.raftlite.jepsen.checker.SearchBudget;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The workloads' SQL and the client's reading of answers against a real 3-node cluster: what the
 * runner records as OK, FAIL and INFO is what really happened. A transfer without the funds changes
 * nothing, a cas on another value matches no row, a duplicate insert fails; a node that is down
 * refuses the connection (FAIL), a frozen node never answers (unknown), a node cut off from the
 * others answers 503 once it has lost its leader (unknown: see {@link SqlClient}).
 */
class WorkloadIT {
    private static final Duration WAIT = Duration.ofMinutes(2);
    private static JepsenCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = JepsenCluster.start(ClusterOptions.defaults(ClusterOptions.newRunDir("workload-it")));
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
            cluster.deleteDataDirectories();
        }
    }

    private static ClusterNode follower() {
        ClusterNode leader = cluster.awaitLeader(WAIT);
        return cluster.nodes().stream().filter(n -> n != leader).findFirst().orElseThrow();
    }

    private static SqlClient viaFollower() {
        return new SqlClient(follower(), Duration.ofSeconds(15));
    }

    private static void setUp(Workload w) {
        Waits.until("set-up of " + w.name(), WAIT, () -> w.setUp(new SqlClient(cluster.awaitLeader(WAIT),
                Duration.ofSeconds(15))) ? Boolean.TRUE : null);
    }

    @Test
    void aTransferIsAllOrNothingAndNeverOverdraws() {
        BankWorkload bank = new BankWorkload(2, 10, 10, List.of("strong"));
        setUp(bank);
        SqlClient client = viaFollower();
        Invocation seven = Invocation.write(Functions.TRANSFER, null,
                Value.mapOf(Map.of("from", "0", "to", "1", "amount", 7)));

        assertThat(bank.perform(client, seven).type()).isEqualTo(Type.OK);
        Outcome second = bank.perform(client, seven);
        assertThat(second.type()).isEqualTo(Type.FAIL);
        assertThat(second.error()).isEqualTo("insufficient funds");

        Outcome read = bank.perform(client, Invocation.read(Functions.READ_BALANCES, "strong", "strong"));
        assertThat(read.type()).isEqualTo(Type.OK);
        assertThat(read.value()).isEqualTo(Value.mapOf(Map.of("0", 3L, "1", 17L)));
    }

    @Test
    void compareAndSetMatchesOnlyTheCurrentValue() {
        long base = 9_000_000;
        RegisterWorkload registers = new RegisterWorkload("linearizable", base, 1, 100, SearchBudget.DEFAULT);
        setUp(registers);
        SqlClient client = viaFollower();
        String key = "r" + base;
        Invocation read = Invocation.read(Functions.READ, key, "linearizable");

        assertThat(registers.perform(client, read)).isEqualTo(Outcome.ok(Value.NIL));
        Outcome casOnMissingRow = registers.perform(client,
                Invocation.write(Functions.CAS, key, Value.list(Value.of(4), Value.of(6))));
        assertThat(casOnMissingRow.type()).isEqualTo(Type.FAIL);
        assertThat(registers.perform(client, Invocation.write(Functions.WRITE, key, Value.of(5))).type())
                .isEqualTo(Type.OK);
        assertThat(registers.perform(client, Invocation.write(Functions.CAS, key, Value.list(Value.of(4),
                Value.of(6)))).type()).isEqualTo(Type.FAIL);
        assertThat(registers.perform(client, Invocation.write(Functions.CAS, key, Value.list(Value.of(5),
                Value.of(6)))).type()).isEqualTo(Type.OK);
        assertThat(registers.perform(client, read)).isEqualTo(Outcome.ok(Value.of(6)));
        assertThat(registers.perform(client, Invocation.read(Functions.READ, key, "strong")))
                .isEqualTo(Outcome.ok(Value.of(6)));
    }

    @Test
    void anElementIsInsertedOnceAndReadBack() {
        SetWorkload set = new SetWorkload(0, Duration.ofSeconds(1));
        setUp(set);
        SqlClient client = viaFollower();
        Invocation add = Invocation.write(Functions.ADD, null, Value.of(77));

        assertThat(set.perform(client, add).type()).isEqualTo(Type.OK);
        Outcome again = set.perform(client, add);
        assertThat(again.type()).as("a second insert of the same element fails: a write applied twice shows")
                .isEqualTo(Type.FAIL);
        assertThat(again.error()).contains("UNIQUE");
        Outcome read = set.perform(client, Invocation.read(Functions.READ_ALL, "strong", "strong"));
        assertThat(read.type()).isEqualTo(Type.OK);
        assertThat(read.value().asList()).containsOnlyOnce(Value.of(77)).doesNotContain(Value.of(1_000));
    }

    @Test
    void answersOfNodesThatAreDownFrozenOrCutOff() {
        SetWorkload set = new SetWorkload(0, Duration.ofSeconds(1));
        setUp(set);
        Invocation add = Invocation.write(Functions.ADD, null, Value.of(1_000));
        Invocation readAll = Invocation.read(Functions.READ_ALL, "linearizable", "linearizable");

        ClusterNode down = follower();
        down.kill();
        try {
            SqlClient client = new SqlClient(down, Duration.ofSeconds(5));
            assertThat(client.execute(false, SqlClient.statement(SetWorkload.ADD, 1_000)))
                    .isInstanceOf(SqlClient.Answer.NotSent.class);
            assertThat(set.perform(client, add).type()).as("never sent: definitely not applied").isEqualTo(Type.FAIL);
            assertThat(set.perform(client, readAll).type()).isEqualTo(Type.FAIL);
        } finally {
            down.start();
            down.awaitReady(WAIT);
        }

        ClusterNode frozen = follower();
        frozen.pause();
        try {
            SqlClient client = new SqlClient(frozen, Duration.ofSeconds(2));
            Outcome o = set.perform(client, Invocation.write(Functions.ADD, null, Value.of(1_001)));
            assertThat(o.type()).as("sent, never answered: unknown").isEqualTo(Type.INFO);
            assertThat(o.error()).contains("timeout");
            assertThat(set.perform(client, readAll).type()).as("a read that got no answer just failed")
                    .isEqualTo(Type.FAIL);
        } finally {
            frozen.resume();
        }

        ClusterNode cutOff = follower();
        cluster.links().isolate(cutOff.id());
        try {
            SqlClient client = new SqlClient(cutOff, Duration.ofSeconds(5));
            AtomicReference<SqlClient.Answer> last = new AtomicReference<>();
            SqlClient.Answer a = Waits.until(cutOff.id() + " answering 503 once it has lost its leader", WAIT,
                    Duration.ofMillis(300), () -> {
                        last.set(client.execute(false, SqlClient.statement(SetWorkload.ADD, 1_002)));
                        return last.get().detail().startsWith("503") ? last.get() : null;
                    }, () -> String.valueOf(last.get()));
            assertThat(a).isInstanceOf(SqlClient.Answer.Unknown.class);
            assertThat(a.detail()).contains("leader not found");
        } finally {
            cluster.links().heal();
        }
        cluster.awaitConverged(WAIT);
    }
}
