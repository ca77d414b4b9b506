package io.raftlite.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The read pool opens connections as concurrency needs them, lends the warmest first, and never exceeds its size. */
class ReadPoolTest {
    @TempDir
    Path dir;

    private Database db;
    private ReadPool pool;

    @BeforeEach
    void createFile() {
        db = Database.open(dir.resolve("db.sqlite"), new DatabaseConfig(true, 1, 5000));
        db.execute(List.of(Statement.of("CREATE TABLE t (v)")), ExecutionOptions.DEFAULT);
    }

    @AfterEach
    void close() {
        if (pool != null) {
            pool.close();
        }
        db.close();
    }

    private ReadPool pool(int size) throws Exception {
        pool = ReadPool.open(dir.resolve("db.sqlite"), new DatabaseConfig(true, size, 5000),
                new StatementMemory(StatementMemory.DEFAULT_LIMIT_BYTES));
        return pool;
    }

    @Test
    void oneReaderAtATimeUsesOneConnection() throws Exception {
        ReadPool p = pool(16);
        assertThat(p.opened()).isEqualTo(1);
        Conn first = p.borrow();
        p.release(first);
        for (int i = 0; i < 20; i++) {
            Conn c = p.borrow();
            assertThat(c).isSameAs(first);
            p.release(c);
        }
        assertThat(p.opened()).isEqualTo(1);
    }

    @Test
    void concurrentReadersOpenMoreAndTheLastReturnedIsLentNext() throws Exception {
        ReadPool p = pool(16);
        Conn a = p.borrow();
        Conn b = p.borrow();
        Conn c = p.borrow();
        assertThat(List.of(a, b, c)).doesNotHaveDuplicates();
        assertThat(p.opened()).isEqualTo(3);
        p.release(a);
        p.release(c);
        p.release(b);
        assertThat(p.borrow()).isSameAs(b);
        assertThat(p.borrow()).isSameAs(c);
        assertThat(p.borrow()).isSameAs(a);
        assertThat(p.opened()).isEqualTo(3);
    }

    @Test
    void aFullPoolMakesTheNextReaderWaitForAReturn() throws Exception {
        ReadPool p = pool(2);
        Conn a = p.borrow();
        Conn b = p.borrow();
        CompletableFuture<Conn> third = new CompletableFuture<>();
        Thread waiter = new Thread(() -> third.complete(p.borrow()));
        waiter.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (waiter.getState() != Thread.State.WAITING) { // parked: nothing was returned
            assertThat(System.nanoTime()).as("the third reader never waited").isLessThan(deadline);
            assertThat(third).isNotDone();
            Thread.onSpinWait();
        }
        assertThat(third).isNotDone();
        p.release(a);
        assertThat(third.get(10, TimeUnit.SECONDS)).isSameAs(a);
        assertThat(p.opened()).isEqualTo(2);
        p.release(b);
    }

    @Test
    void aLentConnectionReads() throws Exception {
        db.execute(List.of(Statement.of("INSERT INTO t VALUES (42)")), ExecutionOptions.DEFAULT);
        ReadPool p = pool(4);
        Conn held = p.borrow();
        Conn c = p.borrow();
        assertThat(c.queryString("SELECT v FROM t")).isEqualTo("42");
        p.release(c);
        p.release(held);
    }

    @Test
    void aTextIsKeptByOneConnectionWhichIsLentForItWhenIdle() throws Exception {
        ReadPool p = pool(16);
        String sql = "SELECT v FROM t WHERE v = 'k1'";
        Conn a = p.borrow();
        Conn b = p.borrow();
        read(a, sql);
        assertThat(a.cachedStatements()).isZero(); // a text is kept from its second run on
        read(a, sql);
        read(b, sql);
        // b ran it too, but a keeps it: the pool holds one prepared copy
        assertThat(a.cachedStatements()).isEqualTo(1);
        assertThat(b.cachedStatements()).isZero();
        assertThat(p.keptTexts()).isEqualTo(1);
        p.release(a);
        p.release(b);
        // b was returned last and would be lent next; for this text, a is
        assertThat(p.borrowFor(sql)).isSameAs(a);
        // while a is out, the text is read on another connection, which does not keep it
        Conn other = p.borrowFor(sql);
        assertThat(other).isSameAs(b);
        read(other, sql);
        assertThat(b.cachedStatements()).isZero();
        assertThat(p.borrowFor(null)).isNotSameAs(a).isNotSameAs(b);
        // once a gives it up (closed here), the next connection to run it keeps it
        p.release(b);
        a.close();
        assertThat(p.keptTexts()).isZero();
        Conn c = p.borrowFor(sql);
        read(c, sql);
        assertThat(c.cachedStatements()).isEqualTo(1); // the text ran before
        assertThat(p.borrowFor(sql)).isNotSameAs(c);
    }

    @Test
    void aTextWhoseKeeperIsBusyMoreOftenThanNotGetsOneMoreCopy() throws Exception {
        ReadPool p = pool(16);
        String sql = "SELECT v FROM t WHERE v = 'hot'";
        Conn a = p.borrow();
        read(a, sql);
        read(a, sql);
        assertThat(p.copiesOf(sql)).isEqualTo(1);
        // a stays out: reads of the text find its only keeper busy, and the eighth one keeps a copy
        Conn other = null;
        for (int i = 1; i <= 8; i++) {
            other = p.borrowFor(sql);
            assertThat(other).isNotSameAs(a);
            read(other, sql);
            p.release(other);
            assertThat(p.copiesOf(sql)).as("after %d busy finds", i).isEqualTo(i < 8 ? 1 : 2);
        }
        assertThat(other.cachedStatements()).isEqualTo(1);
        assertThat(p.borrowFor(sql)).isSameAs(other);
        // found idle again, the count starts over: the next busy find does not add a third copy
        Conn third = p.borrowFor(sql);
        read(third, sql);
        p.release(third);
        assertThat(p.copiesOf(sql)).isEqualTo(2);
        p.release(other);
        p.release(a);
        // both keep it until they close; then the text has no keeper
        a.close();
        other.close();
        assertThat(p.copiesOf(sql)).isZero();
        assertThat(p.keptTexts()).isZero();
    }

    @Test
    void aTextTooLargeForItsShareOfTheMemoryIsNotKept() throws Exception {
        ReadPool p = pool(16);
        String large = "SELECT '" + "x".repeat((int) (StatementMemory.DEFAULT_LIMIT_BYTES / 64 / 32)) + "'";
        Conn a = p.borrow();
        read(a, large);
        read(a, large);
        assertThat(a.cachedStatements()).isZero();
        assertThat(p.keptTexts()).isZero();
        p.release(a);
    }

    private static void read(Conn conn, String sql) {
        StatementResult r = StatementRunner.query(conn, new Statement(sql, List.of(), true), ExecutionOptions.DEFAULT);
        assertThat(r).isInstanceOf(StatementResult.Rows.class);
    }
}
