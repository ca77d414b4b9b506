package io.raftlite.jepsen.workload;

import io.raftlite.jepsen.checker.OpCounts;
import io.raftlite.jepsen.checker.RegisterChecker;
import io.raftlite.jepsen.checker.Report;
import io.raftlite.jepsen.checker.SearchBudget;
import io.raftlite.jepsen.history.Functions;
import io.raftlite.jepsen.history.History;
import io.raftlite.jepsen.history.Operation;
import io.raftlite.jepsen.history.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.JsonNode;

/**
 * Many independent registers, each a row of {@code registers(k INTEGER PRIMARY KEY, v INTEGER)}:
 * clients read ({@code SELECT} at one consistency level), write (an upsert) and compare-and-set
 * ({@code UPDATE ... WHERE k = ? AND v = ?}: one row affected is OK, none is FAIL). Judged by the
 * {@link RegisterChecker}: every key's history must be linearizable.
 *
 * <p>Why many keys, Jepsen's "independent" style: checking linearizability is exponential in the
 * number of concurrent operations, so a few keys are active at a time, each for about
 * {@code opsPerKey} invocations, then retired and replaced by a fresh key. Every written value is
 * unique per key, so a read names the write it saw. Compare-and-set expects the last value this
 * workload saw on the key, so that a good share of them succeed.
 *
 * <p>Several instances may share the table: each owns the keys from {@code keyBase} on. With reads at
 * {@code weak} or {@code none} the workload measures rather than judges ({@link #judged()}): such
 * reads may be stale, and {@link Staleness} says by how much they were.
 */
public final class RegisterWorkload implements Workload {
    static final String CREATE = "CREATE TABLE IF NOT EXISTS registers (k INTEGER PRIMARY KEY, v INTEGER)";
    static final String UPSERT = "INSERT INTO registers(k, v) VALUES(?, ?) ON CONFLICT(k) DO UPDATE SET v = excluded.v";
    static final String CAS = "UPDATE registers SET v = ? WHERE k = ? AND v = ?";
    static final String READ = "SELECT v FROM registers WHERE k = ?";
    /** Keys one instance may use: {@code keyBase} up to (not including) {@code keyBase + KEY_RANGE}. */
    static final long KEY_RANGE = 1_000_000;
    private static final int MIN_OK = 20;

    private final String level;
    private final long keyBase;
    private final int opsPerKey;
    private final SearchBudget budget;
    private final Key[] active;
    private final AtomicLong nextKey;
    private final Map<String, Key> byName = new ConcurrentHashMap<>();
    private final ConcurrentSkipListSet<Long> used = new ConcurrentSkipListSet<>();

    /** One register: how many operations were handed out on it, its next fresh value, the last value seen. */
    private static final class Key {
        final long k;
        final String name;
        final AtomicInteger invoked = new AtomicInteger();
        final AtomicLong nextValue = new AtomicLong();
        volatile Value lastSeen = Value.NIL;

        Key(long k) {
            this.k = k;
            this.name = "r" + k;
        }
    }

    /**
     * @param level      the read level: {@code linearizable} or {@code strong} (the levels that promise
     *                   linearizability; {@code weak} or {@code none} make a history the checker may reject)
     * @param keyBase    the first key of this instance
     * @param activeKeys how many keys are in use at once (concurrency per key is clients / activeKeys)
     * @param opsPerKey  invocations per key before it is retired
     * @param budget     the linearizability search budget
     */
    public RegisterWorkload(String level, long keyBase, int activeKeys, int opsPerKey, SearchBudget budget) {
        this.level = Objects.requireNonNull(level, "level");
        this.keyBase = keyBase;
        this.opsPerKey = opsPerKey;
        this.budget = Objects.requireNonNull(budget, "budget");
        if (activeKeys < 1 || opsPerKey < 1) {
            throw new IllegalArgumentException("activeKeys and opsPerKey must be >= 1");
        }
        this.nextKey = new AtomicLong(keyBase);
        this.active = new Key[activeKeys];
        for (int i = 0; i < activeKeys; i++) {
            active[i] = newKey();
        }
    }

    private Key newKey() {
        long k = nextKey.getAndIncrement();
        if (k >= keyBase + KEY_RANGE) {
            throw new IllegalStateException("register key space of " + name() + " exhausted");
        }
        Key key = new Key(k);
        byName.put(key.name, key);
        return key;
    }

    @Override
    public String name() {
        return "registers-" + level;
    }

    public String level() {
        return level;
    }

    @Override
    public boolean setUp(SqlClient client) {
        return client.execute(false, SqlClient.statement(CREATE)) instanceof SqlClient.Answer.Results r
                && r.firstError() == null;
    }

