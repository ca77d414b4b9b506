package io.raftlite.jepsen.history;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the JSON Lines files that {@link HistoryWriter} writes. Blank lines are skipped; any other
 * unreadable line is an error naming its line number, because a checker must not judge a history it
 * could only partly read.
 */
public final class HistoryReader {
    private HistoryReader() {
    }

    /** Reads and validates a history file. */
    public static History read(Path path) {
        return History.of(readOperations(path));
    }

    /** Reads the events of a history file without pairing them (to inspect a malformed file). */
    public static List<Operation> readOperations(Path path) {
        try (BufferedReader in = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            return parse(in, path.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read history file " + path, e);
        }
    }

    /** Parses JSON Lines text, e.g. a history kept in a test resource or a string. */
    public static List<Operation> parse(String text) {
        try {
            return parse(new BufferedReader(new StringReader(text)), "<string>");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Operation> parse(BufferedReader in, String source) throws IOException {
        List<Operation> ops = new ArrayList<>();
        String line;
        int lineNumber = 0;
        while ((line = in.readLine()) != null) {
            lineNumber++;
            if (line.isBlank()) {
                continue;
            }
            try {
                ops.add(OperationJson.fromLine(line));
            } catch (IllegalArgumentException e) {
                throw new MalformedHistoryException(source + ":" + lineNumber + ": " + e.getMessage(), e);
            }
        }
        return ops;
    }
}
