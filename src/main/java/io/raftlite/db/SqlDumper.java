package io.raftlite.db;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Writes a database as SQL text in the layout rqlite uses (Python's {@code iterdump}, spec 7.1).
 * The caller runs it inside a read transaction so the text is one consistent state.
 *
 * <p>Tables come in creation order ({@code rowid} of {@code sqlite_master}) with
 * {@code sqlite_sequence} last, as the {@code sqlite3} shell orders them: ordering by name (as
 * {@code iterdump} does) can put {@code DELETE FROM "sqlite_sequence"} before the AUTOINCREMENT
 * table that creates it, and such a dump does not load back.
 */
final class SqlDumper {
    private SqlDumper() {
    }

    static void dump(Conn conn, OutputStream out, List<String> tables) throws SQLException, IOException {
        Set<String> filter = tables == null || tables.isEmpty() ? null : new HashSet<>(tables);
        Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
        w.write("PRAGMA foreign_keys=OFF;\n");
        w.write("BEGIN TRANSACTION;\n");

        List<String[]> schema = rows(conn,
                "SELECT \"name\", \"sql\" FROM \"sqlite_master\" WHERE \"sql\" NOT NULL AND \"type\" == 'table'"
                        + " ORDER BY \"name\" == 'sqlite_sequence', rowid");
        for (String[] t : schema) {
            String name = t[0];
            if (filter != null && !filter.contains(name)) {
                continue;
            }
            if (name.equals("sqlite_sequence")) {
                w.write("DELETE FROM \"sqlite_sequence\";\n");
            } else if (name.equals("sqlite_stat1")) {
                w.write("ANALYZE \"sqlite_master\";\n");
            } else if (name.startsWith("sqlite_")) {
                continue;
            } else {
                w.write(t[1]);
                w.write(";\n");
            }
            String ident = name.replace("\"", "\"\"");
            List<String> columns = new ArrayList<>();
            for (String[] c : rows(conn, "PRAGMA table_info(\"" + ident + "\")")) {
                columns.add(c[1]);
            }
            if (columns.isEmpty()) {
                continue;
            }
            StringBuilder q = new StringBuilder("SELECT 'INSERT INTO \"").append(ident.replace("'", "''")).append("\" VALUES(");
            for (int i = 0; i < columns.size(); i++) {
                if (i > 0) {
                    q.append(',');
                }
                q.append("'||quote(\"").append(columns.get(i).replace("\"", "\"\"")).append("\")||'");
            }
            q.append(")' FROM \"").append(ident).append("\"");
            try (PreparedStatement ps = conn.prepare(q.toString()); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    w.write(rs.getString(1));
                    w.write(";\n");
                }
            }
        }

        for (String[] o : rows(conn, "SELECT \"name\", \"sql\", \"tbl_name\" FROM \"sqlite_master\""
                + " WHERE \"sql\" NOT NULL AND \"type\" IN ('index', 'trigger', 'view')")) {
            if (filter != null && !filter.contains(o[2]) && !filter.contains(o[0])) {
                continue;
            }
            w.write(o[1]);
            w.write(";\n");
        }
        w.write("COMMIT;\n");
        w.flush();
    }

    private static List<String[]> rows(Conn conn, String sql) throws SQLException {
        List<String[]> out = new ArrayList<>();
        try (PreparedStatement ps = conn.prepare(sql); ResultSet rs = ps.executeQuery()) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                String[] row = new String[n];
                for (int i = 0; i < n; i++) {
                    row[i] = rs.getString(i + 1);
                }
                out.add(row);
            }
        }
        return out;
    }
}
