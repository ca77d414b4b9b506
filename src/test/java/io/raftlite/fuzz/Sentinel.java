package io.raftlite.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftlite.it.Api;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * The data no fuzz request may change: a {@code sentinel} table with integers at the 64-bit limits,
 * reals, text with quotes, newlines and characters outside the BMP, blobs (empty, every byte value),
 * and NULLs. Its picture is taken twice, as the SQL dump of the table and as a query that shows every
 * value's storage class and exact bytes, so that any change (even of a type) shows.
 */
final class Sentinel {
    private static final String TABLE = "sentinel";

    private Sentinel() {
    }

    static void seed(Api api) {
        api.execute("[\"CREATE TABLE " + TABLE + " (id INTEGER PRIMARY KEY, i INTEGER, r REAL, t TEXT, b BLOB, n)\","
                + "[\"INSERT INTO " + TABLE + "(id, i, r, t, b, n) VALUES(?, ?, ?, ?, ?, ?)\", 1, 9223372036854775807, 1.5, "
                + "\"plain\", \"x'00ff'\", null],"
                + "[\"INSERT INTO " + TABLE + "(id, i, r, t, b, n) VALUES(?, ?, ?, ?, ?, ?)\", 2, -9223372036854775808, -0.0, "
                + "\"quote ' and \\\" newline \\n tab \\t\", [], 0],"
                + "[\"INSERT INTO " + TABLE + "(id, i, r, t, b, n) VALUES(?, ?, ?, ?, ?, ?)\", 3, 0, 1e308, "
                + "\"\\u00e9\\u4e2d\\ud83d\\ude00\", [0, 1, 127, 128, 254, 255], \"text in an untyped column\"],"
                + "[\"INSERT INTO " + TABLE + "(id, i, r, t, b, n) VALUES(?, ?, ?, ?, ?, ?)\", 4, null, null, null, null, 2.25],"
                + "\"INSERT INTO " + TABLE + "(id, i, r, t, b, n) VALUES(5, 42, 4.9e-324, '', zeroblob(3), x'deadbeef')\"]");
    }

    /** Everything about the table's rows, as the leader has them (strong reads, the leader's dump). */
    static String picture(Api api) {
        return picture(api, false);
    }

    /**
     * Everything about the table's rows, as text that differs if any value or storage class differs;
     * {@code local}: as this node's own copy has them (level=none reads, its own dump).
     */
    static String picture(Api api, boolean local) {
        String read = local ? "/db/query?level=none&q=" : "/db/query?level=strong&q=";
        String sql = "SELECT id, typeof(i), quote(i), typeof(r), quote(r), typeof(t), hex(t), typeof(b), hex(b), "
                + "typeof(n), quote(n) FROM " + TABLE + " ORDER BY id";
        Api.Response rows = api.get(read + URLEncoder.encode(sql, StandardCharsets.UTF_8));
        assertThat(rows.status()).as(rows.body()).isEqualTo(200);
        Api.Response schema = api.get(read + URLEncoder.encode(
                "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = '" + TABLE + "'", StandardCharsets.UTF_8));
        assertThat(schema.status()).as(schema.body()).isEqualTo(200);
        Api.Response dump = api.get("/db/backup?fmt=sql&tables=" + TABLE + (local ? "&noleader" : ""));
        assertThat(dump.status()).as(dump.body()).isEqualTo(200);
        return "rows: " + rows.body() + "\nschema: " + schema.body() + "\ndump:\n" + dump.body();
    }

    /** Sanity check on a fresh picture: the seeded rows are there, so an unchanged picture means something. */
    static void assertSeeded(String picture) {
        assertThat(picture).contains("\"integer\",\"9223372036854775807\"").contains("DEADBEEF")
                .contains("00017F80FEFF").contains("INSERT INTO \"sentinel\"");
    }
}
