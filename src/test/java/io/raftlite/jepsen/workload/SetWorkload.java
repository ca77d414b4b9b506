package io.raftlite.jepsen.workload;

import io.raftlite.jepsen.checker.OpCounts;
import io.raftlite.jepsen.checker.Report;
import io.raftlite.jepsen.checker.SetChecker;
import io.raftlite.jepsen.history.Functions;
import io.raftlite.jepsen.history.History;
import io.raftlite.jepsen.history.Operation;
import io.raftlite.jepsen.history.Value;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;

/**
 * An append-only set, {@code elements(v INTEGER PRIMARY KEY)}: clients insert unique values, every
 * few seconds one of them reads the whole set at {@code linearizable} or {@code strong}, and once the cluster is healed one
 * final {@code strong} read must hold every acknowledged insert and nothing that was never attempted.
 * The level of a read is kept as the operation's key (the checker ignores it).
 * Judged by the {@link SetChecker}. The blunt instrument for "acknowledged writes are never lost",
 * whatever the interleaving.
 *
 * <p>Optionally some megabytes of filler rows ({@code filler(id, b BLOB)}) are written at set-up,
 * so that writing a snapshot takes long enough for the {@code crash-during-snapshot} nemesis to
 * catch a node in the act.
 */
public final class SetWorkload implements Workload {
    static final String CREATE = "CREATE TABLE IF NOT EXISTS elements (v INTEGER PRIMARY KEY)";
    static final String CREATE_FILLER = "CREATE TABLE IF NOT EXISTS filler (id INTEGER PRIMARY KEY, b BLOB)";
    static final String FILL = "INSERT OR IGNORE INTO filler(id, b) VALUES(?, zeroblob(200000))";
    static final String ADD = "INSERT INTO elements(v) VALUES(?)";
    static final String READ_ALL = "SELECT v FROM elements ORDER BY v";
    private static final String[] READ_LEVELS = {"linearizable", "strong"};
    private static final int MIN_ACKED = 20;

    private final int fillerRows;
    private final long readIntervalNanos;
    private final AtomicLong nextElement = new AtomicLong();
    private final AtomicLong lastRead = new AtomicLong(System.nanoTime());

    /**
     * @param fillerRows   rows of 200 kB to write at set-up (0 for none)
     * @param readInterval how often some client reads the whole set during the run; by time rather
     *                     than by share of operations, because every read returns the whole, growing
     *                     set and is kept in the history
     */
    public SetWorkload(int fillerRows, Duration readInterval) {
        this.fillerRows = fillerRows;
        this.readIntervalNanos = readInterval.toNanos();
    }

    @Override
    public String name() {
        return "set";
    }

    @Override
    public boolean setUp(SqlClient client) {
        List<ArrayNode> statements = new ArrayList<>();
        statements.add(SqlClient.statement(CREATE));
        statements.add(SqlClient.statement(CREATE_FILLER));
        for (int i = 1; i <= fillerRows; i++) {
            statements.add(SqlClient.statement(FILL, i));
        }
        return client.execute(true, statements.toArray(ArrayNode[]::new)) instanceof SqlClient.Answer.Results r
                && r.firstError() == null;
    }

    @Override
    public Invocation next(Random random) {
        long last = lastRead.get();
        long now = System.nanoTime();
        if (now - last >= readIntervalNanos && lastRead.compareAndSet(last, now)) {
            String level = READ_LEVELS[random.nextInt(READ_LEVELS.length)];
            return Invocation.read(Functions.READ_ALL, level, level);
        }
        return Invocation.write(Functions.ADD, null, Value.of(nextElement.incrementAndGet()));
    }

    @Override
    public Outcome perform(SqlClient client, Invocation op) {
        switch (op.function()) {
            case Functions.ADD -> {
                SqlClient.Answer a = client.execute(false, SqlClient.statement(ADD, op.value().asLong()));
                if (!(a instanceof SqlClient.Answer.Results r)) {
                    return Outcome.ofUnappliedWrite(a);
                }
                if (r.firstError() != null) {
                    return Outcome.fail(r.firstError());
                }
                return r.rowsAffected(0) == 1 ? Outcome.ok() : Outcome.info("insert affected " + r.rowsAffected(0)
                        + " rows");
            }
            case Functions.READ_ALL -> {
                SqlClient.Answer a = client.query(op.level(), SqlClient.statement(READ_ALL));
                if (!(a instanceof SqlClient.Answer.Results r)) {
                    return Outcome.fail(a.detail());
                }
                if (r.firstError() != null) {
                    return Outcome.fail(r.firstError());
                }
                List<Value> elements = new ArrayList<>();
                for (JsonNode row : r.rows(0)) {
                    elements.add(Value.of(row.get(0).asLong()));
                }
                return Outcome.ok(Value.listOf(elements));
            }
            default -> throw new IllegalArgumentException("not a set operation: " + op);
        }
    }

    /** One read of the whole set through the log. */
    @Override
    public List<Invocation> finalReads() {
        return List.of(Invocation.read(Functions.READ_ALL, "strong", "strong"));
    }

    @Override
    public Report check(History history) {
        return new SetChecker().check(history);
    }

    @Override
    public Map<String, String> replicaQueries() {
        return Map.of("elements", READ_ALL);
    }

    @Override
    public String tooLittle(History history) {
        OpCounts c = OpCounts.of(history);
        int acked = c.count(Functions.ADD, Operation.Type.OK);
        int reads = c.count(Functions.READ_ALL, Operation.Type.OK);
        if (acked < MIN_ACKED || reads == 0) {
            return "only " + acked + " acknowledged adds and " + reads + " ok reads";
        }
        return null;
    }
}
