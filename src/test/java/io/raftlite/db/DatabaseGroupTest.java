package io.raftlite.db;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftlite.db.Database.WriteRequest;
import io.raftlite.db.StatementResult.Rows;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Database#executeGroup} must give every request exactly the results and the database
 * exactly the state that running the requests one by one with {@link Database#execute} gives.
 * Each case runs on two databases, grouped and one by one, and compares.
 */
class DatabaseGroupTest {
    @TempDir
    Path dir;

    private final List<Database> open = new ArrayList<>();

    @AfterEach
    void close() {
        open.forEach(Database::close);
    }

    private Database db(String name, String... schema) {
        Database db = Database.open(dir.resolve(name + ".sqlite"), new DatabaseConfig(true, 1, 5000));
        open.add(db);
        for (String s : schema) {
            db.execute(List.of(Statement.of(s)), ExecutionOptions.DEFAULT);
        }
        return db;
    }

    private static WriteRequest req(String... sql) {
        return req(ExecutionOptions.DEFAULT, sql);
    }

    private static WriteRequest req(ExecutionOptions o, String... sql) {
        return new WriteRequest(Arrays.stream(sql).map(Statement::of).toList(), o);
    }

    private static List<List<Object>> rows(Database db, String sql) {
        StatementResult r = db.query(List.of(Statement.of(sql)), ExecutionOptions.DEFAULT).get(0);
        assertThat(r).as(sql).isInstanceOf(Rows.class);
        return ((Rows) r).rows();
    }

    /** Runs {@code requests} grouped on one database and one by one on another; results and contents must agree. */
    private List<List<StatementResult>> assertSameAsOneByOne(List<WriteRequest> requests, String check, String... schema) {
        Database grouped = db("grouped", schema);
        Database single = db("single", schema);
        List<List<StatementResult>> g = grouped.executeGroup(requests);
        List<List<StatementResult>> s = new ArrayList<>();
        for (WriteRequest r : requests) {
            s.add(single.execute(r.statements(), r.options()));
        }
        assertThat(g).isEqualTo(s);
        assertThat(rows(grouped, check)).isEqualTo(rows(single, check));
        return g;
    }

    @Test
    void plainWritesFromSeveralRequestsGiveEachItsOwnCounters() {
        List<List<StatementResult>> r = assertSameAsOneByOne(List.of(
                req("INSERT INTO t(v) VALUES('a')", "INSERT INTO t(v) VALUES('b')"),
                req("UPDATE t SET v = v || '!' WHERE v = 'a'"),
                req("INSERT INTO t(v) VALUES('c')", "SELECT * FROM t", "DELETE FROM t WHERE v = 'b'")),
                "SELECT id, v FROM t ORDER BY id", "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
        assertThat(r.get(0)).containsExactly(new StatementResult.Write(1, 1, 0), new StatementResult.Write(2, 1, 0));
        assertThat(r.get(2).get(2)).isEqualTo(new StatementResult.Write(3, 1, 0));
        // and the group did run as one transaction: the table's page went to the WAL once, not once
        // per committing statement as it did one by one
        assertThat(walBytes("grouped")).isLessThan(walBytes("single"));
    }

    private long walBytes(String name) {
        try {
            return java.nio.file.Files.size(dir.resolve(name + ".sqlite-wal"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aFailingStatementIsUndoneAloneAndTheOthersStay() {
        List<List<StatementResult>> r = assertSameAsOneByOne(List.of(
                req("INSERT INTO t VALUES(1, 'a')", "INSERT INTO t VALUES(1, 'dup')", "INSERT INTO nosuch VALUES(1)"),
                req("INSERT INTO t VALUES(2, 'b')")),
                "SELECT id, v FROM t ORDER BY id", "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
        assertThat(r.get(0).get(1)).isInstanceOf(StatementResult.Error.class);
        assertThat(r.get(0).get(2)).isInstanceOf(StatementResult.Error.class);
    }

    @Test
    void aRollbackConflictClauseFallsBackToOneByOne() {
        // INSERT OR ROLLBACK would undo the whole group's transaction; alone it undoes only itself
        List<List<StatementResult>> r = assertSameAsOneByOne(List.of(
                req("INSERT INTO t VALUES(1, 'a')"),
                req("INSERT OR ROLLBACK INTO t VALUES(1, 'again')", "INSERT INTO t VALUES(2, 'b')")),
                "SELECT id, v FROM t ORDER BY id", "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
        assertThat(r.get(1).get(0)).isInstanceOf(StatementResult.Error.class);
        assertThat(r.get(1).get(1)).isInstanceOf(StatementResult.Write.class);
    }

    @Test
    void aTriggerRaisingRollbackFallsBackToOneByOne() {
        assertSameAsOneByOne(List.of(
                req("INSERT INTO t VALUES(1, 'a')", "INSERT INTO t VALUES(2, 'veto')", "INSERT INTO t VALUES(3, 'c')")),
                "SELECT id, v FROM t ORDER BY id",
                "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)",
                "CREATE TRIGGER veto BEFORE INSERT ON t WHEN NEW.v = 'veto' BEGIN SELECT RAISE(ROLLBACK, 'vetoed'); END");
    }

    @Test
    void aDeferredForeignKeyRefusedAtCommitFallsBackToOneByOne() {
        assertSameAsOneByOne(List.of(
                req("INSERT INTO parent VALUES(1)"),
                req("INSERT INTO child VALUES(10, 2)", "INSERT INTO child VALUES(11, 1)")),
                "SELECT 'p', id FROM parent UNION ALL SELECT 'c', id FROM child ORDER BY 1, 2",
                "CREATE TABLE parent (id INTEGER PRIMARY KEY)",
                "CREATE TABLE child (id INTEGER PRIMARY KEY, p INTEGER REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED)");
    }

    @Test
    void aClientsOpenTransactionIsNeitherCommittedNorRolledBack() {
        Database db = db("open", "CREATE TABLE t (v)");
        db.execute(List.of(Statement.of("BEGIN")), ExecutionOptions.DEFAULT);
        db.executeGroup(List.of(req("INSERT INTO t VALUES('a')", "INSERT INTO t VALUES('b')")));
        // still the client's transaction: its ROLLBACK undoes both
        db.execute(List.of(Statement.of("ROLLBACK")), ExecutionOptions.DEFAULT);
        assertThat(rows(db, "SELECT count(*) FROM t")).containsExactly(List.of(0L));
    }

    @Test
    void transactionsTimeoutsAndOtherStatementsAreRunOneByOne() {
        assertSameAsOneByOne(List.of(
                req(new ExecutionOptions(true, null, false, false), "INSERT INTO t VALUES(1, 'a')", "INSERT INTO t VALUES(1, 'dup')"),
                req(new ExecutionOptions(false, Duration.ofSeconds(5), false, false), "INSERT INTO t VALUES(2, 'b')"),
                req("CREATE TABLE u (x)", "INSERT INTO u VALUES(1)"),
                req("PRAGMA user_version = 7", "INSERT INTO t VALUES(3, 'c')")),
                "SELECT id, v FROM t ORDER BY id", "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
    }

    @Test
    void onlyPlainDmlAndSelectCountAsGroupable() {
        assertThat(io.raftlite.db.sql.StatementClassifier.isPlainDml("INSERT INTO t VALUES(1); UPDATE t SET v = 2")).isTrue();
        assertThat(io.raftlite.db.sql.StatementClassifier.isPlainDml("WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x")).isTrue();
        assertThat(io.raftlite.db.sql.StatementClassifier.isPlainDml("SELECT 1")).isTrue();
        for (String sql : List.of("BEGIN", "COMMIT", "SAVEPOINT a", "PRAGMA foreign_keys = 1", "VACUUM", "CREATE TABLE x (a)",
                "ATTACH 'x' AS y", "INSERT INTO t VALUES(1); COMMIT", "", "not sql")) {
            assertThat(io.raftlite.db.sql.StatementClassifier.isPlainDml(sql)).as(sql).isFalse();
        }
    }
}
