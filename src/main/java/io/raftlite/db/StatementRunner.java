package io.raftlite.db;

import io.raftlite.db.sql.SqlStatementText;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.sqlite.core.CoreStatement;

/**
 * Runs one request element (SQL text that may hold several statements, plus its parameters) on a
 * connection, with rqlite's semantics. Stateless; the caller owns the connection.
 */
final class StatementRunner {
    static final String READ_ONLY_ERROR = "attempt to change database via query operation";
    static final String EXECUTE_TIMEOUT = "execute timeout";
    static final String QUERY_TIMEOUT = "query timeout";

    private static final String[] NAME_PREFIXES = {":", "@", "$"};

    private StatementRunner() {
    }

    /**
     * Write semantics: every piece is executed in order; the element reports the last piece's
     * counters ({@code changes()}, {@code last_insert_rowid()} read on the connection), or its rows
     * when {@code returnsRows}.
     */
    static StatementResult execute(Conn conn, Statement st, ExecutionOptions opts) {
        long t0 = System.nanoTime();
        List<Parameter> args = st.parameters();
        boolean asRows = st.returnsRows();
        try {
            ParsedSql parsed = conn.parsed(st.sql());
            List<SqlStatementText> pieces = parsed.pieces();
            conn.armDeadline(opts.timeout());
            int start = 0;
            StatementResult rows = null;
            for (int i = 0; i < pieces.size(); i++) {
                SqlStatementText piece = pieces.get(i);
                boolean last = i == pieces.size() - 1;
                PreparedStatement ps = conn.statement(piece.sql());
                try {
                    int na = ps.getParameterMetaData().getParameterCount();
                    if (args.size() - start < na) {
                        return notEnoughArgs(na, args.size());
                    }
                    bind(ps, piece, args, start, na);
                    start += na;
                    if (last && asRows) {
                        rows = readRows(ps, opts, t0);
                    } else {
                        ps.execute();
                    }
                } finally {
                    conn.release(piece.sql(), ps);
                }
            }
            if (rows != null) {
                return rows;
            }
            if (pieces.isEmpty() || parsed.endsWithEmptyStatement()) {
                // Nothing ran last: the empty statement's result has no counters (as in rqlite).
                return new StatementResult.Write(0, 0, elapsed(opts, t0));
            }
            long[] c = conn.counters();
            return new StatementResult.Write(c[1], c[0], elapsed(opts, t0));
        } catch (SQLException e) {
            return new StatementResult.Error(errorText(conn, e, asRows ? QUERY_TIMEOUT : EXECUTE_TIMEOUT));
        } catch (ValueConverter.ConversionException e) {
            return new StatementResult.Error(e.getMessage());
        } finally {
            conn.disarmDeadline();
        }
    }

    /**
     * Read semantics: every piece is prepared (and its parameters counted) but only the last one is
     * stepped; its rows are the result.
     */
    static StatementResult query(Conn conn, Statement st, ExecutionOptions opts) {
        long t0 = System.nanoTime();
        List<Parameter> args = st.parameters();
        try {
            ParsedSql parsed = conn.parsed(st.sql());
            List<SqlStatementText> pieces = parsed.pieces();
            conn.armDeadline(opts.timeout());
            if (pieces.isEmpty()) {
                return new StatementResult.Rows(List.of(), List.of(), List.of(), elapsed(opts, t0));
            }
            int start = 0;
            for (int i = 0; i < pieces.size(); i++) {
                SqlStatementText piece = pieces.get(i);
                PreparedStatement ps = conn.statement(piece.sql());
                try {
                    int na = ps.getParameterMetaData().getParameterCount();
                    if (args.size() - start < na) {
                        // go-sqlite3's query path reports the arguments left, not the total
                        return notEnoughArgs(na, args.size() - start);
                    }
                    if (i == pieces.size() - 1) {
                        bind(ps, piece, args, start, na);
                        return readRows(ps, opts, t0);
                    }
                    start += na;
                } finally {
                    conn.release(piece.sql(), ps);
                }
            }
            throw new IllegalStateException("unreachable");
        } catch (SQLException e) {
            return new StatementResult.Error(errorText(conn, e, QUERY_TIMEOUT));
        } catch (ValueConverter.ConversionException e) {
            return new StatementResult.Error(e.getMessage());
        } finally {
            conn.disarmDeadline();
        }
    }

    private static StatementResult notEnoughArgs(int want, int got) {
        return new StatementResult.Error("not enough args to execute query: want " + want + " got " + got);
    }

    static String errorText(Conn conn, SQLException e, String timeoutText) {
        int code = SqliteErrors.primaryCode(e);
        if (code == SqliteErrors.SQLITE_INTERRUPT && conn.deadlineHit()) {
            return timeoutText;
        }
        if (code == SqliteErrors.SQLITE_READONLY && conn.isReadOnly()) {
            return READ_ONLY_ERROR;
        }
        return SqliteErrors.message(e);
    }

