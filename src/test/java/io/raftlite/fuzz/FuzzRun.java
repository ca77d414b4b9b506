package io.raftlite.fuzz;

import io.raftlite.fuzz.RawHttpClient.Answer;
import io.raftlite.it.NodeProcess;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Sends fuzz cases to one node, one at a time, and keeps what an oracle alone cannot see: whether
 * the node (and its peers) are still alive after each case, whether it still answers {@code /status}
 * every {@link #STATUS_EVERY} cases, what it wrote to its log at ERROR level while handling a case
 * (an unhandled exception is a bug even if the client got a 4xx), and, on a single node, whether a
 * rejected write moved the Raft applied index (a 4xx must not have changed anything). Collects the
 * status distribution and every violation with a reproducer.
 */
final class FuzzRun {
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    private static final int STATUS_EVERY = 25;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** One broken rule, with what it takes to reproduce it. */
    record Violation(String caseId, String request, String answer, List<String> problems) {
        @Override
        public String toString() {
            return "case " + caseId + ": " + String.join("; ", problems) + "\n  request: " + request + "\n  answer: " + answer;
        }
    }

    private final String name;
    private final NodeProcess target;
    private final List<NodeProcess> peers;
    private final RawHttpClient client;
    private final Oracle oracle = new Oracle();
    private final boolean checkAppliedIndex;
    private final Path log;
    private long logOffset;

    private final Map<Integer, Integer> statuses = new TreeMap<>();
    private final Map<String, Map<Integer, Integer>> byGenerator = new TreeMap<>();
    private final Map<String, Integer> documented = new TreeMap<>();
    private final Map<String, Integer> reasons503 = new TreeMap<>();
    private final Map<Integer, Integer> springErrorPages = new TreeMap<>();
    private final List<Violation> violations = new ArrayList<>();
    private final List<String> slowest = new ArrayList<>();
    private final Map<String, List<String>> unanswered = new TreeMap<>();
    private long slowestMillis;
    private int sent;
    private long lastQueuedNanos;
    private boolean dead;

    /**
     * @param peers the other nodes of the cluster, which must stay alive too
     * @param checkAppliedIndex compare the applied index around rejected writes (single node only: in a
     *     cluster, the leader's own entries may move it at any time)
     */
    FuzzRun(String name, NodeProcess target, List<NodeProcess> peers, boolean checkAppliedIndex) {
        this.name = name;
        this.target = target;
        this.peers = peers;
        this.checkAppliedIndex = checkAppliedIndex;
        this.client = new RawHttpClient("127.0.0.1", target.httpPort(), REQUEST_TIMEOUT);
        this.log = target.dataDir().resolveSibling(target.dataDir().getFileName() + ".log");
        this.logOffset = logSize();
    }

    /**
     * Runs {@code iterations} random cases; case {@code i} is generated from its own seed derived from
     * {@code seed} and {@code i}, so {@code only} (if not null) replays exactly that case.
     */
    void random(long seed, int iterations, Set<String> forbiddenIds, boolean follower, Integer only) {
        for (int i = 0; i < iterations && !dead; i++) {
            if (only != null && i != only) {
                continue;
            }
            FuzzInputs inputs = new FuzzInputs(new Random(caseSeed(seed, i)), forbiddenIds, follower);
            FuzzCase c = inputs.next();
            if (only != null) {
                System.out.println("fuzz " + name + ": replaying case " + i + "\n  " + c.describe());
            }
            exchange(seed + "/" + i, c);
        }
    }

    static long caseSeed(long seed, int i) {
        return seed * 0x9E3779B97F4A7C15L + i * 0xBF58476D1CE4E5B9L + 1;
    }

    /**
     * Sends one case and judges it; {@code expected} (may be null) is an extra check of the answer,
     * for the fixed regressions. Returns the answer.
     */
    Answer exchange(String id, FuzzCase c, Predicate<Answer> expected, String expectation) {
        if (dead) {
            return null;
        }
        boolean indexCheck = checkAppliedIndex && mayWrite(c) && System.nanoTime() - lastQueuedNanos > 2_000_000_000L;
        Long before = indexCheck ? appliedIndex() : null;
        if (c.query().contains("queue")) {
            lastQueuedNanos = System.nanoTime();
        }
        Answer a = client.send(c);
        sent++;
        List<String> problems = new ArrayList<>(oracle.judge(c, a));
        if (expected != null && !expected.test(a)) {
            problems.add("expected " + expectation);
        }
        if (!target.isAlive()) {
            dead = true;
            problems.add("the node died:\n" + target.tailLog());
        }
        for (NodeProcess p : peers) {
            if (!p.isAlive()) {
                dead = true;
                problems.add("peer on port " + p.httpPort() + " died:\n" + p.tailLog());
            }
        }
        problems.addAll(newLoggedErrors());
        if (before != null && a.status() >= 400 && a.status() < 500) {
            Long after = appliedIndex();
            if (after != null && !after.equals(before)) {
                problems.add("answered " + a.status() + " but the applied index moved from " + before + " to " + after);
            }
        }
        if (!dead && sent % STATUS_EVERY == 0) {
            String health = statusProblem();
            if (health != null) {
                problems.add(health);
            }
        }
        record(c, a);
        if (!problems.isEmpty()) {
            violations.add(new Violation(id, c.describe(), describe(a), problems));
        }
        return a;
    }

    Answer exchange(String id, FuzzCase c) {
        return exchange(id, c, null, null);
    }

    private void record(FuzzCase c, Answer a) {
        statuses.merge(a.status(), 1, Integer::sum);
        byGenerator.computeIfAbsent(c.generator, g -> new TreeMap<>()).merge(a.status(), 1, Integer::sum);
        if (a.status() == Answer.NO_STATUS_LINE && Oracle.requestLineLength(c) > Oracle.MAX_REQUEST_HEAD) {
            documented.merge(Oracle.OVERLONG_REQUEST_LINE, 1, Integer::sum);
        }
        if (a.status() == 503) {
            String reason = Oracle.reasonFor503(c, a);
            reasons503.merge((reason == null ? "?" : reason) + " (" + a.firstLine(60) + ")", 1, Integer::sum);
        } else if (a.status() >= 500) {
            String rule = Oracle.documented(c, a);
            if (rule != null) {
                documented.merge(rule, 1, Integer::sum);
            }
        }
        if (a.status() >= 400 && a.text().startsWith("{\"timestamp\"")) {
            springErrorPages.merge(a.status(), 1, Integer::sum);
        }
        if (a.status() == Answer.NO_ANSWER) {
            List<String> examples = unanswered.computeIfAbsent(c.generator, g -> new ArrayList<>());
            if (examples.size() < 3) {
                examples.add(c.describe().replace("\n", " |"));
            }
        }
        if (a.millis() > slowestMillis || slowest.size() < 3) {
            slowestMillis = Math.max(slowestMillis, a.millis());
            slowest.add(a.millis() + " ms: " + c.generator + " " + c.method + " "
                    + FuzzCase.escape(c.target.getBytes(StandardCharsets.ISO_8859_1), 80) + " -> " + a.status());
            if (slowest.size() > 3) {
                slowest.remove(0);
            }
        }
    }

    private static boolean mayWrite(FuzzCase c) {
        String p = c.path();
        return !c.isRaw() && !c.query().contains("queue") && (p.startsWith("/db/execute") || p.startsWith("/db/load")
                || p.startsWith("/db/request") || p.startsWith("/boot") || p.startsWith("/db/query"));
    }

    /** The target's Raft applied index, or null if it cannot be read now. */
    Long appliedIndex() {
        Answer a = client.send(new FuzzCase("probe").target("/status?key=store.raft.applied_index"));
        if (a.status() != 200) {
            return null;
        }
        try {
            return Long.parseLong(a.text().trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Null if {@code /status} answers 200 with JSON, else what is wrong. */
    String statusProblem() {
        Answer a = client.send(new FuzzCase("probe").target("/status"));
        if (a.status() != 200) {
            return "/status answered " + a.status() + " " + (a.failure() != null ? a.failure() : a.firstLine(200));
        }
        try {
            JSON.readTree(a.body());
            return null;
        } catch (RuntimeException e) {
            return "/status body is not JSON: " + e.getMessage();
        }
    }

    /** ERROR lines (and the first lines of their stack traces) the node logged since the last look. */
    private List<String> newLoggedErrors() {
        long size = logSize();
        if (size <= logOffset) {
            return List.of();
        }
        String added;
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
            f.seek(logOffset);
            byte[] b = new byte[(int) Math.min(size - logOffset, 4 * 1024 * 1024)];
            f.readFully(b);
            added = new String(b, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return List.of();
        }
        logOffset = size;
        List<String> out = new ArrayList<>();
        String[] lines = added.split("\n");
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].contains(" ERROR ")) {
                StringBuilder sb = new StringBuilder("the node logged an error: ").append(lines[i].strip());
                for (int j = i + 1; j < lines.length && j <= i + 4; j++) {
                    if (!lines[j].isBlank()) {
                        sb.append("\n      ").append(lines[j].strip());
                    }
                }
                out.add(sb.toString());
            }
        }
        return out;
    }

    private long logSize() {
        try {
            return Files.exists(log) ? Files.size(log) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    private static String describe(Answer a) {
        if (a.failure() != null) {
            return a.failure() + " after " + a.millis() + " ms";
        }
        return a.status() + " " + a.contentType() + " " + a.body().length + " bytes " + FuzzCase.escape(a.body(), 300)
                + " after " + a.millis() + " ms";
    }

    int sent() {
        return sent;
    }

    List<Violation> violations() {
        return violations;
    }

    boolean nodeDied() {
        return dead;
    }

    /** The summary: distribution of statuses, overall and per generator, the tolerated 5xx and 503s, violations. */
    String report(long seed, long millis) {
        StringBuilder sb = new StringBuilder();
        sb.append("== fuzz ").append(name).append(": seed ").append(seed).append(", ").append(sent).append(" requests in ")
                .append(millis / 1000.0).append(" s\n");
        sb.append("statuses (-2 = no answer in time, -1 = closed without an answer, 0 = no status line): ").append(statuses).append('\n');
        byGenerator.forEach((g, m) -> sb.append("  ").append(g).append(": ").append(m).append('\n'));
        if (!documented.isEmpty()) {
            sb.append("5xx (and other) answers the spec, HTTP or the container prescribe (not violations):\n");
            documented.forEach((k, v) -> sb.append("  ").append(v).append(" x ").append(k).append('\n'));
        }
        if (!reasons503.isEmpty()) {
            sb.append("503 answers:\n");
            reasons503.forEach((k, v) -> sb.append("  ").append(v).append(" x ").append(k).append('\n'));
        }
        if (!springErrorPages.isEmpty()) {
            sb.append("Spring's default JSON error body, by status: ").append(springErrorPages).append('\n');
        }
        sb.append("slowest: ").append(slowest).append('\n');
        unanswered.forEach((g, examples) -> {
            sb.append("closed without an answer (").append(g).append("), e.g.:\n");
            examples.forEach(e -> sb.append("  ").append(e).append('\n'));
        });
        Map<String, List<Violation>> grouped = new LinkedHashMap<>();
        for (Violation v : violations) {
            String key = v.problems().get(0).replaceAll("[0-9]+", "#");
            grouped.computeIfAbsent(key.length() > 90 ? key.substring(0, 90) : key, k -> new ArrayList<>()).add(v);
        }
        sb.append("violations: ").append(violations.size()).append(" in ").append(grouped.size()).append(" kinds\n");
        grouped.forEach((k, list) -> {
            sb.append("-- ").append(list.size()).append(" x ").append(k).append('\n');
            list.stream().limit(3).forEach(v -> sb.append(v).append('\n'));
        });
        return sb.toString();
    }
}
