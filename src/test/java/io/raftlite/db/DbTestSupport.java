package io.raftlite.db;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Helpers shared by the database tests. */
final class DbTestSupport {
    private DbTestSupport() {
    }

    static Statement stmt(String sql, Object... positional) {
        List<Parameter> params = new ArrayList<>();
        for (Object o : positional) {
            params.add(o instanceof Parameter p ? p : Parameter.positional(o));
        }
        return new Statement(sql, params, false);
    }

    static Parameter named(String name, Object value) {
        return new Parameter(name, value);
    }

    static List<Statement> stmts(String... sql) {
        return Arrays.stream(sql).map(Statement::of).toList();
    }

    static ExecutionOptions tx() {
        return new ExecutionOptions(true, null, false, false);
    }

    /** Counts rows of {@code table} in the SQLite file at {@code file} through a fresh, independent connection. */
    static long countRows(Path file, String table) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
                ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static String integrity(Path file) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
                ResultSet rs = c.createStatement().executeQuery("PRAGMA integrity_check")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
