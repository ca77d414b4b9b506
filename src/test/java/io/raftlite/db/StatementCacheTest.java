package io.raftlite.db;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftlite.db.StatementResult.Rows;
import io.raftlite.db.StatementResult.Write;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reusing prepared statements must never let one request see another's bindings, rows or locks. */
class StatementCacheTest {
    @TempDir
    Path dir;

    private final StatementMemory memory = new StatementMemory(StatementMemory.DEFAULT_LIMIT_BYTES);
    private Conn conn;

    @BeforeEach
    void open() throws Exception {
        conn = Conn.openReadWrite(dir.resolve("db.sqlite"), DatabaseConfig.DEFAULT, memory);
        run("CREATE TABLE t (a, b)");
    }

    @AfterEach
    void close() {
        conn.close();
    }

    private StatementResult run(String sql, Parameter... args) {
        return StatementRunner.execute(conn, new Statement(sql, List.of(args), false), ExecutionOptions.DEFAULT);
    }

    private List<List<Object>> rows(String sql) {
        StatementResult r = StatementRunner.query(conn, new Statement(sql, List.of(), true), ExecutionOptions.DEFAULT);
        assertThat(r).isInstanceOf(Rows.class);
        return ((Rows) r).rows();
    }

    @Test
    void aReusedStatementStartsWithNoBindingsLeftFromItsLastUse() {
        String sql = "INSERT INTO t VALUES(:a, :b)";
        assertThat(run(sql, new Parameter("a", 0L), new Parameter("b", "zero"))).isInstanceOf(Write.class); // kept from its second run
        assertThat(run(sql, new Parameter("a", 1L), new Parameter("b", "one"))).isInstanceOf(Write.class);
        assertThat(conn.cachedStatements()).isEqualTo(1);
        // :a and a name the statement does not have: :b must be NULL, not "one" from the previous request
        assertThat(run(sql, new Parameter("a", 2L), new Parameter("z", "zed"))).isInstanceOf(Write.class);
        assertThat(rows("SELECT a, b FROM t WHERE a > 0 ORDER BY a")).containsExactly(List.of(1L, "one"), java.util.Arrays.asList(2L, null));
    }

    @Test
    void aReadLeftHalfDoneHoldsNoLockForTheNextStatement() {
        for (int i = 0; i < 5; i++) {
            run("INSERT INTO t VALUES(?, 'x')", Parameter.positional((long) i));
        }
        assertThat(rows("SELECT a FROM t")).hasSize(5);
        assertThat(rows("SELECT a FROM t")).hasSize(5);
        assertThat(conn.cachedStatements()).isEqualTo(2); // the INSERT and the SELECT
        // a checkpoint that must wait for no reader: it fails if a cached statement kept a read open
        assertThat(run("DELETE FROM t WHERE a < 3")).isEqualTo(new Write(5, 3, 0));
        assertThat(rows("PRAGMA wal_checkpoint(TRUNCATE)")).containsExactly(List.of(0L, 0L, 0L));
        assertThat(rows("SELECT a FROM t ORDER BY a")).containsExactly(List.of(3L), List.of(4L));
    }

    @Test
    void aFailedStatementIsReusableAndTheCacheIsBounded() throws Exception {
        conn.close();
        assertThat(memory.usedBytes()).isZero();
        StatementMemory small = new StatementMemory(100 * StatementMemory.estimate("INSERT INTO t VALUES(1000, 'v')"));
        conn = Conn.openReadWrite(dir.resolve("db.sqlite"), DatabaseConfig.DEFAULT, small);
        assertThat(run("INSERT INTO t VALUES(1, 2, 3)")).isInstanceOf(StatementResult.Error.class);
        assertThat(run("INSERT INTO t VALUES(1, 2, 3)")).isInstanceOf(StatementResult.Error.class);
        List<String> distinct = new ArrayList<>();
        for (int i = 1000; i < 1150; i++) {
            distinct.add("INSERT INTO t VALUES(" + i + ", 'v')");
        }
        distinct.forEach(this::run);
        assertThat(conn.cachedStatements()).isZero(); // each ran once: none is kept
        distinct.forEach(this::run);
        // texts of one length: the memory holds exactly 100 of them
        assertThat(conn.cachedStatements()).isEqualTo(100);
        assertThat(small.usedBytes()).isEqualTo(small.limitBytes());
        assertThat(rows("SELECT COUNT(*) FROM t")).containsExactly(List.of(300L));
        // a schema change under a cached statement: SQLite re-prepares it
        run("ALTER TABLE t ADD COLUMN c");
        assertThat(run(distinct.get(distinct.size() - 1))).isInstanceOf(StatementResult.Error.class); // 2 values, 3 columns now
        assertThat(run("INSERT INTO t VALUES(1, 2, 3)")).isInstanceOf(Write.class);
    }

