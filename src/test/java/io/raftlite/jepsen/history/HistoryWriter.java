package io.raftlite.jepsen.history;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Appends operations to a JSON Lines history file, one line per event, flushed after every line so
 * that the file holds every recorded event even if the run is killed. Safe for concurrent use by
 * client threads; lines never interleave. Writing order is file order, so callers that assign indices
 * themselves must write in index order ({@link Recorder} does both under one lock).
 */
public final class HistoryWriter implements Closeable {
    private final BufferedWriter out;
    private final Path path;
    private boolean closed;

    private HistoryWriter(Path path, BufferedWriter out) {
        this.path = path;
        this.out = out;
    }

    /** Opens {@code path} for appending, creating it (but not its directory) if needed. */
    public static HistoryWriter append(Path path) {
        try {
            return new HistoryWriter(path, Files.newBufferedWriter(path, StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open history file " + path, e);
        }
    }

    public Path path() {
        return path;
    }

    /** Appends one line and flushes it. */
    public synchronized void write(Operation op) {
        if (closed) {
            throw new IllegalStateException("history writer for " + path + " is closed");
        }
        try {
            out.write(OperationJson.toLine(op));
            out.write('\n');
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write history file " + path, e);
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close history file " + path, e);
        }
    }
}
