package io.raftlite.db;

import static io.raftlite.db.DbTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raftlite.db.StatementResult.Error;
import io.raftlite.db.StatementResult.Rows;
import io.raftlite.db.StatementResult.Write;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatabaseExecuteTest {
    @TempDir
    Path dir;

    Database db;

    @BeforeEach
    void open() {
        db = Database.open(dir.resolve("db.sqlite"), DatabaseConfig.DEFAULT);
    }

    @AfterEach
    void close() {
        db.close();
    }

    private List<StatementResult> exec(String... sql) {
        return db.execute(stmts(sql), ExecutionOptions.DEFAULT);
    }

    private List<List<Object>> rows(String sql) {
        StatementResult r = db.query(List.of(Statement.of(sql)), ExecutionOptions.DEFAULT).get(0);
        assertThat(r).isInstanceOf(Rows.class);
        return ((Rows) r).rows();
    }

    @Test
    void countersCarryOverFromEarlierDml() {
        List<StatementResult> r = exec(
                "CREATE TABLE foo (id integer not null primary key, name text)",
                "INSERT INTO foo(name) VALUES('fiona')",
                "INSERT INTO foo(name) VALUES('declan')",
                "CREATE TABLE bar (x)",
                "SELECT * FROM foo",
                "DROP TABLE foo");
        assertThat(r).containsExactly(
                new Write(0, 0, 0),
                new Write(1, 1, 0),
                new Write(2, 1, 0),
                new Write(2, 1, 0),
                new Write(2, 1, 0),
                new Write(2, 1, 0));
    }

    @Test
    void updateReportsChangedRowCount() {
        exec("CREATE TABLE foo (id integer primary key, n int)", "INSERT INTO foo(n) VALUES(1),(2),(3)");
        assertThat(exec("UPDATE foo SET n = n + 1 WHERE id > 1")).containsExactly(new Write(3, 2, 0));
    }

    @Test
    void multiStatementTextRunsEveryPieceAndReportsTheLast() {
        List<StatementResult> r = exec("CREATE TABLE foo (id integer primary key, name text); "
                + "INSERT INTO foo(name) VALUES('a');\nINSERT INTO foo(name) VALUES('b; c');");
        assertThat(r).containsExactly(new Write(2, 1, 0));
        assertThat(rows("SELECT name FROM foo ORDER BY id")).containsExactly(List.of("a"), List.of("b; c"));
    }

    @Test
    void failingPieceStopsTheElementAndEarlierPiecesStay() {
        exec("CREATE TABLE foo (x)");
        List<StatementResult> r = exec("INSERT INTO foo VALUES(1); INSERT INTO nope VALUES(2); INSERT INTO foo VALUES(3)");
        assertThat(r).containsExactly(new Error("no such table: nope"));
        assertThat(rows("SELECT x FROM foo")).containsExactly(List.of(1L));
    }

    @Test
    void positionalParametersAreConsumedAcrossPieces() {
        exec("CREATE TABLE t (a, b)");
        List<StatementResult> r = db.execute(List.of(stmt(
                "INSERT INTO t(a) VALUES(?); INSERT INTO t(a, b) VALUES(?, ?)", 1L, "two", 3.5)), ExecutionOptions.DEFAULT);
        assertThat(r).containsExactly(new Write(2, 1, 0));
        assertThat(rows("SELECT a, b FROM t ORDER BY rowid")).containsExactly(
                java.util.Arrays.asList(1L, null), List.of("two", 3.5));
    }

    @Test
    void namedParametersBindAnyPrefixAndUnknownNamesAreIgnored() {
        exec("CREATE TABLE t (a, b, c)");
        List<StatementResult> r = db.execute(List.of(
                stmt("INSERT INTO t VALUES(:a, @b, $c)", named("c", 3L), named("a", "x"), named("b", 2.0)),
                stmt("INSERT INTO t(a) VALUES(:a)", named("a", 9L), named("zzz", 1L))), ExecutionOptions.DEFAULT);
        assertThat(r).containsExactly(new Write(1, 1, 0), new Write(2, 1, 0));
        assertThat(rows("SELECT a, b, c FROM t ORDER BY rowid")).containsExactly(
                List.of("x", 2.0, 3L), java.util.Arrays.asList(9L, null, null));
    }

    @Test
    void positionalAndNamedParametersMix() {
        exec("CREATE TABLE t (a, b)");
        db.execute(List.of(stmt("INSERT INTO t VALUES(?, :b)", 5L, named("b", 6L))), ExecutionOptions.DEFAULT);
        assertThat(rows("SELECT a, b FROM t")).containsExactly(List.of(5L, 6L));
    }

    @Test
    void tooFewArgumentsFailTheStatementWithGoSqlite3Text() {
        exec("CREATE TABLE t (a, b)");
        List<StatementResult> r = db.execute(List.of(
                stmt("INSERT INTO t VALUES(?, ?)", 1L),
                stmt("INSERT INTO t(a) VALUES(?); INSERT INTO t VALUES(?, ?)", 7L, 8L),
                stmt("INSERT INTO t VALUES(:a, :b)", named("a", 1L))), ExecutionOptions.DEFAULT);
        assertThat(r).containsExactly(
                new Error("not enough args to execute query: want 2 got 1"),
                new Error("not enough args to execute query: want 2 got 2"),
                new Error("not enough args to execute query: want 2 got 1"));
        // the first piece of the second element ran before the second piece failed
        assertThat(rows("SELECT a FROM t")).containsExactly(List.of(7L));
    }

    @Test
    void surplusPositionalArgumentsAreIgnored() {
        exec("CREATE TABLE t (a)");
        List<StatementResult> r = db.execute(List.of(stmt("INSERT INTO t VALUES(?)", 1L, 2L, 3L)), ExecutionOptions.DEFAULT);
        assertThat(r).containsExactly(new Write(1, 1, 0));
        assertThat(rows("SELECT a FROM t")).containsExactly(List.of(1L));
    }

    @Test
    void valuesBindWithTheirStorageClass() {
        exec("CREATE TABLE t (v)");
        byte[] blob = {1, 2, (byte) 255};
        db.execute(List.of(
                stmt("INSERT INTO t VALUES(?)", 42L),
                stmt("INSERT INTO t VALUES(?)", 2.0),
                stmt("INSERT INTO t VALUES(?)", "s"),
                stmt("INSERT INTO t VALUES(?)", (Object) blob),
                stmt("INSERT INTO t VALUES(?)", (Object) null)), ExecutionOptions.DEFAULT);
        assertThat(rows("SELECT typeof(v) FROM t ORDER BY rowid")).containsExactly(
                List.of("integer"), List.of("real"), List.of("text"), List.of("blob"), List.of("null"));
    }

    @Test
    void blobRoundTripsInBlobColumn() {
        exec("CREATE TABLE files (data BLOB)");
        byte[] blob = {1, 2, (byte) 255};
        db.execute(List.of(stmt("INSERT INTO files(data) VALUES(?)", (Object) blob)), ExecutionOptions.DEFAULT);
        Rows r = (Rows) db.query(List.of(Statement.of("SELECT data FROM files")), ExecutionOptions.DEFAULT).get(0);
        assertThat(r.types()).containsExactly("blob");
        assertThat((byte[]) r.rows().get(0).get(0)).containsExactly(1, 2, 255);
    }

    @Test
    void transactionStopsAtFirstFailureAndRollsBack() {
        exec("CREATE TABLE pets (id integer primary key, kind text)", "INSERT INTO pets(kind) VALUES('cat')");
        List<StatementResult> r = db.execute(stmts(
                "INSERT INTO pets(kind) VALUES('owl')",
                "INSERT INTO nope VALUES(1)",
                "INSERT INTO pets(kind) VALUES('eel')"), tx());
        assertThat(r).containsExactly(new Write(2, 1, 0), new Error("no such table: nope"));
        assertThat(rows("SELECT kind FROM pets")).containsExactly(List.of("cat"));
        // the connection is usable and not left inside a transaction
        assertThat(exec("INSERT INTO pets(kind) VALUES('dog')")).containsExactly(new Write(2, 1, 0));
        assertThat(rows("SELECT count(*) FROM pets")).containsExactly(List.of(2L));
    }

    @Test
    void transactionCommitsWhenAllSucceed() {
        List<StatementResult> r = db.execute(stmts("CREATE TABLE t (a)", "INSERT INTO t VALUES(1)", "INSERT INTO t VALUES(2)"), tx());
        assertThat(r).containsExactly(new Write(0, 0, 0), new Write(1, 1, 0), new Write(2, 1, 0));
        assertThat(rows("SELECT count(*) FROM t")).containsExactly(List.of(2L));
    }

    @Test
    void withoutTransactionProcessingContinuesAfterErrors() {
        List<StatementResult> r = exec("CREATE TABLE t (a)", "INSERT INTO nope VALUES(1)", "INSERT INTO t VALUES(1)");
        assertThat(r).containsExactly(new Write(0, 0, 0), new Error("no such table: nope"), new Write(1, 1, 0));
    }

    @Test
    void returningGivesRowsWithDeclaredTypes() {
        exec("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)");
        List<StatementResult> r = db.execute(List.of(
                new Statement("INSERT INTO t(name) VALUES(?), (?) RETURNING id, name AS n", List.of(Parameter.positional("a"),
                        Parameter.positional("b")), true)), ExecutionOptions.DEFAULT);
        assertThat(r).hasSize(1);
        Rows rows = (Rows) r.get(0);
        assertThat(rows.columns()).containsExactly("id", "n");
        assertThat(rows.types()).containsExactly("integer", "text");
        assertThat(rows.rows()).containsExactly(List.of(1L, "a"), List.of(2L, "b"));
        assertThat(this.rows("SELECT count(*) FROM t")).containsExactly(List.of(2L));
    }

    @Test
    void errorMessagesAreSqlitesBareText() {
        List<StatementResult> r = exec(
                "blah",
                "SELECT * FROM bar",
                "CREATE TABLE foo (id integer not null primary key, name text)",
                "CREATE TABLE foo (x)",
                "INSERT INTO foo(id) VALUES(1)",
                "INSERT INTO foo(id) VALUES(1)",
                "INSERT INTO foo(id) VALUES((1)",
                "SELECT abs(1, 2)");
        assertThat(r).containsExactly(
                new Error("near \"blah\": syntax error"),
                new Error("no such table: bar"),
                new Write(0, 0, 0),
                new Error("table foo already exists"),
                new Write(1, 1, 0),
                new Error("UNIQUE constraint failed: foo.id"),
                new Error("incomplete input"),
                new Error("wrong number of arguments to function abs()"));
    }

    @Test
    void doubleQuotedStringLiteralsWork() {
        exec("CREATE TABLE foo (id integer not null primary key, name text)");
        assertThat(exec("INSERT INTO foo(name) VALUES(\"fiona\")")).containsExactly(new Write(1, 1, 0));
        assertThat(rows("SELECT name FROM foo")).containsExactly(List.of("fiona"));
    }

    @Test
    void backupAndRestoreTextIsNotInterceptedByTheDriver() {
        Path target = dir.resolve("stolen.db");
        List<StatementResult> r = exec("backup to " + target, "restore from " + target);
        assertThat(r).containsExactly(new Error("near \"backup\": syntax error"), new Error("near \"restore\": syntax error"));
        assertThat(Files.exists(target)).isFalse();
    }

    @Test
    void slowWriteTimesOutWithExecuteTimeout() {
        exec("CREATE TABLE t (x)");
        ExecutionOptions opts = new ExecutionOptions(false, Duration.ofMillis(100), false, false);
        long t0 = System.nanoTime();
        List<StatementResult> r = db.execute(stmts(
                "INSERT INTO t WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 500000000) SELECT x FROM c",
                "INSERT INTO t VALUES(1)"), opts);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
        assertThat(r).containsExactly(new Error("execute timeout"), new Write(1, 1, 0));
        assertThat(rows("SELECT count(*) FROM t")).containsExactly(List.of(1L));
    }

    @Test
    void timingsAreMeasuredOnlyWhenAsked() {
        ExecutionOptions timed = new ExecutionOptions(false, null, false, true);
        List<StatementResult> r = db.execute(stmts("CREATE TABLE t (a)", "INSERT INTO t VALUES(1)"), timed);
        assertThat(r).allSatisfy(x -> assertThat(x.time()).isPositive().isLessThan(10));
        assertThat(exec("INSERT INTO t VALUES(2)").get(0).time()).isZero();
    }

    @Test
    void emptyStatementsProduceNoEntryAndCommentOnlyTextGivesZeroCounters() {
        exec("CREATE TABLE t (a)", "INSERT INTO t VALUES(1)");
        List<StatementResult> r = db.execute(List.of(Statement.of(""), Statement.of("-- nothing\n;"), Statement.of("SELECT 1")),
                ExecutionOptions.DEFAULT);
        assertThat(r).containsExactly(new Write(0, 0, 0), new Write(1, 1, 0));
    }

    @Test
    void requestClassifiesEachStatement() {
        exec("CREATE TABLE pets (id integer primary key, kind text)", "INSERT INTO pets(kind) VALUES('cat'), ('dog')");
        List<StatementResult> r = db.request(List.of(
                stmt("UPDATE pets SET kind=? WHERE id=?", "lynx", 1L),
                Statement.of("SELECT kind FROM pets ORDER BY id"),
                Statement.of("SELECT * FROM nope"),
                new Statement("INSERT INTO pets(kind) VALUES('emu') RETURNING id", List.of(), true)), ExecutionOptions.DEFAULT);
        assertThat(r).hasSize(4);
        assertThat(r.get(0)).isEqualTo(new Write(2, 1, 0));
        Rows read = (Rows) r.get(1);
        assertThat(read.columns()).containsExactly("kind");
        assertThat(read.types()).containsExactly("text");
        assertThat(read.rows()).containsExactly(List.of("lynx"), List.of("dog"));
        assertThat(r.get(2)).isEqualTo(new Error("no such table: nope"));
        assertThat(((Rows) r.get(3)).rows()).containsExactly(List.of(3L));
    }

    @Test
    void requestTransactionStopsAtFirstFailure() {
        exec("CREATE TABLE t (a)");
        List<StatementResult> r = db.request(stmts("INSERT INTO t VALUES(1)", "SELECT count(*) FROM t", "SELECT * FROM nope",
                "INSERT INTO t VALUES(2)"), tx());
        assertThat(r).hasSize(3);
        assertThat(((Rows) r.get(1)).rows()).containsExactly(List.of(1L));
        assertThat(r.get(2)).isEqualTo(new Error("no such table: nope"));
        assertThat(rows("SELECT count(*) FROM t")).containsExactly(List.of(0L));
    }

    @Test
    void foreignKeysFollowConfig() {
        db.close();
        db = Database.open(dir.resolve("fk.sqlite"), new DatabaseConfig(true, 2, 5000));
        exec("CREATE TABLE p (id integer primary key)", "CREATE TABLE c (pid integer references p(id))");
        assertThat(exec("INSERT INTO c VALUES(7)")).containsExactly(new Error("FOREIGN KEY constraint failed"));
        assertThat(db.pragmas().get("rw").get("foreign_keys")).isEqualTo("1");
        // Read connections say the same, to /status and to a client's own PRAGMA through a query.
        assertThat(db.pragmas().get("ro").get("foreign_keys")).isEqualTo("1");
        assertThat(rows("PRAGMA foreign_keys")).containsExactly(List.of(1L));
    }

    @Test
    void closedDatabaseRefusesWork() {
        db.close();
        assertThatThrownBy(() -> exec("SELECT 1")).isInstanceOf(DatabaseException.class);
        db.close(); // idempotent
    }
}
