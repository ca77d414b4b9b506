package io.raftlite.db;

import static io.raftlite.db.DbTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.raftlite.db.StatementResult.Error;
import io.raftlite.db.StatementResult.Rows;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatabaseQueryTest {
    @TempDir
    Path dir;

    Database db;

    @BeforeEach
    void open() {
        // one read connection, so every query reuses it and leftovers would show
        db = Database.open(dir.resolve("db.sqlite"), new DatabaseConfig(false, 1, 5000));
    }

    @AfterEach
    void close() {
        db.close();
    }

    private void exec(String... sql) {
        List<StatementResult> r = db.execute(stmts(sql), ExecutionOptions.DEFAULT);
        assertThat(r).as(r.toString()).noneMatch(x -> x instanceof Error);
    }

    private StatementResult query1(Statement st) {
        List<StatementResult> r = db.query(List.of(st), ExecutionOptions.DEFAULT);
        assertThat(r).hasSize(1);
        return r.get(0);
    }

    private Rows rows(String sql) {
        StatementResult r = query1(Statement.of(sql));
        assertThat(r).isInstanceOf(Rows.class);
        return (Rows) r;
    }

    @Test
    void writesAreRefusedWithRqlitesText() {
        exec("CREATE TABLE t (a)");
        List<StatementResult> r = db.query(stmts("INSERT INTO t VALUES(1)", "CREATE TABLE u (a)", "DROP TABLE t",
                "SELECT count(*) FROM t"), ExecutionOptions.DEFAULT);
        assertThat(r).hasSize(4);
        assertThat(r.subList(0, 3)).containsOnly(new Error("attempt to change database via query operation"));
        assertThat(((Rows) r.get(3)).rows()).containsExactly(List.of(0L));
    }

    @Test
    void onlyTheLastPieceIsSteppedAndReturned() {
        exec("CREATE TABLE t (a)", "INSERT INTO t VALUES(1)");
        Rows r = rows("SELECT 1 AS one; INSERT INTO t VALUES(2); SELECT a, 'x' AS b FROM t");
        assertThat(r.columns()).containsExactly("a", "b");
        assertThat(r.rows()).containsExactly(List.of(1L, "x"));
    }

    @Test
    void parametersInQueriesAndGotCountsWhatIsLeft() {
        exec("CREATE TABLE t (a, b)", "INSERT INTO t VALUES(1, 'one'), (2, 'two')");
        assertThat(((Rows) query1(stmt("SELECT b FROM t WHERE a = ?", 2L))).rows()).containsExactly(List.of("two"));
        assertThat(((Rows) query1(stmt("SELECT b FROM t WHERE a = :a", named("a", 1L)))).rows()).containsExactly(List.of("one"));
        assertThat(((Rows) query1(stmt("SELECT ?; SELECT b FROM t WHERE a = ?", 9L, 2L))).rows()).containsExactly(List.of("two"));
        assertThat(query1(stmt("SELECT ?; SELECT ?, ?", 1L, 2L)))
                .isEqualTo(new Error("not enough args to execute query: want 2 got 1"));
    }

    @Test
    void typesAreLowerCasedDeclaredTypes() {
        exec("CREATE TABLE t (id INTEGER, name VARCHAR(255), n NUMBER(5), b BOOL, f Foo, untyped)",
                "INSERT INTO t VALUES(1, 'a', 2, 1, 'f', 3)");
        Rows r = rows("SELECT * FROM t");
        assertThat(r.columns()).containsExactly("id", "name", "n", "b", "f", "untyped");
        // the last column has no declared type: filled from the first row
        assertThat(r.types()).containsExactly("integer", "varchar(255)", "number(5)", "bool", "foo", "integer");
        assertThat(r.rows()).containsExactly(List.of(1L, "a", 2L, 1L, "f", 3L));
        Rows aliased = rows("SELECT name AS x FROM t");
        assertThat(aliased.types()).containsExactly("varchar(255)");
    }

    @Test
    void emptyTypesAreFilledOnceFromTheFirstRow() {
        exec("CREATE TABLE foo (a)", "INSERT INTO foo VALUES(1)");
        assertThat(rows("SELECT COUNT(*) FROM foo").types()).containsExactly("integer");
        assertThat(rows("SELECT 1.5, 'a', x'41', NULL").types()).containsExactly("real", "text", "text", "");
        assertThat(rows("SELECT 1 WHERE 0").types()).containsExactly("");
        Rows mixed = rows("SELECT v FROM (SELECT NULL AS v UNION ALL SELECT 2)");
        assertThat(mixed.types()).containsExactly("");
        assertThat(mixed.rows()).containsExactly(Arrays.asList((Object) null), List.of(2L));
    }

    @Test
    void zeroColumnAndPragmaStatements() {
        Rows info = rows("PRAGMA table_info(missing)");
        assertThat(info.columns()).hasSize(6);
        assertThat(info.types()).containsOnly("");
        assertThat(info.rows()).isEmpty();
        exec("CREATE TABLE t (a INTEGER)");
        Rows present = rows("PRAGMA table_info(t)");
        assertThat(present.rows()).hasSize(1);
        assertThat(present.types()).containsExactly("integer", "text", "text", "integer", "", "integer");
    }

    @Test
    void dateColumnsRenderAsRfc3339() {
        exec("CREATE TABLE d (a DATE, b DATETIME, c TIMESTAMP, t TEXT, e date(10))");
        db.execute(List.of(
                stmt("INSERT INTO d VALUES(?, ?, ?, ?, ?)", "2004-02-14", "2004-02-14 07:15:00.5", "2004-02-14T07:15:00.510241",
                        "2004-02-14", "2004-02-14"),
                stmt("INSERT INTO d VALUES(?, ?, ?, NULL, NULL)", "2004-02-14 07:15:00+02:00", "2004-02-14 07:15:00Z", "2004-02-14 07:15"),
                stmt("INSERT INTO d VALUES(?, ?, ?, NULL, NULL)", "not a date", 1076742900L, 1076742900500L),
                stmt("INSERT INTO d VALUES(?, ?, ?, NULL, NULL)", 2.5, new byte[] {1, 2}, null)), ExecutionOptions.DEFAULT);
        Rows r = rows("SELECT * FROM d ORDER BY rowid");
        assertThat(r.types()).containsExactly("date", "datetime", "timestamp", "text", "date(10)");
        assertThat(r.rows().get(0)).containsExactly("2004-02-14T00:00:00Z", "2004-02-14T07:15:00.5Z", "2004-02-14T07:15:00.510241Z",
                "2004-02-14", "2004-02-14");
        assertThat(r.rows().get(1)).containsExactly("2004-02-14T07:15:00+02:00", "2004-02-14T07:15:00Z", "2004-02-14T07:15:00Z", null,
                null);
        assertThat(r.rows().get(2)).containsExactly("0001-01-01T00:00:00Z", "2004-02-14T07:15:00Z", "2004-02-14T07:15:00.5Z", null, null);
        assertThat(r.rows().get(3).get(0)).isEqualTo(2.5);
        assertThat((byte[]) r.rows().get(3).get(1)).containsExactly(1, 2);
        assertThat(r.rows().get(3).get(2)).isNull();
    }

    @Test
    void booleanColumnsRenderAsBooleans() {
        exec("CREATE TABLE b (v BOOLEAN, w bool)", "INSERT INTO b VALUES(1, 1), (0, 0), (5, 5), (-1, -1), ('yes', 'yes'), (1.5, 1.5)");
        Rows r = rows("SELECT v, w FROM b ORDER BY rowid");
        assertThat(r.types()).containsExactly("boolean", "bool");
        assertThat(r.rows()).containsExactly(List.of(true, 1L), List.of(false, 0L), List.of(true, 5L), List.of(false, -1L),
                List.of("yes", "yes"), List.of(1.5, 1.5));
    }

    @Test
    void blobsInTextLikeColumnsRenderAsText() {
        assertThat(rows("SELECT x'414243'").rows()).containsExactly(List.of("ABC"));
        assertThat(rows("SELECT x'41ff42'").rows()).containsExactly(List.of("A\uFFFDB"));
        exec("CREATE TABLE t (a VARCHAR(10), b BLOB, c JSON, d NVARCHAR, e CLOB, f INT)",
                "INSERT INTO t VALUES(x'41', x'41', x'41', x'41', x'41', x'41')");
        Rows r = rows("SELECT * FROM t");
        assertThat(r.rows().get(0).get(0)).isEqualTo("A");
        assertThat((byte[]) r.rows().get(0).get(1)).containsExactly(0x41);
        assertThat(r.rows().get(0).subList(2, 5)).containsOnly("A");
        assertThat((byte[]) r.rows().get(0).get(5)).containsExactly(0x41);
    }

    @Test
    void qualifiedColumnNames() {
        exec("CREATE TABLE foo (id integer primary key, name text)", "INSERT INTO foo(name) VALUES('a')");
        List<StatementResult> r = db.query(List.of(Statement.of("SELECT id, name AS n, 1 + 1 FROM foo")),
                new ExecutionOptions(false, null, true, false));
        assertThat(((Rows) r.get(0)).columns()).containsExactly("foo.id", "foo.n", "1 + 1");
    }

    @Test
    void slowQueryTimesOut() {
        ExecutionOptions opts = new ExecutionOptions(false, Duration.ofMillis(100), false, false);
        long t0 = System.nanoTime();
        List<StatementResult> r = db.query(List.of(
                Statement.of("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c"),
                Statement.of("SELECT 1")), opts);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
        assertThat(r.get(0)).isEqualTo(new Error("query timeout"));
        assertThat(((Rows) r.get(1)).rows()).containsExactly(List.of(1L));
        // the next query without timeout is unaffected
        assertThat(rows("SELECT 2").rows()).containsExactly(List.of(2L));
    }

    @Test
    void transactionRunsAllStatementsAndErrorsDoNotStopThem() {
        exec("CREATE TABLE t (a)", "INSERT INTO t VALUES(1)");
        List<StatementResult> r = db.query(stmts("SELECT count(*) FROM t", "SELECT * FROM nope", "SELECT a FROM t"), tx());
        assertThat(r).hasSize(3);
        assertThat(((Rows) r.get(0)).rows()).containsExactly(List.of(1L));
        assertThat(r.get(1)).isEqualTo(new Error("no such table: nope"));
        assertThat(((Rows) r.get(2)).rows()).containsExactly(List.of(1L));
        // the read transaction ended: new writes are visible
        exec("INSERT INTO t VALUES(2)");
        assertThat(rows("SELECT count(*) FROM t").rows()).containsExactly(List.of(2L));
    }

    @Test
    void aClientBeginDoesNotLeaveAStaleSnapshotInThePool() {
        exec("CREATE TABLE t (a)");
        Rows begin = rows("BEGIN");
        assertThat(begin.columns()).isEmpty();
        assertThat(rows("SELECT count(*) FROM t").rows()).containsExactly(List.of(0L));
        exec("INSERT INTO t VALUES(1)");
        assertThat(rows("SELECT count(*) FROM t").rows()).containsExactly(List.of(1L));
    }

    @Test
    void readsSeeCommittedWritesImmediately() {
        exec("CREATE TABLE t (a)");
        for (long i = 1; i <= 20; i++) {
            exec("INSERT INTO t VALUES(" + i + ")");
            assertThat(rows("SELECT count(*) FROM t").rows()).containsExactly(List.of(i));
        }
    }

    @Test
    void concurrentReadersShareThePool() throws Exception {
        db.close();
        db = Database.open(dir.resolve("pool.sqlite"), new DatabaseConfig(false, 2, 5000));
        exec("CREATE TABLE t (a)", "INSERT INTO t VALUES(1), (2), (3)");
        var pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            List<java.util.concurrent.Future<StatementResult>> futures = new java.util.ArrayList<>();
            for (int i = 0; i < 200; i++) {
                futures.add(pool.submit(() -> db.query(stmts("SELECT sum(a) FROM t"), ExecutionOptions.DEFAULT).get(0)));
            }
            for (var f : futures) {
                assertThat(((Rows) f.get()).rows()).containsExactly(List.of(6L));
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
