package io.raftlite.jepsen.workload;

import io.raftlite.jepsen.checker.BankChecker;
import io.raftlite.jepsen.checker.OpCounts;
import io.raftlite.jepsen.checker.Report;
import io.raftlite.jepsen.history.Functions;
import io.raftlite.jepsen.history.History;
import io.raftlite.jepsen.history.Operation;
import io.raftlite.jepsen.history.Value;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;

/**
 * Bank transfers: {@code accounts(id INTEGER PRIMARY KEY, balance INTEGER NOT NULL)} starts with the
 * same balance in every account; clients move money with one {@code /db/execute?transaction}
 * request each and read every balance with one {@code SELECT}. Judged by the {@link BankChecker}:
 * every read shows every account, no negative balance, and the initial total.
 *
 * <p>A transfer is two guarded statements in one transaction:
 * <pre>
 * UPDATE accounts SET balance = balance - :amount WHERE id = :from AND balance &gt;= :amount
 * UPDATE accounts SET balance = balance + :amount WHERE id = :to AND changes() = 1
 * </pre>
 * SQLite's {@code changes()} is the row count of the last <em>completed</em> statement on the
 * connection, so the credit applies exactly when the debit did (no overdraft, and no money created
 * when the debit matched nothing). The first statement's row count says how it went: 1 is OK, 0 is
 * FAIL (insufficient funds; the transaction changed nothing).
 *
 * <p>Reads are made at each of the given levels in turn, {@code none} included: a {@code none} read
 * may be stale, but it is one {@code SELECT} on one node's database, a consistent snapshot of some
 * prefix of the log, so it must show the right total too. The level of a read is kept as the
 * operation's key (the checker ignores it).
 */
public final class BankWorkload implements Workload {
    static final String CREATE = "CREATE TABLE IF NOT EXISTS accounts (id INTEGER PRIMARY KEY, balance INTEGER NOT NULL)";
    static final String SEED = "INSERT OR IGNORE INTO accounts(id, balance) VALUES(?, ?)";
    static final String DEBIT = "UPDATE accounts SET balance = balance - ? WHERE id = ? AND balance >= ?";
    static final String CREDIT = "UPDATE accounts SET balance = balance + ? WHERE id = ? AND changes() = 1";
    static final String READ = "SELECT id, balance FROM accounts ORDER BY id";
    private static final int MIN_OK = 20;

    private final int accounts;
    private final long initialBalance;
    private final int maxAmount;
    private final List<String> readLevels;

    /**
     * @param accounts       number of accounts, ids 0..accounts-1
     * @param initialBalance each account's balance at the start
     * @param maxAmount      transfers move 1..maxAmount
     * @param readLevels     the levels reads use, in turn (e.g. {@code strong, linearizable, none})
     */
    public BankWorkload(int accounts, long initialBalance, int maxAmount, List<String> readLevels) {
        if (accounts < 2 || maxAmount < 1 || readLevels.isEmpty()) {
            throw new IllegalArgumentException("need 2 accounts, amounts from 1 and a read level");
        }
        this.accounts = accounts;
        this.initialBalance = initialBalance;
        this.maxAmount = maxAmount;
        this.readLevels = List.copyOf(readLevels);
    }

    @Override
    public String name() {
        return "bank";
    }

    public long total() {
        return accounts * initialBalance;
    }

    public Set<String> accountIds() {
        Set<String> ids = new LinkedHashSet<>();
        for (int i = 0; i < accounts; i++) {
            ids.add(Integer.toString(i));
        }
        return ids;
    }

    /** Table and accounts in one transaction, so no node ever holds the table with some accounts missing. */
    @Override
    public boolean setUp(SqlClient client) {
        List<ArrayNode> statements = new ArrayList<>();
        statements.add(SqlClient.statement(CREATE));
        for (int i = 0; i < accounts; i++) {
            statements.add(SqlClient.statement(SEED, i, initialBalance));
        }
        if (!(client.execute(true, statements.toArray(ArrayNode[]::new)) instanceof SqlClient.Answer.Results r)
                || r.firstError() != null) {
            return false;
        }
        Outcome check = read(client, "strong");
        return check.isOk() && check.value().asMap().size() == accounts
                && check.value().asMap().values().stream().mapToLong(Value::asLong).sum() == total();
    }

    @Override
    public Invocation next(Random random) {
        if (random.nextBoolean()) {
            String level = readLevels.get(random.nextInt(readLevels.size()));
            return Invocation.read(Functions.READ_BALANCES, level, level);
        }
        int from = random.nextInt(accounts);
        int to = (from + 1 + random.nextInt(accounts - 1)) % accounts;
        long amount = 1 + random.nextInt(maxAmount);
        return Invocation.write(Functions.TRANSFER, null,
                Value.mapOf(Map.of("from", Integer.toString(from), "to", Integer.toString(to), "amount", amount)));
    }

    @Override
    public Outcome perform(SqlClient client, Invocation op) {
        switch (op.function()) {
            case Functions.TRANSFER -> {
                Map<String, Value> t = op.value().asMap();
                long from = Long.parseLong(t.get("from").asText());
                long to = Long.parseLong(t.get("to").asText());
                long amount = t.get("amount").asLong();
                SqlClient.Answer a = client.execute(true, SqlClient.statement(DEBIT, amount, from, amount),
                        SqlClient.statement(CREDIT, amount, to));
                if (!(a instanceof SqlClient.Answer.Results r)) {
                    return Outcome.ofUnappliedWrite(a);
                }
                if (r.firstError() != null) {
                    return Outcome.fail(r.firstError()); // the transaction rolled back
                }
                return r.rowsAffected(0) == 1 ? Outcome.ok() : Outcome.fail("insufficient funds");
            }
            case Functions.READ_BALANCES -> {
                return read(client, op.level());
            }
            default -> throw new IllegalArgumentException("not a bank operation: " + op);
        }
    }

    private Outcome read(SqlClient client, String level) {
        SqlClient.Answer a = client.query(level, SqlClient.statement(READ));
        if (!(a instanceof SqlClient.Answer.Results r)) {
            return Outcome.fail(a.detail());
        }
        if (r.firstError() != null) {
            return Outcome.fail(r.firstError());
        }
        Map<String, Long> balances = new TreeMap<>();
        for (JsonNode row : r.rows(0)) {
            balances.put(Long.toString(row.get(0).asLong()), row.get(1).asLong());
        }
        return Outcome.ok(Value.mapOf(balances));
    }

    /** One read of every balance through the log. */
    @Override
    public List<Invocation> finalReads() {
        return List.of(Invocation.read(Functions.READ_BALANCES, "strong", "strong"));
    }

    @Override
    public Report check(History history) {
        return new BankChecker(accountIds(), total(), false).check(history);
    }

    @Override
    public Map<String, String> replicaQueries() {
        return Map.of("accounts", READ);
    }

    @Override
    public String tooLittle(History history) {
        OpCounts c = OpCounts.of(history);
        int transfers = c.count(Functions.TRANSFER, Operation.Type.OK);
        int reads = c.count(Functions.READ_BALANCES, Operation.Type.OK);
        if (transfers < MIN_OK || reads < MIN_OK) {
            return "only " + transfers + " ok transfers and " + reads + " ok reads";
        }
        return null;
    }
}
