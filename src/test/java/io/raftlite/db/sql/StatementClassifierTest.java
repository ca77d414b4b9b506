package io.raftlite.db.sql;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StatementClassifierTest {

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "  ;  -- nothing",
        "SELECT * FROM foo",
        "  select 1; values (1), (2)",
        "EXPLAIN SELECT 1",
        "EXPLAIN QUERY PLAN SELECT * FROM foo",
        "explain insert into foo values (1)",
        "WITH c AS (SELECT 1) SELECT * FROM c",
        "WITH RECURSIVE c(x) AS (VALUES(1) UNION ALL SELECT x+1 FROM c WHERE x < 5) SELECT x FROM c",
        "WITH replace AS (SELECT 1) SELECT * FROM replace",
        "PRAGMA table_info(foo)",
        "PRAGMA main.index_list('foo')",
        "pragma user_version",
        "PRAGMA journal_mode",
        "BEGIN; SELECT 1; COMMIT",
        "SAVEPOINT a; RELEASE a; ROLLBACK; END",
        "/* comment */ SELECT 'INSERT INTO x VALUES (1)'",
    })
    void readOnly(String sql) {
        assertThat(StatementClassifier.isReadOnly(sql)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "INSERT INTO foo VALUES (1)",
        "update foo set a = 1",
        "DELETE FROM foo",
        "REPLACE INTO foo VALUES (1)",
        "CREATE TABLE foo (id INTEGER)",
        "DROP TABLE foo",
        "ALTER TABLE foo ADD COLUMN b",
        "VACUUM",
        "ANALYZE",
        "REINDEX",
        "ATTACH 'x.db' AS x",
        "DETACH x",
        "SELECT 1; INSERT INTO foo VALUES (1)",
        "WITH c AS (SELECT 1) INSERT INTO foo SELECT * FROM c",
        "WITH c AS (SELECT 1) DELETE FROM foo WHERE id IN c",
        "WITH c AS (SELECT 1) UPDATE foo SET a = 1",
        "WITH c AS (SELECT 1) REPLACE INTO foo SELECT * FROM c",
        "PRAGMA user_version = 3",
        "PRAGMA main.cache_size=10",
        "PRAGMA cache_size(10)",
        "PRAGMA wal_checkpoint",
        "PRAGMA optimize",
        "PRAGMA",
        "blah",
        "'just a string'",
    })
    void writes(String sql) {
        assertThat(StatementClassifier.isReadOnly(sql)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "INSERT INTO foo(name) VALUES ('x') RETURNING id",
        "insert into foo values (1) returning *",
        "UPDATE foo SET a = 1 WHERE id = 2 RETURNING a, b",
        "DELETE FROM foo WHERE id = ? RETURNING *",
        "REPLACE INTO foo VALUES (1) RETURNING id",
        "INSERT INTO foo DEFAULT VALUES RETURNING id",
        "INSERT INTO foo VALUES (1) ON CONFLICT DO NOTHING RETURNING *",
        "WITH c AS (SELECT 1 AS v) INSERT INTO foo SELECT v FROM c RETURNING id",
        "SELECT 1; INSERT INTO foo VALUES (1)\nRETURNING\tid",
    })
    void returning(String sql) {
        assertThat(StatementClassifier.hasReturning(sql)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "INSERT INTO foo(name) VALUES ('returning x')",
        "INSERT INTO foo(name) VALUES (\"returning\")",
        "INSERT INTO foo VALUES (1) -- RETURNING id",
        "INSERT INTO foo VALUES (1) /* RETURNING id */",
        "INSERT INTO foo(returning) VALUES (1)",
        "UPDATE foo SET returning = 1",
        "DELETE FROM foo WHERE foo.returning = 1",
        "SELECT 1 AS returning",
        "SELECT * FROM foo",
        "CREATE TABLE foo (returning INTEGER)",
        "INSERT INTO foo VALUES (1) RETURNING",
        "",
    })
    void noReturning(String sql) {
        assertThat(StatementClassifier.hasReturning(sql)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "PRAGMA journal_mode = DELETE",
        "  pragma JOURNAL_MODE=wal",
        "PRAGMA main.journal_mode=WAL",
        "PRAGMA main . journal_mode  =  WAL",
        "PRAGMA wal_autocheckpoint = 0",
        "PRAGMA wal_checkpoint",
        "PRAGMA wal_checkpoint(TRUNCATE)",
        "pragma main.wal_checkpoint(FULL)",
        "pragma main.synchronous=0",
        "PRAGMA synchronous = OFF",
        "PRAGMA synchronous == OFF",
        "PRAGMA synchronous(0)",
        "PRAGMA query_only = 1",
        "PRAGMA temp.query_only=true",
        "PRAGMA \"synchronous\" = 0",
        "\n\tPRAGMA synchronous=FULL; SELECT 1",
        "/* leading comment */ PRAGMA synchronous=FULL",
    })
    void disallowedPragma(String sql) {
        assertThat(StatementClassifier.isDisallowedPragma(sql)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "PRAGMA journal_mode",
        "PRAGMA main.journal_mode",
        "PRAGMA synchronous",
        "PRAGMA query_only",
        "PRAGMA wal_autocheckpoint",
        "PRAGMA foreign_keys = ON",
        "PRAGMA table_info(foo)",
        "SELECT 1; PRAGMA journal_mode = DELETE",
        "SELECT 'PRAGMA synchronous = 0'",
        "-- PRAGMA synchronous = 0\nSELECT 1",
        "PRAGMA synchronous_x = 0",
        "",
    })
    void allowedPragma(String sql) {
        assertThat(StatementClassifier.isDisallowedPragma(sql)).isFalse();
    }
}