    @Override
    public Invocation next(Random random) {
        Key key;
        synchronized (active) {
            int slot = random.nextInt(active.length);
            key = active[slot];
            if (key.invoked.incrementAndGet() > opsPerKey) {
                key = newKey();
                active[slot] = key;
                key.invoked.incrementAndGet();
            }
        }
        used.add(key.k);
        int dice = random.nextInt(100);
        Value seen = key.lastSeen;
        if (dice < 50) {
            return Invocation.read(Functions.READ, key.name, level);
        }
        long fresh = key.nextValue.incrementAndGet();
        if (dice < 75 || seen.isNil()) {
            return Invocation.write(Functions.WRITE, key.name, Value.of(fresh));
        }
        return Invocation.write(Functions.CAS, key.name, Value.list(seen, Value.of(fresh)));
    }

    @Override
    public Outcome perform(SqlClient client, Invocation op) {
        long k = byName.get(op.key()).k;
        switch (op.function()) {
            case Functions.READ -> {
                SqlClient.Answer a = client.query(op.level(), SqlClient.statement(READ, k));
                if (!(a instanceof SqlClient.Answer.Results r)) {
                    return Outcome.fail(a.detail()); // a read changes nothing
                }
                if (r.firstError() != null) {
                    return Outcome.fail(r.firstError());
                }
                List<JsonNode> rows = r.rows(0);
                if (rows.isEmpty()) {
                    return Outcome.ok(Value.NIL);
                }
                JsonNode v = rows.get(0).get(0);
                return Outcome.ok(v == null || v.isNull() ? Value.NIL : Value.of(v.asLong()));
            }
            case Functions.WRITE -> {
                SqlClient.Answer a = client.execute(false, SqlClient.statement(UPSERT, k, op.value().asLong()));
                if (!(a instanceof SqlClient.Answer.Results r)) {
                    return Outcome.ofUnappliedWrite(a);
                }
                if (r.firstError() != null) {
                    return Outcome.fail(r.firstError());
                }
                return r.rowsAffected(0) == 1 ? Outcome.ok() : Outcome.info("upsert affected " + r.rowsAffected(0)
                        + " rows: " + r.detail());
            }
            case Functions.CAS -> {
                List<Value> args = op.value().asList();
                SqlClient.Answer a = client.execute(false,
                        SqlClient.statement(CAS, args.get(1).asLong(), k, args.get(0).asLong()));
                if (!(a instanceof SqlClient.Answer.Results r)) {
                    return Outcome.ofUnappliedWrite(a);
                }
                if (r.firstError() != null) {
                    return Outcome.fail(r.firstError());
                }
                long rows = r.rowsAffected(0);
                if (rows == 1) {
                    return Outcome.ok();
                }
                return rows == 0 ? Outcome.fail("0 rows matched") : Outcome.info("cas affected " + rows + " rows");
            }
            default -> throw new IllegalArgumentException("not a register operation: " + op);
        }
    }

    @Override
    public void completed(Invocation op, Outcome outcome) {
        if (!outcome.isOk()) {
            return;
        }
        Key key = byName.get(op.key());
        switch (op.function()) {
            case Functions.READ -> key.lastSeen = outcome.value();
            case Functions.WRITE -> key.lastSeen = op.value();
            case Functions.CAS -> key.lastSeen = op.value().asList().get(1);
            default -> {
            }
        }
    }

    /** One read of every key used, at this workload's level: the registers still hold the acknowledged writes. */
    @Override
    public List<Invocation> finalReads() {
        List<Invocation> reads = new ArrayList<>();
        for (long k : used) {
            reads.add(Invocation.read(Functions.READ, "r" + k, level));
        }
        return reads;
    }

    @Override
    public Report check(History history) {
        return new RegisterChecker(budget).check(history);
    }

    /** Only the levels that promise linearizability are judged; {@code weak} and {@code none} are measured. */
    @Override
    public boolean judged() {
        return level.equals("linearizable") || level.equals("strong");
    }

    @Override
    public String notes(History history) {
        return "staleness of " + level + " reads: " + Staleness.of(history).render();
    }

    @Override
    public Map<String, String> replicaQueries() {
        return Map.of("registers " + keyBase + "..", "SELECT k, v FROM registers WHERE k >= " + keyBase + " AND k < "
                + (keyBase + KEY_RANGE) + " ORDER BY k");
    }

    @Override
    public String tooLittle(History history) {
        OpCounts c = OpCounts.of(history);
        int reads = c.count(Functions.READ, Operation.Type.OK);
        int writes = c.count(Functions.WRITE, Operation.Type.OK) + c.count(Functions.CAS, Operation.Type.OK);
        int cas = c.count(Functions.CAS, Operation.Type.OK);
        if (reads < MIN_OK || writes < MIN_OK || cas == 0) {
            return "only " + reads + " ok reads, " + writes + " ok writes and cas, " + cas + " ok cas";
        }
        return null;
    }
}