    @Test
    void raftlitesOwnStatementsStayPreparedAndSurviveFailures() throws Exception {
        for (int i = 0; i < 3; i++) {
            conn.exec("BEGIN");
            run("INSERT INTO t VALUES(?, 'g')", Parameter.positional((long) i));
            conn.exec("COMMIT");
        }
        // COMMIT with no transaction fails; the kept statement must still work afterwards
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> conn.exec("COMMIT"))
                .isInstanceOf(java.sql.SQLException.class);
        conn.exec("BEGIN");
        run("INSERT INTO t VALUES(9, 'g')");
        conn.exec("ROLLBACK");
        assertThat(rows("SELECT a FROM t ORDER BY a")).containsExactly(List.of(0L), List.of(1L), List.of(2L));
        // a kept statement holds no read: a checkpoint that needs no readers succeeds
        assertThat(rows("PRAGMA wal_checkpoint(TRUNCATE)")).containsExactly(List.of(0L, 0L, 0L));
    }

    @Test
    void lastInsertIdIsReportedWithoutTheDriversGeneratedKeys() {
        assertThat(conn.jdbc().getConnectionConfig().isGetGeneratedKeys()).isFalse();
        assertThat(run("INSERT INTO t VALUES(1, 'a')")).isEqualTo(new Write(1, 1, 0));
        assertThat(run("INSERT INTO t VALUES(2, 'b')")).isEqualTo(new Write(2, 1, 0));
        assertThat(run("UPDATE t SET b = 'c'")).isEqualTo(new Write(2, 2, 0));
    }

    @Test
    void connectionsShareTheMemoryAndEachGivesUpOnlyItsOwnStatements() throws Exception {
        String shape = "SELECT 1000 AS n";
        long each = StatementMemory.estimate(shape);
        StatementMemory shared = new StatementMemory(100 * each);
        try (Conn a = Conn.openReadOnly(dir.resolve("db.sqlite"), DatabaseConfig.DEFAULT, shared, Conn.Keeping.secondRuns());
                Conn b = Conn.openReadOnly(dir.resolve("db.sqlite"), DatabaseConfig.DEFAULT, shared, Conn.Keeping.secondRuns())) {
            for (int i = 1000; i < 1070; i++) {
                query(a, "SELECT " + i + " AS n");
                query(a, "SELECT " + i + " AS n");
            }
            for (int i = 2000; i < 2070; i++) {
                query(b, "SELECT " + i + " AS n");
                query(b, "SELECT " + i + " AS n");
            }
            assertThat(a.cachedStatements()).isEqualTo(70);
            assertThat(b.cachedStatements()).isEqualTo(30);
            // one and a half times the size: b gives up two of its own to keep it, a keeps all of its
            String larger = "SELECT '" + "x".repeat(34) + "' AS n";
            assertThat(StatementMemory.estimate(larger)).isEqualTo(each * 3 / 2);
            query(b, larger);
            query(b, larger);
            assertThat(b.cachedStatements()).isEqualTo(29);
            assertThat(a.cachedStatements()).isEqualTo(70);
            assertThat(shared.usedBytes()).isLessThanOrEqualTo(shared.limitBytes());
            // kept means reused: running it again takes no more memory
            long used = shared.usedBytes();
            query(b, larger);
            assertThat(shared.usedBytes()).isEqualTo(used);
            // more than a 64th of all the memory: not kept at all, and nothing is given up for it
            String tooLarge = "SELECT '" + "x".repeat(100) + "' AS n";
            assertThat(shared.fits(tooLarge)).isFalse();
            query(b, tooLarge);
            query(b, tooLarge);
            assertThat(b.cachedStatements()).isEqualTo(29);
            assertThat(shared.usedBytes()).isEqualTo(used);
        }
        assertThat(shared.usedBytes()).isZero();
    }

    @Test
    void aKeptTextStaysKeptWhateverRunsBetweenItsRuns() {
        String hot = "INSERT INTO t VALUES(?, 'hot')";
        run(hot, Parameter.positional(0L));
        run(hot, Parameter.positional(1L));
        assertThat(conn.cachedStatements()).isEqualTo(1);
        // a text that runs once and takes the hot text's slot in the table of texts seen before:
        // the kept statement must not be closed for that
        int n = 10_000;
        while (SecondRuns.slotOf("INSERT INTO t VALUES(" + n + ", 'once')") != SecondRuns.slotOf(hot)) {
            n++;
        }
        run("INSERT INTO t VALUES(" + n + ", 'once')");
        run(hot, Parameter.positional(2L));
        assertThat(conn.cachedStatements()).isEqualTo(1);
        run(hot, Parameter.positional(3L));
        assertThat(rows("SELECT COUNT(*) FROM t WHERE b = 'hot'")).containsExactly(List.of(4L));
    }

    @Test
    void aKeptStatementIsLentToOneRunAtATimeAndIsNotClosedUnderItsRun() throws Exception {
        conn.close();
        String sql = "SELECT ? AS nnnn";
        long each = StatementMemory.estimate(sql);
        StatementMemory small = new StatementMemory(64 * each);
        conn = Conn.openReadWrite(dir.resolve("db.sqlite"), DatabaseConfig.DEFAULT, small);
        conn.release(sql, conn.statement(sql));
        java.sql.PreparedStatement kept = conn.statement(sql);
        conn.release(sql, kept); // from its second run on, kept
        assertThat(conn.cachedStatements()).isEqualTo(1);

        assertThat(conn.statement(sql)).isSameAs(kept);
        java.sql.PreparedStatement second = conn.statement(sql); // the same text again while it is out
        assertThat(second).isNotSameAs(kept);
        conn.release(sql, second);
        assertThat(second.isClosed()).isTrue(); // one copy per text: the second is not kept
        assertThat(kept.isClosed()).isFalse();

        // while it is out, 64 other texts are kept: the memory gives up the least recently used, this one
        for (int i = 1000; i < 1064; i++) {
            query(conn, "SELECT " + i + " AS n");
            query(conn, "SELECT " + i + " AS n");
        }
        assertThat(conn.cachedStatements()).isEqualTo(64);
        assertThat(kept.isClosed()).isFalse(); // not closed under its run
        kept.setLong(1, 5);
        try (java.sql.ResultSet rs = kept.executeQuery()) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getLong(1)).isEqualTo(5);
        }
        conn.release(sql, kept); // taken back as a statement not kept: kept again, another gives way
        assertThat(kept.isClosed()).isFalse();
        assertThat(conn.cachedStatements()).isEqualTo(64);
        assertThat(small.usedBytes()).isEqualTo(small.limitBytes());
        assertThat(conn.statement(sql)).isSameAs(kept);
        conn.release(sql, kept);
    }

    @Test
    void aKeptStatementThatCannotBeResetIsDroppedAndItsMemoryGivenBack() throws Exception {
        String sql = "SELECT ? AS n";
        conn.release(sql, conn.statement(sql));
        java.sql.PreparedStatement kept = conn.statement(sql);
        conn.release(sql, kept);
        assertThat(conn.cachedStatements()).isEqualTo(1);
        long used = memory.usedBytes();
        assertThat(used).isEqualTo(StatementMemory.estimate(sql));

        assertThat(conn.statement(sql)).isSameAs(kept);
        kept.close(); // its run fails so that it cannot be reset
        conn.release(sql, kept);
        assertThat(conn.cachedStatements()).isZero();
        assertThat(memory.usedBytes()).isZero();
        // the text is prepared afresh, works, and is kept again
        java.sql.PreparedStatement fresh = conn.statement(sql);
        assertThat(fresh).isNotSameAs(kept);
        fresh.setLong(1, 7);
        try (java.sql.ResultSet rs = fresh.executeQuery()) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getLong(1)).isEqualTo(7);
        }
        conn.release(sql, fresh);
        assertThat(conn.cachedStatements()).isEqualTo(1);
        assertThat(memory.usedBytes()).isEqualTo(used);
    }

    private static List<List<Object>> query(Conn c, String sql) {
        StatementResult r = StatementRunner.query(c, new Statement(sql, List.of(), true), ExecutionOptions.DEFAULT);
        assertThat(r).isInstanceOf(Rows.class);
        return ((Rows) r).rows();
    }
}
