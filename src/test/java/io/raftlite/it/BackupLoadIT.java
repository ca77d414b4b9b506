package io.raftlite.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Spec section 7 on a single node: {@code /db/backup} (binary, {@code fmt=sql}, {@code fmt=delete},
 * {@code compress}, {@code vacuum}, {@code tables}) on the shared node; {@code /db/load},
 * {@code /boot}, {@code /snapshot} and {@code /reap} on a node of this class's own, because loads
 * replace the whole database.
 */
@ExtendWith(SharedNode.class)
class BackupLoadIT {
    private static final byte[] SQLITE_MAGIC = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);
    private static final String DUMP_TABLE = String.join("\n",
            "PRAGMA foreign_keys=OFF;",
            "BEGIN TRANSACTION;",
            "CREATE TABLE bl_dump (id INTEGER PRIMARY KEY, name TEXT, score REAL, data BLOB, n INTEGER);",
            "INSERT INTO \"bl_dump\" VALUES(1,'it''s \"quoted\"',1.5,X'00FF10',NULL);",
            "INSERT INTO \"bl_dump\" VALUES(2,NULL,NULL,NULL,-7);",
            "INSERT INTO \"bl_dump\" VALUES(3,'héllo',-0.25,X'',9007199254740993);",
            "CREATE INDEX bl_dump_name ON bl_dump(name);",
            "COMMIT;",
            "");

    @TempDir
    static Path tmp;
    private static NodeProcess own;
    private static Api ownApi;
    private final Api shared = SharedNode.api();

    @BeforeAll
    static void setUp() {
        Api api = SharedNode.api();
        api.execute("[\"CREATE TABLE bl_dump (id INTEGER PRIMARY KEY, name TEXT, score REAL, data BLOB, n INTEGER)\","
                + "[\"INSERT INTO bl_dump VALUES(?, ?, ?, ?, ?)\", 1, \"it's \\\"quoted\\\"\", 1.5, [0, 255, 16], null],"
                + "[\"INSERT INTO bl_dump VALUES(?, ?, ?, ?, ?)\", 2, null, null, null, -7],"
                + "\"INSERT INTO bl_dump VALUES(3, 'héllo', -0.25, x'', 9007199254740993)\","
                + "\"CREATE INDEX bl_dump_name ON bl_dump(name)\","
                + "\"CREATE TABLE bl_other (x TEXT)\", \"INSERT INTO bl_other VALUES('other')\"]");
        own = NodeProcess.start(tmp.resolve("own"));
        ownApi = new Api(own);
    }

    @AfterAll
    static void tearDown() {
        if (own != null) {
            own.stop();
        }
    }

    // ---- backup ----

    @Test
    void binaryBackupIsAValidSqliteFile() throws Exception {
        Api.Response r = shared.get("/db/backup");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Content-Type")).isEqualTo("application/octet-stream");
        assertThat(r.header("X-RQLITE-SERVED-BY")).isEqualTo("127.0.0.1:" + SharedNode.node().httpPort());
        assertThat(Arrays.copyOf(r.bytes(), 16)).isEqualTo(SQLITE_MAGIC);
        // As stored: the WAL journal mode's file-format bytes.
        assertThat(r.bytes()[18]).isEqualTo((byte) 2);
        assertThat(r.bytes()[19]).isEqualTo((byte) 2);
        assertDumpTableRows(write("binary.sqlite", r.bytes()));
    }

    @Test
    void compressedBackupIsGzip() throws Exception {
        Api.Response r = shared.get("/db/backup?compress");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Content-Type")).isEqualTo("application/octet-stream");
        assertThat(r.bytes()[0]).isEqualTo((byte) 0x1f);
        assertThat(r.bytes()[1]).isEqualTo((byte) 0x8b);
        byte[] plain = gunzip(r.bytes());
        assertThat(Arrays.copyOf(plain, 16)).isEqualTo(SQLITE_MAGIC);
        assertDumpTableRows(write("compressed.sqlite", plain));

        Api.Response sql = shared.get("/db/backup?fmt=sql&tables=bl_dump&compress");
        assertThat(sql.status()).isEqualTo(200);
        assertThat(new String(gunzip(sql.bytes()), StandardCharsets.UTF_8)).isEqualTo(DUMP_TABLE);
    }

    @Test
    void vacuumBackupIsAValidSqliteFileButNotWithOtherFormats() throws Exception {
        Api.Response r = shared.get("/db/backup?vacuum");
        assertThat(r.status()).isEqualTo(200);
        assertThat(Arrays.copyOf(r.bytes(), 16)).isEqualTo(SQLITE_MAGIC);
        assertDumpTableRows(write("vacuum.sqlite", r.bytes()));

        for (String fmt : List.of("sql", "delete")) {
            Api.Response bad = shared.get("/db/backup?vacuum&fmt=" + fmt);
            assertThat(bad.status()).as(fmt).isEqualTo(400); // rqlite: 500; bad input is a client error
            assertThat(bad.header("Content-Type")).startsWith("text/plain");
            assertThat(bad.body()).isEqualTo("invalid backup format\n");
        }
    }

    @Test
    void deleteFormatBackupUsesTheRollbackJournal() throws Exception {
        Api.Response r = shared.get("/db/backup?fmt=delete");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Content-Type")).isEqualTo("application/octet-stream");
        assertThat(Arrays.copyOf(r.bytes(), 16)).isEqualTo(SQLITE_MAGIC);
        assertThat(r.bytes()[18]).isEqualTo((byte) 1);
        assertThat(r.bytes()[19]).isEqualTo((byte) 1);
        Path file = write("delete.sqlite", r.bytes());
        assertThat(rows(file, "PRAGMA journal_mode")).containsExactly(List.of("delete"));
        assertDumpTableRows(file);
    }

    @Test
    void sqlDumpLayout() {
        Api.Response r = shared.get("/db/backup?fmt=sql&tables=bl_dump");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Content-Type")).startsWith("application/sql");
        assertThat(r.body()).isEqualTo(DUMP_TABLE);

        String two = shared.get("/db/backup?fmt=sql&tables=bl_dump,bl_other").body();
        assertThat(two.lines().toList()).containsExactly(
                "PRAGMA foreign_keys=OFF;",
                "BEGIN TRANSACTION;",
                "CREATE TABLE bl_dump (id INTEGER PRIMARY KEY, name TEXT, score REAL, data BLOB, n INTEGER);",
                "INSERT INTO \"bl_dump\" VALUES(1,'it''s \"quoted\"',1.5,X'00FF10',NULL);",
                "INSERT INTO \"bl_dump\" VALUES(2,NULL,NULL,NULL,-7);",
                "INSERT INTO \"bl_dump\" VALUES(3,'héllo',-0.25,X'',9007199254740993);",
                "CREATE TABLE bl_other (x TEXT);",
                "INSERT INTO \"bl_other\" VALUES('other');",
                "CREATE INDEX bl_dump_name ON bl_dump(name);",
                "COMMIT;");

        String all = shared.get("/db/backup?fmt=sql").body();
        assertThat(all).startsWith("PRAGMA foreign_keys=OFF;\nBEGIN TRANSACTION;\n").endsWith("\nCOMMIT;\n");
        assertThat(all).contains("CREATE TABLE bl_other (x TEXT);\nINSERT INTO \"bl_other\" VALUES('other');\n");
        assertThat(all).contains("INSERT INTO \"bl_dump\" VALUES(2,NULL,NULL,NULL,-7);\n");
    }

    // ---- load ----

    @Test
    void loadingASqliteFileReplacesAllDataWhateverTheContentType() throws Exception {
        ownApi.execute("[\"DROP TABLE IF EXISTS bl_first\", \"DROP TABLE IF EXISTS bl_second\","
                + "\"CREATE TABLE bl_first (id INTEGER PRIMARY KEY, name TEXT)\","
                + "\"INSERT INTO bl_first(name) VALUES('a')\", \"INSERT INTO bl_first(name) VALUES('b')\"]");
        List<String> firstTables = tables(ownApi);
        assertThat(firstTables).contains("bl_first").doesNotContain("bl_second");
        byte[] first = backup(ownApi);
        ownApi.execute("[\"DROP TABLE bl_first\", \"CREATE TABLE bl_second (v TEXT)\", \"INSERT INTO bl_second VALUES('z')\"]");
        List<String> secondTables = tables(ownApi);
        assertThat(secondTables).contains("bl_second").doesNotContain("bl_first");
        byte[] second = backup(ownApi);
        // A file made elsewhere, with tables this node never had.
        Path made = tmp.resolve("made.sqlite");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + made); var s = c.createStatement()) {
            s.execute("CREATE TABLE bl_made (k INTEGER PRIMARY KEY, v BLOB)");
            s.execute("INSERT INTO bl_made VALUES (7, x'cafe')");
        }

        Api.Response r = ownApi.post("/db/load", "application/x-whatever", first);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("{\"results\":[]}");
        // rqlite sets no Content-Type here and Go sniffs text/plain.
        assertThat(r.header("Content-Type")).startsWith("text/plain").containsIgnoringCase("charset=utf-8");
        assertThat(r.header("X-RQLITE-SERVED-BY")).isEqualTo("127.0.0.1:" + own.httpPort());
        assertThat(tables(ownApi)).isEqualTo(firstTables);
        assertThat(values(ownApi, "SELECT id, name FROM bl_first ORDER BY id").toString()).isEqualTo("[[1,\"a\"],[2,\"b\"]]");

        r = ownApi.post("/db/load", "text/plain", second);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("{\"results\":[]}");
        assertThat(tables(ownApi)).isEqualTo(secondTables);

        r = ownApi.post("/db/load", null, Files.readAllBytes(made));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("{\"results\":[]}");
        assertThat(tables(ownApi)).containsExactly("bl_made");
        assertThat(values(ownApi, "SELECT k, hex(v) FROM bl_made").toString()).isEqualTo("[[7,\"CAFE\"]]");

        r = ownApi.post("/db/load", "application/octet-stream", first);
        assertThat(r.status()).isEqualTo(200);
        assertThat(tables(ownApi)).isEqualTo(firstTables);
        // The loaded database takes writes like any other.
        ownApi.execute("[\"INSERT INTO bl_first(name) VALUES('c')\"]");
        assertThat(values(ownApi, "SELECT count(*) FROM bl_first").toString()).isEqualTo("[[3]]");
    }

    @Test
    void loadingSqlTextRunsItAsOneMultiStatementString() {
        String sql = "CREATE TABLE fooRestore (id integer not null primary key, name text);"
                + "INSERT INTO fooRestore(name) VALUES(\"fiona\");INSERT INTO fooRestore(name) VALUES(\"justin\")";
        for (String contentType : Arrays.asList(null, "text/plain")) {
            ownApi.execute("[\"DROP TABLE IF EXISTS fooRestore\"]");
            Api.Response r = ownApi.post("/db/load", contentType, sql.getBytes(StandardCharsets.UTF_8));
            assertThat(r.status()).as("content type %s: %s", contentType, r.body()).isEqualTo(200);
            JsonNode results = r.json().get("results");
            assertThat(results).hasSize(1);
            assertThat(results.get(0).get("rows_affected").asLong()).isEqualTo(1);
            assertThat(r.body()).isEqualTo("{\"results\":[{\"last_insert_id\":2,\"rows_affected\":1}]}");
            JsonNode read = Api.parse(ownApi.query("SELECT id, name FROM fooRestore WHERE name=\"fiona\"", "level=strong"));
            assertThat(read.get("results").get(0).get("columns").toString()).isEqualTo("[\"id\",\"name\"]");
            assertThat(read.get("results").get(0).get("values").toString()).isEqualTo("[[1,\"fiona\"]]");
        }
    }

    @Test
    void aCorruptSqliteFileIsRefusedAndChangesNothing() {
        ownApi.execute("[\"DROP TABLE IF EXISTS bl_intact\", \"CREATE TABLE bl_intact (a)\", \"INSERT INTO bl_intact VALUES(42)\"]");
        byte[] corrupt = new byte[4096];
        System.arraycopy(SQLITE_MAGIC, 0, corrupt, 0, SQLITE_MAGIC.length);

        Api.Response load = ownApi.post("/db/load", "application/octet-stream", corrupt);
        assertThat(load.status()).as(load.body()).isEqualTo(400);
        assertThat(load.body()).startsWith("invalid SQLite data");
        Api.Response boot = ownApi.post("/boot", "application/octet-stream", corrupt);
        assertThat(boot.status()).as(boot.body()).isEqualTo(503);

        assertThat(values(ownApi, "SELECT a FROM bl_intact").toString()).isEqualTo("[[42]]");
        assertThat(ownApi.get("/readyz").status()).isEqualTo(200);
    }

    @Test
    void aFailingSqlLoadIsRolledBack() {
        ownApi.execute("[\"DROP TABLE IF EXISTS bl_rolled\"]");
        String sql = "BEGIN TRANSACTION;\nCREATE TABLE bl_rolled (a);\nINSERT INTO bl_rolled VALUES(1);\n"
                + "INSERT INTO bl_missing VALUES(1);\nCOMMIT;\n";
        Api.Response r = ownApi.post("/db/load", "text/plain", sql.getBytes(StandardCharsets.UTF_8));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("{\"results\":[{\"error\":\"no such table: bl_missing\"}]}");
        // The explicit ROLLBACK after the error undid the open transaction, and none is left open.
        assertThat(tables(ownApi)).doesNotContain("bl_rolled");
        assertThat(ownApi.execute("[\"CREATE TABLE bl_rolled (a)\", \"DROP TABLE bl_rolled\"]")).doesNotContain("error");
    }

    @Test
    void anSqlDumpLoadsBack() {
        String dump = shared.get("/db/backup?fmt=sql&tables=bl_dump").body();
        ownApi.execute("[\"DROP TABLE IF EXISTS bl_dump\"]");
        Api.Response r = ownApi.post("/db/load", "text/plain", dump.getBytes(StandardCharsets.UTF_8));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).doesNotContain("error");
        String select = "SELECT id, name, score, hex(data), n FROM bl_dump ORDER BY id";
        assertThat(values(ownApi, select)).isEqualTo(values(shared, select));
        assertThat(ownApi.get("/db/backup?fmt=sql&tables=bl_dump").body()).isEqualTo(DUMP_TABLE);
    }

    // ---- boot ----

    @Test
    void bootReplacesTheDatabaseAndSurvivesARestart() {
        ownApi.execute("[\"DROP TABLE IF EXISTS bl_boot\", \"DROP TABLE IF EXISTS bl_gone\","
                + "\"CREATE TABLE bl_boot (id INTEGER PRIMARY KEY, name TEXT)\", \"INSERT INTO bl_boot(name) VALUES('booted')\"]");
        List<String> bootTables = tables(ownApi);
        assertThat(bootTables).contains("bl_boot");
        byte[] file = backup(ownApi);
        ownApi.execute("[\"DROP TABLE bl_boot\", \"CREATE TABLE bl_gone (x)\"]");

        Api.Response r = ownApi.post("/boot", "application/octet-stream", file);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.bytes()).isEmpty();
        // Weak reads do not touch the log, so the snapshot boot forced is still the newest state.
        assertThat(weakValues(ownApi, "SELECT name FROM bl_boot").toString()).isEqualTo("[[\"booted\"]]");
        assertThat(tables(weakValues(ownApi, "SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")))
                .isEqualTo(bootTables);
        assertThat(ownApi.method("POST", "/snapshot", null, null).status()).as("boot already snapshotted").isEqualTo(204);

        own.stop();
        own.restart();
        assertThat(values(ownApi, "SELECT name FROM bl_boot").toString()).isEqualTo("[[\"booted\"]]");
        assertThat(tables(ownApi)).isEqualTo(bootTables);
    }

    @Test
    void bootRefusesWhatIsNotASqliteFile() {
        byte[] text = "this is certainly not a SQLite database file, honestly".getBytes(StandardCharsets.UTF_8);
        assertThat(text.length).isGreaterThanOrEqualTo(32);
        Api.Response r = ownApi.post("/boot", "application/octet-stream", text);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body()).isEqualTo("invalid SQLite data\n");

        Api.Response shortBody = ownApi.post("/boot", "application/octet-stream", "SQLite format 3".getBytes(StandardCharsets.US_ASCII));
        assertThat(shortBody.status()).isEqualTo(503);
        assertThat(shortBody.header("Content-Type")).startsWith("text/plain");

        assertThat(ownApi.get("/boot").status()).isEqualTo(405);
    }

    // ---- snapshot and reap ----

    @Test
    void snapshotThenNothingNew() {
        long snapshotsBefore = ownApi.get("/debug/vars").json().get("store").get("num_snapshots").asLong();
        ownApi.execute("[\"CREATE TABLE IF NOT EXISTS bl_snap (x)\", \"INSERT INTO bl_snap VALUES(1)\"]");

        Api.Response first = ownApi.method("POST", "/snapshot?trailing_logs=5", null, null);
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.bytes()).isEmpty();
        Api.Response second = ownApi.method("POST", "/snapshot", null, null);
        assertThat(second.status()).isEqualTo(204);
        assertThat(second.bytes()).isEmpty();

        JsonNode store = ownApi.get("/status").json().get("store");
        long applied = store.get("raft").get("applied_index").asLong();
        assertThat(store.get("raft").get("last_snapshot_index").asLong()).isEqualTo(applied);
        assertThat(store.get("snapshot_store").get("snapshots").toString()).contains("snapshot_" + applied);
        assertThat(ownApi.get("/debug/vars").json().get("store").get("num_snapshots").asLong()).isGreaterThan(snapshotsBefore);
        assertThat(ownApi.get("/snapshot").status()).isEqualTo(405);
    }

    @Test
    void reapReportsWhatItDid() {
        Api.Response r = ownApi.method("POST", "/reap", null, null);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Content-Type")).startsWith("application/json");
        JsonNode j = r.json();
        List<String> keys = new ArrayList<>();
        j.properties().forEach(e -> keys.add(e.getKey()));
        assertThat(keys).containsExactlyInAnyOrder("snapshots_reaped", "wals_checkpointed");
        assertThat(j.get("snapshots_reaped").isIntegralNumber()).isTrue();
        assertThat(j.get("wals_checkpointed").isIntegralNumber()).isTrue();
        assertThat(ownApi.get("/reap").status()).isEqualTo(405);
    }

    // ---- helpers ----

    private static byte[] backup(Api api) {
        Api.Response r = api.get("/db/backup");
        assertThat(r.status()).isEqualTo(200);
        return r.bytes();
    }

    private static Path write(String name, byte[] bytes) throws IOException {
        Path file = tmp.resolve(name);
        Files.write(file, bytes);
        return file;
    }

    private static void assertDumpTableRows(Path file) throws SQLException {
        assertThat(rows(file, "SELECT id, name, score, quote(data), n FROM bl_dump ORDER BY id")).containsExactly(
                List.of(1L, "it's \"quoted\"", 1.5, "X'00FF10'", "null"),
                List.of(2L, "null", "null", "NULL", -7L),
                List.of(3L, "héllo", -0.25, "X''", 9007199254740993L));
        assertThat(rows(file, "SELECT x FROM bl_other")).containsExactly(List.of("other"));
    }

    /** Rows read with sqlite-jdbc; NULL as the string "null" so rows compare as lists. */
    private static List<List<Object>> rows(Path file, String sql) throws SQLException {
        List<List<Object>> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
                var s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    Object v = rs.getObject(i);
                    row.add(v == null ? "null" : v instanceof Integer k ? Long.valueOf(k) : v);
                }
                out.add(row);
            }
        }
        return out;
    }

    private static byte[] gunzip(byte[] data) {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(data))) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The {@code values} of a strong read (goes through the log, so it sees every prior write). */
    private static JsonNode values(Api api, String sql) {
        JsonNode result = Api.parse(api.query(sql, "level=strong")).get("results").get(0);
        assertThat(result.has("error")).as("%s: %s", sql, result).isFalse();
        return result.get("values");
    }

    private static JsonNode weakValues(Api api, String sql) {
        JsonNode result = Api.parse(api.query(sql)).get("results").get(0);
        assertThat(result.has("error")).as("%s: %s", sql, result).isFalse();
        return result.get("values");
    }

    private static List<String> tables(Api api) {
        return tables(values(api, "SELECT name FROM sqlite_master WHERE type='table' ORDER BY name"));
    }

    private static List<String> tables(JsonNode values) {
        List<String> out = new ArrayList<>();
        if (values != null) {
            values.forEach(row -> out.add(row.get(0).asString()));
        }
        return out;
    }
}
