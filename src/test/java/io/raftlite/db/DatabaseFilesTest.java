package io.raftlite.db;

import static io.raftlite.db.DbTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raftlite.db.StatementResult.Error;
import io.raftlite.db.StatementResult.Rows;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatabaseFilesTest {
    @TempDir
    Path dir;

    Database db;

    @BeforeEach
    void open() {
        db = Database.open(dir.resolve("db.sqlite"), new DatabaseConfig(false, 2, 5000));
    }

    @AfterEach
    void close() {
        db.close();
    }

    private void exec(String... sql) {
        List<StatementResult> r = db.execute(stmts(sql), ExecutionOptions.DEFAULT);
        assertThat(r).as(r.toString()).noneMatch(x -> x instanceof Error);
    }

    private long count(String table) {
        Rows r = (Rows) db.query(stmts("SELECT count(*) FROM " + table), ExecutionOptions.DEFAULT).get(0);
        return (Long) r.rows().get(0).get(0);
    }

    private String dump(List<String> tables) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        db.dumpSql(out, tables);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void dumpHasSqliteDumpLayout() throws Exception {
        exec("CREATE TABLE foo (id integer not null primary key, name text, r real, b blob)",
                "INSERT INTO foo VALUES(1, 'fiona', 1.5, x'0102')",
                "INSERT INTO foo VALUES(2, 'it''s ☃', NULL, NULL)",
                "CREATE TABLE \"we\"\"ird\" (id INTEGER PRIMARY KEY AUTOINCREMENT, \"col\"\"q\" text)",
                "INSERT INTO \"we\"\"ird\"(\"col\"\"q\") VALUES('x')",
                "CREATE INDEX foo_name ON foo(name)",
                "CREATE VIEW v AS SELECT name FROM foo");
        assertThat(dump(null)).isEqualTo("""
                PRAGMA foreign_keys=OFF;
                BEGIN TRANSACTION;
                CREATE TABLE foo (id integer not null primary key, name text, r real, b blob);
                INSERT INTO "foo" VALUES(1,'fiona',1.5,X'0102');
                INSERT INTO "foo" VALUES(2,'it''s ☃',NULL,NULL);
                CREATE TABLE "we""ird" (id INTEGER PRIMARY KEY AUTOINCREMENT, "col""q" text);
                INSERT INTO "we""ird" VALUES(1,'x');
                DELETE FROM "sqlite_sequence";
                INSERT INTO "sqlite_sequence" VALUES('we"ird',1);
                CREATE INDEX foo_name ON foo(name);
                CREATE VIEW v AS SELECT name FROM foo;
                COMMIT;
                """);
        // the dump loads back into an empty database
        try (Database other = Database.open(dir.resolve("other.sqlite"), DatabaseConfig.DEFAULT)) {
            List<StatementResult> r = other.execute(List.of(Statement.of(dump(null))), ExecutionOptions.DEFAULT);
            assertThat(r).noneMatch(x -> x instanceof Error);
            Rows rows = (Rows) other.query(stmts("SELECT name FROM v ORDER BY 1"), ExecutionOptions.DEFAULT).get(0);
            assertThat(rows.rows()).containsExactly(List.of("fiona"), List.of("it's ☃"));
        }
    }

    @Test
    void dumpOfEmptyDatabaseAndStat1() throws Exception {
        assertThat(dump(List.of())).isEqualTo("PRAGMA foreign_keys=OFF;\nBEGIN TRANSACTION;\nCOMMIT;\n");
        exec("CREATE TABLE t (a)", "CREATE INDEX ta ON t(a)", "INSERT INTO t VALUES(1)", "ANALYZE");
        String text = dump(null);
        assertThat(text).contains("ANALYZE \"sqlite_master\";\nINSERT INTO \"sqlite_stat1\" VALUES('t','ta','1 1');\n");
        assertThat(text.indexOf("ANALYZE")).isGreaterThan(text.indexOf("CREATE TABLE t"));
    }

    @Test
    void dumpCanBeRestrictedToTables() throws Exception {
        exec("CREATE TABLE a (x)", "CREATE TABLE b (y)", "INSERT INTO a VALUES(1)", "INSERT INTO b VALUES(2)",
                "CREATE INDEX bi ON b(y)");
        assertThat(dump(List.of("b"))).isEqualTo("""
                PRAGMA foreign_keys=OFF;
                BEGIN TRANSACTION;
                CREATE TABLE b (y);
                INSERT INTO "b" VALUES(2);
                CREATE INDEX bi ON b(y);
                COMMIT;
                """);
    }

    @Test
    void backupCopiesWalContentIntoAValidFile() throws Exception {
        exec("CREATE TABLE t (a)", "INSERT INTO t WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c WHERE x < 1000) SELECT x FROM c");
        assertThat(db.walSize()).isPositive(); // wal_autocheckpoint=0: the rows are only in the WAL
        Path target = dir.resolve("backup.sqlite");
        Files.writeString(target, "garbage that must be overwritten");
        db.backupTo(target);
        assertThat(new String(Files.readAllBytes(target), 0, 15, StandardCharsets.US_ASCII)).isEqualTo("SQLite format 3");
        assertThat(countRows(target, "t")).isEqualTo(1000);
        assertThat(integrity(target)).isEqualTo("ok");
    }

    @Test
    void pinnedCopyHoldsThePinnedStateWhileWritesContinue() throws Exception {
        exec("CREATE TABLE t (id integer primary key, v text)");
        for (int i = 0; i < 50; i++) {
            exec("INSERT INTO t(v) SELECT hex(randomblob(100)) FROM (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c WHERE x < 100) SELECT x FROM c)");
        }
        long pinned = count("t");
        assertThat(pinned).isEqualTo(5000);
        Path target = dir.resolve("snap.sqlite");
        ExecutorService copier = Executors.newSingleThreadExecutor();
        AtomicBoolean copying = new AtomicBoolean(true);
        AtomicLong written = new AtomicLong();
        try (Database.PinnedCopy pin = db.pin()) {
            CountDownLatch writing = new CountDownLatch(1);
            Future<?> copy = copier.submit(() -> {
                try {
                    writing.await();
                } catch (InterruptedException e) {
                    throw new RuntimeException(e);
                }
                pin.copyTo(target);
                copying.set(false);
                return null;
            });
            // this thread plays the apply thread: it keeps writing (and deleting) during the copy
            int rounds = 0;
            while (copying.get() || rounds < 20) {
                exec("INSERT INTO t(v) VALUES('more')", "DELETE FROM t WHERE id = " + (rounds + 1));
                written.incrementAndGet();
                if (rounds++ == 0) {
                    writing.countDown();
                }
            }
            copy.get(30, TimeUnit.SECONDS);
        } finally {
            copier.shutdownNow();
        }
        assertThat(written.get()).isGreaterThanOrEqualTo(20);
        assertThat(count("t")).isEqualTo(pinned); // one insert and one delete per round
        assertThat(countRows(target, "t")).isEqualTo(pinned);
        try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + target);
                var rs = c.createStatement().executeQuery("SELECT min(id), max(id), count(*) FILTER (WHERE v = 'more') FROM t")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(1);
            assertThat(rs.getLong(2)).isEqualTo(5000);
            assertThat(rs.getLong(3)).isZero();
        }
        assertThat(integrity(target)).isEqualTo("ok");
    }

    @Test
    void closedPinCannotBeCopied() {
        Database.PinnedCopy pin = db.pin();
        pin.close();
        pin.close();
        assertThatThrownBy(() -> pin.copyTo(dir.resolve("x.sqlite"))).isInstanceOf(DatabaseException.class);
    }

    @Test
    void replaceWithSwapsInAnotherDatabase() throws Exception {
        exec("CREATE TABLE old (a)", "INSERT INTO old VALUES(1)");
        Path source = dir.resolve("source.sqlite");
        try (Database other = Database.open(source, DatabaseConfig.DEFAULT)) {
            other.execute(stmts("CREATE TABLE fresh (a)", "INSERT INTO fresh VALUES(1), (2), (3)"), ExecutionOptions.DEFAULT);
            other.backupTo(dir.resolve("source-copy.sqlite"));
        }
        Database.PinnedCopy pin = db.pin();
        db.replaceWith(dir.resolve("source-copy.sqlite"));
        assertThatThrownBy(() -> pin.copyTo(dir.resolve("stale.sqlite"))).isInstanceOf(DatabaseException.class);
        // every pooled reader sees the new content, the old table is gone
        for (int i = 0; i < 4; i++) {
            assertThat(count("fresh")).isEqualTo(3);
            assertThat(db.query(stmts("SELECT * FROM old"), ExecutionOptions.DEFAULT)).containsExactly(new Error("no such table: old"));
        }
        exec("INSERT INTO fresh VALUES(4)");
        assertThat(count("fresh")).isEqualTo(4);
        assertThat(db.pragmas().get("rw").get("journal_mode")).isEqualTo("wal");
    }

    @Test
    void replaceWithWaitsForRunningReads() throws Exception {
        exec("CREATE TABLE t (a)", "INSERT INTO t VALUES(1)");
        Path source = dir.resolve("empty.sqlite");
        try (Database other = Database.open(source, DatabaseConfig.DEFAULT)) {
            other.execute(stmts("CREATE TABLE u (a)"), ExecutionOptions.DEFAULT);
        }
        ExecutorService readers = Executors.newFixedThreadPool(4);
        try {
            List<Future<StatementResult>> slow = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                slow.add(readers.submit(() -> db.query(stmts(
                        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c WHERE x < 2000000) SELECT count(*) FROM c, t"),
                        ExecutionOptions.DEFAULT).get(0)));
            }
            Thread.sleep(50);
            db.replaceWith(source);
            for (Future<StatementResult> f : slow) {
                // each read either finished on the old file or started after the swap and failed cleanly on the new one
                StatementResult r = f.get(60, TimeUnit.SECONDS);
                if (r instanceof Rows rows) {
                    assertThat(rows.rows()).containsExactly(List.of(2000000L));
                } else {
                    assertThat(r).isEqualTo(new Error("no such table: t"));
                }
            }
        } finally {
            readers.shutdownNow();
        }
        assertThat(count("u")).isZero();
    }

    @Test
    void pragmasAreReadLiveFromBothSides() {
        Map<String, Map<String, String>> p = db.pragmas();
        assertThat(p.keySet()).containsExactly("rw", "ro");
        assertThat(p.get("rw")).containsExactly(Map.entry("synchronous", "0"), Map.entry("journal_mode", "wal"),
                Map.entry("foreign_keys", "0"), Map.entry("wal_autocheckpoint", "0"), Map.entry("busy_timeout", "5000"));
        assertThat(p.get("ro")).containsEntry("journal_mode", "wal").containsEntry("wal_autocheckpoint", "1000")
                .containsEntry("busy_timeout", "5000").containsEntry("foreign_keys", "0").containsKey("synchronous");
    }

    @Test
    void checkpointTruncatesTheWal() {
        exec("CREATE TABLE t (a)", "INSERT INTO t VALUES(1)");
        long before = db.fileSize();
        assertThat(db.walSize()).isPositive();
        db.checkpoint();
        assertThat(db.walSize()).isZero();
        assertThat(db.fileSize()).isGreaterThan(before);
        assertThat(count("t")).isEqualTo(1);
    }

    @Test
    void checkpointDoesNotWaitForAPinnedReader() throws Exception {
        exec("CREATE TABLE t (a)", "INSERT INTO t VALUES(1)");
        try (Database.PinnedCopy pin = db.pin()) {
            exec("INSERT INTO t VALUES(2)");
            long t0 = System.nanoTime();
            db.checkpoint();
            assertThat(java.time.Duration.ofNanos(System.nanoTime() - t0)).isLessThan(java.time.Duration.ofSeconds(2));
            assertThat(db.walSize()).isPositive();
            Path target = dir.resolve("pinned.sqlite");
            pin.copyTo(target);
            assertThat(countRows(target, "t")).isEqualTo(1);
        }
        db.checkpoint();
        assertThat(db.walSize()).isZero();
        assertThat(db.pragmas().get("rw").get("busy_timeout")).isEqualTo("5000");
    }

    @Test
    void statusFacts() {
        assertThat(db.path()).isEqualTo(dir.resolve("db.sqlite").toAbsolutePath());
        assertThat(db.sqliteVersion()).matches("3\\.\\d+\\.\\d+");
        assertThat(db.fileSize()).isPositive();
        assertThat(db.query(stmts("SELECT sqlite_version()"), ExecutionOptions.DEFAULT).get(0))
                .isEqualTo(new Rows(List.of("sqlite_version()"), List.of("text"), List.of(List.of(db.sqliteVersion())), 0));
    }
}