    private static double elapsed(ExecutionOptions opts, long t0) {
        return opts.timings() ? (System.nanoTime() - t0) / 1e9 : 0;
    }

    /**
     * Binds the element's arguments for one piece, as go-sqlite3 does: the piece takes the next
     * {@code na} arguments; a positional one among them binds at its position within that slice, a
     * named one by name; then every other named argument of the element binds by name. Names bind
     * {@code :name}, {@code @name} and {@code $name}; unknown names are ignored.
     */
    static void bind(PreparedStatement ps, SqlStatementText piece, List<Parameter> args, int start, int na) throws SQLException {
        if (na == 0) {
            return;
        }
        for (int k = 0; k < na; k++) {
            Parameter p = args.get(start + k);
            if (p.isNamed()) {
                bindNamed(ps, piece, p, na);
            } else {
                setValue(ps, k + 1, p.value());
            }
        }
        for (int j = 0; j < args.size(); j++) {
            if (j >= start && j < start + na) {
                continue;
            }
            Parameter p = args.get(j);
            if (p.isNamed()) {
                bindNamed(ps, piece, p, na);
            }
        }
    }

    private static void bindNamed(PreparedStatement ps, SqlStatementText piece, Parameter p, int na) throws SQLException {
        for (String prefix : NAME_PREFIXES) {
            Integer idx = piece.namedParameterIndexes().get(prefix + p.name());
            if (idx != null && idx >= 1 && idx <= na) {
                setValue(ps, idx, p.value());
            }
        }
    }

    static void setValue(PreparedStatement ps, int pos, Object v) throws SQLException {
        if (v == null) {
            ps.setNull(pos, Types.NULL);
        } else if (v instanceof Long l) {
            ps.setLong(pos, l);
        } else if (v instanceof Double d) {
            ps.setDouble(pos, d);
        } else if (v instanceof String s) {
            ps.setString(pos, s);
        } else if (v instanceof byte[] b) {
            ps.setBytes(pos, b);
        } else if (v instanceof Boolean b) {
            ps.setLong(pos, b ? 1 : 0);
        } else if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
            ps.setLong(pos, ((Number) v).longValue());
        } else if (v instanceof Float f) {
            ps.setDouble(pos, f);
        } else if (v instanceof Number n) {
            ps.setDouble(pos, n.doubleValue());
        } else {
            ps.setString(pos, v.toString());
        }
    }

    /** Steps {@code ps} (already bound) through all its rows and converts them. */
    static StatementResult.Rows readRows(PreparedStatement ps, ExecutionOptions opts, long t0) throws SQLException {
        CoreStatement cs = (CoreStatement) ps;
        boolean hasRow = ps.execute();
        int ncol = cs.pointer.safeRunInt((db, ptr) -> db.column_count(ptr));
        if (ncol == 0) {
            return new StatementResult.Rows(List.of(), List.of(), List.of(), elapsed(opts, t0));
        }
        String[] names = new String[ncol];
        String[] decl = new String[ncol];
        boolean qualify = opts.qualifyColumns();
        cs.pointer.safeRunConsume((db, ptr) -> {
            for (int i = 0; i < ncol; i++) {
                String name = db.column_name(ptr, i);
                if (name == null) {
                    name = "";
                }
                if (qualify) {
                    String table = db.column_table_name(ptr, i);
                    if (table != null && !table.isEmpty()) {
                        name = table + "." + name;
                    }
                }
                names[i] = name;
                String t = db.column_decltype(ptr, i);
                decl[i] = t == null ? "" : t.toLowerCase(java.util.Locale.ROOT);
            }
        });
        List<String> types = new ArrayList<>(Arrays.asList(decl));
        List<List<Object>> rows = new ArrayList<>();
        if (hasRow) {
            try (ResultSet rs = ps.getResultSet()) {
                while (rs.next()) {
                    List<Object> row = cs.pointer.safeRun((db, ptr) -> {
                        Object[] values = new Object[ncol];
                        for (int i = 0; i < ncol; i++) {
                            int type = db.column_type(ptr, i);
                            Object raw = switch (type) {
                                case ValueConverter.SQLITE_INTEGER -> db.column_long(ptr, i);
                                case ValueConverter.SQLITE_FLOAT -> db.column_double(ptr, i);
                                case ValueConverter.SQLITE_TEXT -> db.column_text(ptr, i);
                                case ValueConverter.SQLITE_BLOB -> db.column_blob(ptr, i);
                                default -> null;
                            };
                            values[i] = ValueConverter.convert(type, raw, decl[i]);
                        }
                        return Arrays.asList(values);
                    });
                    if (rows.isEmpty()) {
                        ValueConverter.fillEmptyTypes(types, row);
                    }
                    rows.add(java.util.Collections.unmodifiableList(row));
                }
            }
        }
        return new StatementResult.Rows(List.of(names), java.util.Collections.unmodifiableList(types), java.util.Collections.unmodifiableList(rows),
                elapsed(opts, t0));
    }
}
