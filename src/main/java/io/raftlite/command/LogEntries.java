package io.raftlite.command;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.raftlite.db.ExecutionOptions;
import io.raftlite.db.Parameter;
import io.raftlite.db.Statement;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Converts between the database's value types and the protobuf messages written to the Raft log.
 * Stateless and thread-safe.
 */
public final class LogEntries {
    private LogEntries() {
    }

    public static SqlRequest toProto(List<Statement> statements, ExecutionOptions options) {
        SqlRequest.Builder b = SqlRequest.newBuilder()
                .setTransaction(options.transaction())
                .setQualifyColumns(options.qualifyColumns())
                .setTimings(options.timings());
        if (options.timeout() != null) {
            b.setTimeoutNanos(options.timeout().toNanos());
        }
        for (Statement s : statements) {
            io.raftlite.command.Statement.Builder sb = io.raftlite.command.Statement.newBuilder()
                    .setSql(s.sql())
                    .setReturnsRows(s.returnsRows());
            for (Parameter p : s.parameters()) {
                sb.addParameters(toProto(p));
            }
            b.addStatements(sb);
        }
        return b.build();
    }

    private static io.raftlite.command.Parameter toProto(Parameter p) {
        io.raftlite.command.Parameter.Builder b = io.raftlite.command.Parameter.newBuilder();
        if (p.name() != null) {
            b.setName(p.name());
        }
        Object v = p.value();
        if (v == null) {
            b.setNullValue(true);
        } else if (v instanceof Long l) {
            b.setInteger(l);
        } else if (v instanceof Double d) {
            b.setReal(d);
        } else if (v instanceof String s) {
            b.setText(s);
        } else if (v instanceof byte[] bytes) {
            b.setBlob(ByteString.copyFrom(bytes));
        } else {
            throw new IllegalArgumentException("unsupported parameter type " + v.getClass().getName());
        }
        return b.build();
    }

    public static List<Statement> statements(SqlRequest request) {
        List<Statement> out = new ArrayList<>(request.getStatementsCount());
        for (io.raftlite.command.Statement s : request.getStatementsList()) {
            List<Parameter> params = new ArrayList<>(s.getParametersCount());
            for (io.raftlite.command.Parameter p : s.getParametersList()) {
                params.add(new Parameter(p.getName().isEmpty() ? null : p.getName(), value(p)));
            }
            out.add(new Statement(s.getSql(), params, s.getReturnsRows()));
        }
        return out;
    }

    private static Object value(io.raftlite.command.Parameter p) {
        return switch (p.getValueCase()) {
            case INTEGER -> p.getInteger();
            case REAL -> p.getReal();
            case TEXT -> p.getText();
            case BLOB -> p.getBlob().toByteArray();
            case NULL_VALUE, VALUE_NOT_SET -> null;
        };
    }

    public static ExecutionOptions options(SqlRequest request) {
        return new ExecutionOptions(request.getTransaction(),
                request.getTimeoutNanos() > 0 ? Duration.ofNanos(request.getTimeoutNanos()) : null,
                request.getQualifyColumns(), request.getTimings());
    }

    public static LogEntry parse(byte[] data) {
        try {
            return LogEntry.parseFrom(data);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("corrupt log entry: " + e.getMessage(), e);
        }
    }

    /** A load entry carrying {@code sqliteFile} gzip-compressed. */
    public static LogEntry load(byte[] sqliteFile) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream(Math.max(1024, sqliteFile.length / 4));
        try (GZIPOutputStream gz = new GZIPOutputStream(buf)) {
            gz.write(sqliteFile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return LogEntry.newBuilder()
                .setLoad(LoadDatabase.newBuilder().setSqliteFile(ByteString.copyFrom(buf.toByteArray())))
                .build();
    }

    /** Opens the uncompressed SQLite file of a load entry. */
    public static InputStream sqliteFile(LoadDatabase load) {
        try {
            return new GZIPInputStream(load.getSqliteFile().newInput());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
