package io.raftlite.fuzz;

import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;

/**
 * Generates fuzz requests from a {@link Random}: well-formed API calls with fuzzed parts (bodies,
 * query strings, headers, methods, paths, framing), mutated valid bodies, structurally wrong JSON,
 * deep nesting, special numbers and strings, big bodies, broken HTTP and plain random bytes.
 *
 * <p>Every SQL text it starts from names only the {@code scratch} tables; a generated case that by
 * chance mentions the sentinel table, opens a transaction, or holds anything else that could
 * legitimately change data beyond {@code scratch} is refused by {@link #isSafe} and generated again.
 */
final class FuzzInputs {
    /** Words that, in any request, could make a legitimate write outside {@code scratch} (or a hang). */
    private static final List<String> FORBIDDEN = List.of("sentinel", "begin", "savepoint", "attach", "detach",
            "sqlite_", "pragma", "recursive", "zeroblob", "randomblob", "printf", "format", "extension", "trigger",
            "vacuum into", "replace(");
    private static final byte[] SQLITE_MAGIC = "SQLite format".getBytes(StandardCharsets.US_ASCII);

    private static final String SCRATCH_DDL =
            "CREATE TABLE IF NOT EXISTS scratch (id INTEGER PRIMARY KEY, i INTEGER, r REAL, t TEXT, b BLOB)";

    /** Statement elements (JSON) that write to scratch. */
    static final List<String> WRITES = List.of(
            "\"" + SCRATCH_DDL + "\"",
            "[\"INSERT INTO scratch(i, r, t, b) VALUES(?, ?, ?, ?)\", 1, 2.5, \"x\", \"x'0102'\"]",
            "[\"INSERT INTO scratch(i, t) VALUES(:i, :t)\", {\"i\": 5, \"t\": \"named\"}]",
            "[\"INSERT INTO scratch(b) VALUES(?)\", [1, 2, 3, 255]]",
            "[\"INSERT INTO scratch(i, r) VALUES(?, ?)\", 9223372036854775807, 1e308]",
            "\"INSERT INTO scratch(t) VALUES('a;b'); INSERT INTO scratch(t) VALUES('c')\"",
            "\"INSERT INTO scratch(i) VALUES(7) RETURNING id, i\"",
            "\"UPDATE scratch SET i = i + 1 WHERE id = 1\"",
            "[\"UPDATE scratch SET t = @t WHERE i > $i\", {\"t\": \"upd\", \"i\": 3}]",
            "\"DELETE FROM scratch WHERE id % 7 = 3\"",
            "\"DELETE FROM scratch WHERE id NOT IN (SELECT id FROM scratch ORDER BY id DESC LIMIT 100)\"",
            "\"CREATE TABLE IF NOT EXISTS scratch2 (a, b)\"",
            "\"DROP TABLE IF EXISTS scratch2\"",
            "\"CREATE INDEX IF NOT EXISTS scratch_i ON scratch(i)\"",
            "[\"INSERT INTO scratch(t) VALUES(?)\", \"\\u00e9\\u4e2d\\ud83d\\ude00\"]",
            "\"INSERT INTO scratch(t) VALUES(datetime('now')), (random())\"");

    /** Statement elements (JSON) that only read. */
    static final List<String> READS = List.of(
            "\"SELECT * FROM scratch ORDER BY id DESC LIMIT 5\"",
            "[\"SELECT * FROM scratch WHERE i > ? LIMIT 3\", 2]",
            "[\"SELECT :a, @b, $c\", {\"a\": 1, \"b\": \"two\", \"c\": null}]",
            "\"SELECT 1, 'x', x'00ff', NULL, 1.5, -0.0, 1e20\"",
            "\"SELECT count(*), max(id), typeof(max(r)) FROM scratch\"",
            "\"EXPLAIN SELECT * FROM scratch\"",
            "[\"SELECT ?, ?, ?, ?\", true, false, null, -1.5e-7]",
            "[\"SELECT ? AS blob\", \"x'cafe'\"]",
            "\"SELECT b FROM scratch WHERE b IS NOT NULL LIMIT 2\"",
            "\"SELECT * FROM scratch_missing\"",
            "\"SELECT\"");

    /** Plain SQL for text/plain bodies, {@code q} and {@code /db/load}. */
    static final List<String> PLAIN_SQL = List.of(
            SCRATCH_DDL,
            "INSERT INTO scratch(t) VALUES('plain')",
            "SELECT * FROM scratch LIMIT 2",
            "SELECT 1; SELECT 2",
            "INSERT INTO scratch(i) VALUES(1); INSERT INTO scratch(i) VALUES(2)",
            "DELETE FROM scratch WHERE i = 2",
            "SELECT count(*) FROM scratch WHERE t LIKE '%a%'",
            "CREATE TABLE IF NOT EXISTS scratch3 (x); DROP TABLE scratch3",
            "SELEC nonsense",
            "SELECT * FROM scratch WHERE id = ?");

    private static final String[] INTERESTING_TOKENS = {
        "\\ud800", "\\udfff", "\\ud800\\u0041", "\\u0000", "\u0000", "\\", "\"", "[", "]", "{", "}", ",", ":", "null",
        "true", "false", "1e999", "-1e999", "NaN", "Infinity", "-Infinity", "9223372036854775808",
        "-9223372036854775809", "1E400", "4.9e-325", "-0", "0x1F", "01", "1.", ".5", "+1", "'", ";", "--", "/*", "?",
        "?999999", ":name", "@x", "$y", "x'0g'", "x'", "\\u", "\\x41", "\\/", "\r\n", "\t", "\u2028", "\ufeff",
        "[]", "{}", "[[]]", "[{}]", "{\"\":1}", "\"\"", "\"x\":", "1e-400"
    };

    private static final byte[][] INTERESTING_BYTES = {
        {0}, {(byte) 0xff}, {(byte) 0xfe}, {(byte) 0xc0, (byte) 0x80}, {(byte) 0xed, (byte) 0xa0, (byte) 0x80},
        {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, {(byte) 0xe2, (byte) 0x80, (byte) 0xa8},
        {(byte) 0xc3}, {(byte) 0x80}, {(byte) 0xef, (byte) 0xbb, (byte) 0xbf}, {0x7f}, {0x1b}, {'\r'}, {'\n'}
    };

    static final List<String> NUMBERS = List.of("0", "-0", "1", "-1", "9223372036854775807", "9223372036854775808",
            "-9223372036854775808", "-9223372036854775809", "18446744073709551616", "1e308", "1.7976931348623157e308",
            "1e309", "-1e309", "4.9e-324", "1e-400", "0.1", "1E+2", "1e2", "123456789012345678901234567890",
            "0.00000000000000000000000000000000000000001", "2.5", "-2.5e-7", "1e21", "100000000000000000000");

    private static final List<String> METHODS = List.of("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD",
            "TRACE", "CONNECT", "FOO", "get", "post", "PROPFIND", "M-SEARCH", "QUERY");

    /** An endpoint as rqlite's table has it, with what its body holds. */
    record Endpoint(String path, List<String> methods, BodyKind body, int weight) {
    }

    enum BodyKind { STATEMENTS, LOAD, BOOT, ID_OBJECT, NONE }

    static final List<Endpoint> ENDPOINTS = List.of(
            new Endpoint("/db/execute", List.of("POST"), BodyKind.STATEMENTS, 26),
            new Endpoint("/db/query", List.of("GET", "POST"), BodyKind.STATEMENTS, 20),
            new Endpoint("/db/request", List.of("POST"), BodyKind.STATEMENTS, 12),
            new Endpoint("/db/sql", List.of("GET", "POST"), BodyKind.STATEMENTS, 4),
            new Endpoint("/db/backup", List.of("GET"), BodyKind.NONE, 4),
            new Endpoint("/db/load", List.of("POST"), BodyKind.LOAD, 6),
            new Endpoint("/boot", List.of("POST"), BodyKind.BOOT, 2),
            new Endpoint("/snapshot", List.of("POST"), BodyKind.NONE, 1),
            new Endpoint("/reap", List.of("POST"), BodyKind.NONE, 1),
            new Endpoint("/remove", List.of("DELETE"), BodyKind.ID_OBJECT, 2),
            new Endpoint("/status", List.of("GET"), BodyKind.NONE, 3),
            new Endpoint("/nodes", List.of("GET"), BodyKind.NONE, 2),
            new Endpoint("/leader", List.of("GET", "POST"), BodyKind.ID_OBJECT, 3),
            new Endpoint("/readyz", List.of("GET"), BodyKind.NONE, 3),
            new Endpoint("/licenses", List.of("GET"), BodyKind.NONE, 1),
            new Endpoint("/debug/vars", List.of("GET", "POST"), BodyKind.NONE, 2),
            new Endpoint("/console/", List.of("GET"), BodyKind.NONE, 1),
            new Endpoint("/actuator/health", List.of("GET"), BodyKind.NONE, 1),
            new Endpoint("/actuator/health/readiness", List.of("GET"), BodyKind.NONE, 1),
            new Endpoint("/actuator/prometheus", List.of("GET"), BodyKind.NONE, 1),
            new Endpoint("/v3/api-docs", List.of("GET"), BodyKind.NONE, 1));

    private static final List<String> FLAGS = List.of("transaction", "queue", "wait", "pretty", "timings",
            "associative", "blob_array", "redirect", "noleader", "nonvoters", "freshness_strict", "raft_index", "noparse",
            "norwrandom", "norwtime", "qualify_columns", "sync", "compress", "vacuum", "x");
    private static final List<String> DURATION_KEYS = List.of("timeout", "freshness", "db_timeout", "linearizable_timeout");
    private static final List<String> DURATIONS = List.of("1s", "500ms", "0", "0s", "10s", "1ns", "1us", "1m30s", ".5s",
            "+3s", "-1s", "-5s", "2562047h", "1h", "1x", "9999999999h", "", "abc", "1.2.3s", "s", "1e9s", "NaN", "5",
            "1h-1m", "1µs", "1%C2%B5s", "100000000000000000000ns", "-2562048h", "0.000000001s");
    private static final List<String> INTEGERS = List.of("0", "1", "-1", "3", "99999999999999999999", "1.5", "0x10",
            " 1", "+5", "", "100", "1000000", "-9223372036854775808", "9223372036854775808", "1e3", "٣");
    private static final List<String> LEVELS = List.of("none", "weak", "strong", "linearizable", "auto", "", "NONE",
            "Strong", "garbage", "strong%00", "weak%20", "linearizable;");
    private static final List<String> ODD_KEYS = List.of("", " ", "?", ":a", "1", "a".repeat(300), "\u00fc", "\\u0000",
            "a\\\"b", "$", "@", ":", "i", "t", "\\ud800", "__proto__", "constructor");

    private final Random r;
    private final Set<String> forbiddenIds;
    private final boolean follower;

    /**
     * @param forbiddenIds node IDs and addresses no request may carry (a {@code /remove} of a real node
     *     is a legitimate, destructive request)
     * @param follower the target is a follower of a cluster: no stepdowns (a legitimate leadership change
     *     would only slow the run down)
     */
    FuzzInputs(Random r, Set<String> forbiddenIds, boolean follower) {
        this.r = r;
        this.forbiddenIds = forbiddenIds;
        this.follower = follower;
    }

    /** The next case: generated until it passes {@link #isSafe}. */
    FuzzCase next() {
        while (true) {
            FuzzCase c = generate();
            if (c.trusted || isSafe(c)) {
                return c;
            }
        }
    }

    /** Whether nothing in the case could legitimately write outside {@code scratch}. */
    boolean isSafe(FuzzCase c) {
        String text = (c.isRaw() ? new String(c.wire("h"), StandardCharsets.ISO_8859_1)
                : c.method + " " + c.target + " " + latin1(c.body)).toLowerCase(Locale.ROOT);
        String decoded = percentDecode(text);
        for (String word : FORBIDDEN) {
            if (text.contains(word) || decoded.contains(word)) {
                return false;
            }
        }
        for (String id : forbiddenIds) {
            String lower = id.toLowerCase(Locale.ROOT);
            if (text.contains(lower) || decoded.contains(lower)) {
                return false;
            }
        }
        if (indexOf(c.isRaw() ? c.wire("h") : c.body, SQLITE_MAGIC) >= 0) {
            return false;
        }
        if (follower && percentDecode(c.path()).startsWith("/leader") && !c.method.equals("GET")) {
            return false;
        }
        return true;
    }

    private FuzzCase generate() {
        int roll = r.nextInt(100);
        if (roll < 62) {
            return apiCall();
        }
        if (roll < 71) {
            return methodAndPath();
        }
        if (roll < 80) {
            return brokenHttp();
        }
        if (roll < 84) {
            return randomWire();
        }
        if (roll < 92) {
            return deepNesting();
        }
        if (roll < 97) {
            return specialValues();
        }
        return bigBody();
    }

    // ---------------------------------------------------------------- well-formed calls, fuzzed parts

    private FuzzCase apiCall() {
        Endpoint e = pickEndpoint();
        FuzzCase c = new FuzzCase("api");
        c.method = r.nextInt(100) < 88 ? pick(e.methods()) : pick(METHODS);
        String path = r.nextInt(100) < 90 ? e.path() : pathVariant(e.path());
        c.target = path + queryString(e);
        boolean hasBody = !c.method.equals("GET") && !c.method.equals("HEAD") || r.nextInt(20) == 0;
        if (hasBody) {
            fillBody(c, e);
        }
        if (r.nextInt(100) < 30) {
            int n = 1 + r.nextInt(3);
            for (int i = 0; i < n; i++) {
                fuzzHeader(c);
            }
        }
        int f = r.nextInt(100);
        if (f < 8) {
            c.framing = FuzzCase.Framing.CHUNKED;
            c.chunkSize = 1 + r.nextInt(r.nextBoolean() ? 16 : 4096);
        } else if (f < 11) {
            c.framing = FuzzCase.Framing.NONE;
        } else if (f < 14 && c.body.length > 0) {
            long delta = r.nextBoolean() ? -1 - r.nextInt(Math.max(1, c.body.length)) : 1 + r.nextInt(64);
            c.declared(Long.toString(Math.max(0, c.body.length + delta)));
        }
        return c;
    }

    private Endpoint pickEndpoint() {
        int total = ENDPOINTS.stream().mapToInt(Endpoint::weight).sum();
        int x = r.nextInt(total);
        for (Endpoint e : ENDPOINTS) {
            x -= e.weight();
            if (x < 0) {
                return e;
            }
        }
        return ENDPOINTS.get(0);
    }

    private void fillBody(FuzzCase c, Endpoint e) {
        switch (e.body()) {
            case STATEMENTS -> statementsBody(c);
            case LOAD -> loadBody(c);
            case BOOT -> bootBody(c);
            case ID_OBJECT -> idBody(c);
            case NONE -> {
                if (r.nextInt(4) == 0) {
                    c.body(randomBytes(r.nextInt(200)));
                }
            }
        }
    }

    private void statementsBody(FuzzCase c) {
        int roll = r.nextInt(100);
        if (roll < 6) {
            c.header("Content-Type", pick(List.of("text/plain", "text/plain; charset=utf-8", "TEXT/PLAIN")));
            c.body(r.nextBoolean() ? pick(PLAIN_SQL) : latin1(mutate(pick(PLAIN_SQL).getBytes(StandardCharsets.UTF_8))));
            return;
        }
        if (r.nextInt(100) < 85) {
            c.header("Content-Type", r.nextInt(10) == 0 ? "application/json; charset=utf-8" : "application/json");
        }
        if (roll < 24) {
            c.body(validStatements());
        } else if (roll < 62) {
            c.body(mutate(validStatements().getBytes(StandardCharsets.UTF_8)));
        } else if (roll < 84) {
            c.body(structuralJson());
        } else if (roll < 92) {
            c.body(randomBytes(r.nextInt(r.nextBoolean() ? 16 : 2000)));
        } else {
            c.body(pick(List.of("", " ", "\n", "[]", "[ ]", "{}", "null", "\"\"", "[\"\"]", "[[]]", "[null]", "[1]",
                    "[\"SELECT 1\",]", "[\"SELECT 1\"", "[\"SELECT 1\"]]", "[\"SELECT 1\"] trailing", "\ufeff[\"SELECT 1\"]",
                    "[\"SELECT 1\"]\u0000", "[[\"SELECT ?\"]]", "[[\"SELECT ?\", 1, 2]]", "[[1, \"SELECT 1\"]]",
                    "[{\"sql\": \"SELECT 1\"}]", "[[\"SELECT :a\", {\"a\": [1, 2, 256]}]]")));
        }
    }

    String validStatements() {
        int n = 1 + r.nextInt(3);
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            parts.add(r.nextBoolean() ? pick(WRITES) : pick(READS));
        }
        return "[" + String.join(", ", parts) + "]";
    }

    private void loadBody(FuzzCase c) {
        if (r.nextInt(3) == 0) {
            c.header("Content-Type", pick(List.of("text/plain", "application/octet-stream", "application/json")));
        }
        int roll = r.nextInt(100);
        if (roll < 35) {
            c.body(pick(PLAIN_SQL) + (r.nextBoolean() ? ";" : ""));
        } else if (roll < 65) {
            c.body(mutate(pick(PLAIN_SQL).getBytes(StandardCharsets.UTF_8)));
        } else if (roll < 80) {
            c.body(randomBytes(r.nextInt(3000)));
        } else if (roll < 88) {
            c.body(pick(List.of("", " ", "\n\n", ";", ";;;", "--", "/*", "'")));
        } else {
            c.body(corruptSqlite());
            c.trusted = true;
        }
    }

    private void bootBody(FuzzCase c) {
        c.header("Content-Type", "application/octet-stream");
        int roll = r.nextInt(100);
        if (roll < 40) {
            c.body(randomBytes(r.nextInt(40)));
        } else if (roll < 70) {
            c.body(randomBytes(32 + r.nextInt(5000)));
        } else {
            c.body(corruptSqlite());
            c.trusted = true;
        }
    }

    /**
     * "SQLite format 3\0" followed by an impossible page size (not a power of two) and random bytes:
     * sniffed as a SQLite file, but never one SQLite could open, so it can never replace the data.
     */
    byte[] corruptSqlite() {
        int len = r.nextInt(4) == 0 ? 16 + r.nextInt(16) : 100 + r.nextInt(4000);
        byte[] b = randomBytes(len);
        byte[] magic = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(magic, 0, b, 0, Math.min(magic.length, b.length));
        if (b.length > 17) {
            b[16] = 0x03; // page size 0x03xx: not a power of two between 512 and 65536
            b[17] = (byte) (1 + r.nextInt(255));
        }
        return b;
    }

    private void idBody(FuzzCase c) {
        if (r.nextInt(100) < 70) {
            c.header("Content-Type", "application/json");
        }
        String idValue = pick(List.of("\"nope\"", "\"\"", "null", "1", "true", "[]", "{}", "\"\\ud800\"", "\"a\\u0000b\"",
                "\"" + "x".repeat(2000) + "\"", "1e999", "[\"x\"]", "\"node-\\u00e9\""));
        String body = pick(List.of("{\"id\": " + idValue + "}", "{\"id\": " + idValue + ", \"extra\": 1}",
                "{\"ID\": " + idValue + "}", "[" + idValue + "]", idValue, "{\"id\": " + idValue, "{}", "",
                "{\"id\": \"a\", \"id\": \"b\"}"));
        c.body(r.nextInt(4) == 0 ? mutate(body.getBytes(StandardCharsets.UTF_8)) : body.getBytes(StandardCharsets.UTF_8));
    }

    // ---------------------------------------------------------------- query strings

    private String queryString(Endpoint e) {
        int roll = r.nextInt(100);
        if (roll < 25) {
            return e.path().equals("/db/query") || e.path().equals("/db/sql") ? "?q=" + enc(readSql()) : "";
        }
        List<String> pairs = new ArrayList<>();
        if ((e.path().equals("/db/query") || e.path().equals("/db/sql")) && r.nextInt(100) < 70) {
            pairs.add("q=" + (r.nextInt(5) == 0 ? rawValue() : enc(readSql())));
        }
        int n = 1 + r.nextInt(4);
        for (int i = 0; i < n; i++) {
            pairs.add(param());
        }
        if (r.nextInt(10) == 0 && !pairs.isEmpty()) {
            pairs.add(pairs.get(r.nextInt(pairs.size())).split("=", 2)[0] + "=" + rawValue()); // repeated key
        }
        String qs = String.join("&", pairs);
        int garble = r.nextInt(100);
        if (garble < 4) {
            qs += pick(List.of("&&", "&=", "&=x", "&;", ";a=b", "&%", "&%zz=1", "&a=%2", "&%00=%00", "&+=+", "&a==b"));
        } else if (garble < 6) {
            qs += "&pad=" + "a".repeat(1000 + r.nextInt(20000));
        }
        return "?" + qs;
    }

    private String readSql() {
        String sql = r.nextBoolean() ? pick(PLAIN_SQL) : "SELECT * FROM scratch LIMIT 1";
        return r.nextInt(4) == 0 ? latin1(mutate(sql.getBytes(StandardCharsets.UTF_8))) : sql;
    }

    private String param() {
        int roll = r.nextInt(100);
        if (roll < 35) {
            String flag = pick(FLAGS);
            return r.nextBoolean() ? flag : flag + "=" + pick(List.of("", "true", "false", "1", "0", "garbage"));
        }
        if (roll < 55) {
            return pick(DURATION_KEYS) + "=" + pick(DURATIONS);
        }
        if (roll < 65) {
            return "level=" + pick(LEVELS);
        }
        if (roll < 72) {
            return pick(List.of("retries", "trailing_logs")) + "=" + enc(pick(INTEGERS));
        }
        if (roll < 80) {
            return pick(List.of("fmt=sql", "fmt=binary", "fmt=delete", "fmt=csv", "fmt=", "tables=scratch", "tables=",
                    "tables=a,b", "tables=,,,", "tables=scratch,nope", "ver=2", "ver=1", "ver=", "ver=02", "key=store",
                    "key=store.raft.state", "key=", "key=....", "key=a.b.c.d.e", "key=build.version.x",
                    "key=" + "x".repeat(500), "key=store.sqlite3.pragmas", "key=%00"));
        }
        if (roll < 90) {
            return enc(randomToken()) + "=" + rawValue();
        }
        return pick(List.of("q", "q=", "level", "timeout", "freshness", "db_timeout"));
    }

    private String rawValue() {
        return switch (r.nextInt(6)) {
            case 0 -> enc(randomToken());
            case 1 -> "%" + pick(List.of("", "z", "zz", "2", "G0", "0", "00", "ff", "c3", "ed%a0%80", "e2%82"));
            case 2 -> enc(new String(randomBytes(1 + r.nextInt(20)), StandardCharsets.ISO_8859_1));
            case 3 -> pick(List.of("+", "++", "=", "a=b=c", "%2B", "%26", "%3D", "%23"));
            case 4 -> enc(pick(NUMBERS));
            default -> "";
        };
    }

    private String randomToken() {
        int n = r.nextInt(12);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append((char) (r.nextInt(4) == 0 ? r.nextInt(0x250) : 'a' + r.nextInt(26)));
        }
        return sb.toString();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    // ---------------------------------------------------------------- headers, methods, paths

    private void fuzzHeader(FuzzCase c) {
        switch (r.nextInt(14)) {
            case 0 -> c.header("Content-Type", pick(List.of("application/json; charset=latin1", "application/json;charset=",
                    "TEXT/PLAIN; charset=utf-16", "text/plainx", "multipart/form-data; boundary=xyz", "multipart/form-data",
                    "application/x-www-form-urlencoded", "application/octet-stream", "", ";", "/", "*/*", "garbage",
                    "application/json; boundary=\"", "text/plain; charset=\u00ff", "application/json, text/plain",
                    "x".repeat(3000))));
            case 1 -> c.header("Accept", pick(List.of("*/*", "application/xml", "text/html", "garbage", "",
                    "application/json;q=garbage", "*/*;q=0", "application/json;q=0", ";;;", "image/png", "text/plain")));
            case 2 -> c.header("Accept-Encoding", pick(List.of("gzip", "br", "garbage", "*;q=0", "identity;q=0", "")));
            case 3 -> c.header("Authorization", pick(List.of("Basic", "Basic ", "Basic !!!!", "Basic " + b64("nocolon"),
                    "Basic " + b64("a:b"), "Basic " + b64(":"), "Bearer x", "Basic " + b64(latin1(randomBytes(12))),
                    "Digest x", "Basic " + "A".repeat(5000), "basic " + b64("u:p"))));
            case 4 -> c.header(pick(List.of("X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto",
                    "X-Forwarded-Port", "X-Forwarded-Prefix", "Forwarded")), pick(List.of("garbage", "", "[::1",
                    "http", "-1", "99999999999", "for=\"", "/../..", "a,b,,c", "evil.example:99999")));
            case 5 -> c.header("Origin", pick(List.of("http://evil.example", "null", "", "garbage")));
            case 6 -> c.header("Expect", pick(List.of("100-continue", "garbage", "")));
            case 7 -> c.header("Range", pick(List.of("bytes=0-10", "bytes=garbage", "bytes=100-1", "bytes=-5",
                    "bytes=0-0,1-1,2-2", "items=0-1", "bytes=99999999999999999999-")));
            case 8 -> c.header(pick(List.of("If-None-Match", "If-Modified-Since", "If-Match", "If-Range")),
                    pick(List.of("*", "garbage", "\"x\"", "Thu, 01 Jan 1970 00:00:00 GMT", "")));
            case 9 -> c.header("Content-Encoding", pick(List.of("gzip", "deflate", "garbage")));
            case 10 -> c.header("X-Raftlite-Forwarded", pick(List.of("1", "", "true")));
            case 11 -> c.header("Cookie", pick(List.of("JSESSIONID=x", "a", "=;=;", "a=\"b", "x=" + "y".repeat(2000))));
            case 12 -> c.header("Connection", pick(List.of("keep-alive", "Upgrade", "garbage", "close, TE")));
            default -> c.header(randomHeaderName(), pick(List.of("", "x", "\u00ff\u00fe", "v".repeat(6000))));
        }
    }

    private String randomHeaderName() {
        String[] names = {"X-Fuzz", "X-RQLITE-VERSION", "X-Request-Id", "TE", "Upgrade", "HTTP2-Settings", "Max-Forwards",
            "Via", "Warning", "Pragma", "Referer", "User-Agent", "Content-Language", "Content-MD5", "Trailer"};
        return pick(List.of(names));
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    private FuzzCase methodAndPath() {
        FuzzCase c = new FuzzCase("method-path");
        c.method = r.nextInt(5) == 0 ? pick(List.of("GET", "POST")) : pick(METHODS);
        String base = r.nextBoolean() ? pickEndpoint().path() : pick(List.of("/", "/console", "/error", "/favicon.ico",
                "/db", "/db/", "/db/executeX", "/db/queryfoo/bar", "/statusz", "/nodes/", "/leader/", "/remove/x", "/boot/",
                "/debug", "/debug/vars/", "/actuator", "/actuator/env", "/actuator/shutdown", "/actuator/heapdump",
                "/swagger-ui.html", "/swagger-ui/index.html", "/v3/api-docs.yaml", "/console/index.html", "/WEB-INF/web.xml",
                "/META-INF/MANIFEST.MF", "/db/backup.sqlite"));
        c.target = (r.nextBoolean() ? pathVariant(base) : base) + (r.nextInt(3) == 0 ? "?" + param() : "");
        if (!c.method.equals("GET") && !c.method.equals("HEAD") && r.nextBoolean()) {
            c.json(validStatements());
        }
        return c;
    }

    private String pathVariant(String path) {
        return switch (r.nextInt(16)) {
            case 0 -> path + "/";
            case 1 -> "/" + path;
            case 2 -> path + "%00";
            case 3 -> path + ";jsessionid=1";
            case 4 -> path + ";x=y/z";
            case 5 -> path.toUpperCase(Locale.ROOT);
            case 6 -> path + "/../status";
            case 7 -> "/actuator/.." + path;
            case 8 -> path.replace("/", "%2F");
            case 9 -> path + "%2e%2e/%2e%2e/etc/passwd";
            case 10 -> path + "/" + "a".repeat(100 + r.nextInt(12000));
            case 11 -> path + "\\..\\status";
            case 12 -> path + "%c0%ae%c0%ae/";
            case 13 -> path + "X";
            case 14 -> path + "/./.";
            default -> path + "%" + Integer.toHexString(r.nextInt(256));
        };
    }

    // ---------------------------------------------------------------- broken HTTP

    private FuzzCase brokenHttp() {
        FuzzCase c = new FuzzCase("broken-http");
        c.malformedHttp = true;
        Endpoint e = pickEndpoint();
        c.method = pick(e.methods());
        c.target = e.path();
        if (!c.method.equals("GET")) {
            c.json(validStatements());
        }
        switch (r.nextInt(26)) {
            case 0 -> c.version = pick(List.of("HTTP/1.0", "HTTP/2.0", "HTTP/0.9", "HTTP/1.2", "HTTP/x", "http/1.1",
                    "HTTP/1.1x", "HTTP/3", "HTTP/1.10", ""));
            case 1 -> c.method = pick(List.of("", " ", "G ET", "GET\t", "A".repeat(2000), "PO\u0000ST", "P\u00d6ST"));
            case 2 -> c.target = pick(List.of("", "*", "http://" + "x" + "/db/query?q=select+1", "db/execute",
                    "/db/execute HTTP/1.1", "/db/ex ecute", "/\u00ff", "/db/execute#frag", "/db/execute\t", "//",
                    "http://[::1/status", "/%", "/%zz", "/?%"));
            case 3 -> c.declared(pick(List.of("-1", "abc", "1e3", " 5", "99999999999999999999", "0x10", "5, 6", "")));
            case 4 -> {
                c.header("Content-Length", "3");
                c.header("Content-Length", "4");
            }
            case 5 -> {
                c.framing = FuzzCase.Framing.CHUNKED;
                c.header("Content-Length", Integer.toString(c.body.length));
            }
            case 6 -> c.header("Transfer-Encoding", pick(List.of("gzip", "chunked, gzip", "identity", "xchunked", "chunked",
                    "deflate", "", "compress")));
            case 7 -> {
                // a chunked body with a bad chunk: size garbage, overflowing, or cut short
                c.framing = FuzzCase.Framing.NONE;
                c.header("Transfer-Encoding", "chunked");
                c.body(pick(List.of("zz\r\nabc\r\n0\r\n\r\n", "ffffffffffffffffff\r\nabc\r\n", "5\r\nab", "3;ext=\"\r\nabc\r\n0\r\n\r\n",
                        "3\r\nabcXX0\r\n\r\n", "-1\r\n\r\n", "\r\n", "0\r\nTrailer: x\r\n\r\n", "3 \r\nabc\r\n0\r\n\r\n")));
            }
            case 8 -> c.header("Bad Name", "x");
            case 9 -> c.header("", "empty name");
            case 10 -> c.header("X-Ctl", "a\u0001b\u007fc");
            case 11 -> c.header("X-Nul", "a\u0000b");
            case 12 -> c.header("X-Fold", "a\r\n b");
            case 13 -> c.header("NoColon\r\nX", "y");
            case 14 -> c.header("X-Long", "y".repeat(20_000 + r.nextInt(100_000)));
            case 15 -> {
                for (int i = 0; i < 150 + r.nextInt(200); i++) {
                    c.header("X-Many-" + i, "v");
                }
            }
            case 16 -> c.omitHost = true;
            case 17 -> {
                c.header("Host", "a");
                c.header("Host", "b");
            }
            case 18 -> c.header("Host", pick(List.of("", "[::1", "a b", "a:b:c", "x:99999", "\u00ff", "localhost:-1")));
            case 19 -> c = FuzzCase.raw("broken-http", latin1Bytes(c.method + " " + c.target + " HTTP/1.1\nHost: x\n\n"));
            case 20 -> c = FuzzCase.raw("broken-http", latin1Bytes(c.method + " " + c.target + " HTTP/1.1\r\nHost: x\r\n"));
            case 21 -> c = FuzzCase.raw("broken-http", latin1Bytes("GET /status\r\n\r\n"));
            case 22 -> c = FuzzCase.raw("broken-http", latin1Bytes("\r\n\r\nGET /status HTTP/1.1\r\nHost: x\r\n\r\n"));
            case 23 -> c.header("Upgrade", pick(List.of("h2c", "websocket", "garbage")));
            case 24 -> c.header("Content-Type", "application/json\u0000");
            default -> c.header("Expect", "100-continue, garbage");
        }
        return c;
    }

    private FuzzCase randomWire() {
        byte[] b;
        if (r.nextBoolean()) {
            b = randomBytes(r.nextInt(4000));
        } else {
            Endpoint e = pickEndpoint();
            byte[] head = latin1Bytes(pick(e.methods()) + " " + e.path() + " HTTP/1.1\r\n");
            byte[] tail = randomBytes(r.nextInt(2000));
            b = new byte[head.length + tail.length];
            System.arraycopy(head, 0, b, 0, head.length);
            System.arraycopy(tail, 0, b, head.length, tail.length);
        }
        return FuzzCase.raw("random-bytes", b);
    }

    // ---------------------------------------------------------------- JSON shapes

    private FuzzCase deepNesting() {
        FuzzCase c = new FuzzCase("deep-nesting");
        c.method = "POST";
        c.target = pick(List.of("/db/execute", "/db/query", "/db/request", "/db/sql", "/db/execute?queue", "/db/query?level=strong",
                "/remove", "/leader"));
        if (c.target.equals("/remove")) {
            c.method = "DELETE";
        }
        int depth = pick(List.of(64, 1000, 5000, 9999, 10000, 10001, 20000, 100000));
        String open;
        String close;
        String leaf = "1";
        switch (r.nextInt(4)) {
            case 0 -> {
                open = "[";
                close = "]";
            }
            case 1 -> {
                open = "{\"a\":";
                close = "}";
            }
            case 2 -> {
                open = "[{\"a\":";
                close = "}]";
                depth /= 2;
            }
            default -> {
                open = "[\"x\",";
                close = "]";
            }
        }
        String nest = open.repeat(depth) + leaf + (r.nextInt(8) == 0 ? "" : close.repeat(depth));
        String body = switch (r.nextInt(5)) {
            case 0 -> nest;
            case 1 -> "[" + nest + "]";
            case 2 -> "[[\"SELECT ?\", " + nest + "]]";
            case 3 -> "[[\"SELECT :a\", {\"a\": " + nest + "}]]";
            default -> "{\"id\": " + nest + "}";
        };
        return c.json(body);
    }

    /** Valid statements with a special number or string as a parameter, or a statement of the wrong type. */
    private FuzzCase specialValues() {
        FuzzCase c = new FuzzCase("special-values");
        c.method = "POST";
        c.target = pick(List.of("/db/execute", "/db/query", "/db/request", "/db/execute?transaction"));
        String value = switch (r.nextInt(6)) {
            case 0 -> pick(NUMBERS);
            case 1 -> pick(List.of("NaN", "Infinity", "-Infinity", "+1", "01", ".5", "1.", "0x10", "1e", "-", "1e+", "--1"));
            case 2 -> "\"" + pick(List.of("\\ud800", "\\udfff", "\\udc00\\ud800", "\\ud83d", "\\u0000", "x'zz'", "x'0'",
                    "X'00FF'", " x'00' ", "\\u0078'00'", "\\\\x00")) + "\"";
            case 3 -> "[" + pick(List.of("-1", "256", "1.5", "\"a\"", "null", "[1]", "1e2", "255, 0", "9223372036854775808")) + "]";
            case 4 -> "{" + jsonString(pick(ODD_KEYS)) + ": " + pick(NUMBERS) + "}";
            default -> pick(List.of("true", "false", "null", "{}", "[]", "{\"a\": {}}", "{\"a\": []}"));
        };
        String body = switch (r.nextInt(4)) {
            case 0 -> "[[\"SELECT ?\", " + value + "]]";
            case 1 -> "[[\"INSERT INTO scratch(r) VALUES(?)\", " + value + "]]";
            case 2 -> "[[\"SELECT :a, :b\", " + value + ", " + value + "]]";
            default -> "[" + value + "]";
        };
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        if (r.nextInt(5) == 0) {
            bytes = insertAt(bytes, r.nextInt(bytes.length + 1), pick(List.of(INTERESTING_BYTES)));
        }
        c.header("Content-Type", "application/json");
        return c.body(bytes);
    }

    private FuzzCase bigBody() {
        FuzzCase c = new FuzzCase("big-body");
        c.method = "POST";
        c.target = pick(List.of("/db/query", "/db/execute", "/db/request", "/db/load", "/db/sql"));
        int size = 1_000_000 + r.nextInt(4_000_000);
        switch (r.nextInt(7)) {
            case 0 -> c.json("[[\"SELECT length(?)\", \"" + "a".repeat(size) + "\"]]");
            case 1 -> c.json("[[\"SELECT length(?)\", \"" + "\\u00e9".repeat(size / 6) + "\"]]");
            case 2 -> c.json("[[\"SELECT ?\", " + "9".repeat(size) + "]]");
            case 3 -> {
                StringBuilder sb = new StringBuilder("[[\"SELECT ?\"");
                for (int i = 0; i < size / 8; i++) {
                    sb.append(", 1");
                }
                c.json(sb.append("]]").toString());
            }
            case 4 -> c.json(" ".repeat(size) + "[\"SELECT 1\"]");
            case 5 -> c.json("[\"SELECT '" + "b".repeat(size) + "'\"]");
            default -> {
                // a declared size far over any limit, with only a few bytes actually sent
                c.json("[\"SELECT 1\"]");
                c.declared(pick(List.of("10000000000", "9223372036854775807", Integer.toString(Integer.MAX_VALUE),
                        "600000000")));
            }
        }
        if (r.nextInt(4) == 0 && c.framing == FuzzCase.Framing.LENGTH) {
            c.framing = FuzzCase.Framing.CHUNKED;
            c.chunkSize = 65536;
        }
        return c;
    }

    /** A random JSON document, mostly array-shaped like a statements body, with wrong types anywhere. */
    String structuralJson() {
        if (r.nextInt(4) == 0) {
            return randomJson(3);
        }
        int n = r.nextInt(4);
        List<String> elements = new ArrayList<>();
        for (int i = 0; i < n + 1; i++) {
            int k = r.nextInt(5);
            if (k == 0) {
                elements.add(randomJson(2));
            } else if (k == 1) {
                elements.add(r.nextBoolean() ? pick(WRITES) : pick(READS));
            } else {
                StringBuilder sb = new StringBuilder("[");
                sb.append(r.nextInt(6) == 0 ? randomJson(1) : jsonString(sqlLike()));
                int params = r.nextInt(4);
                for (int p = 0; p < params; p++) {
                    sb.append(", ").append(r.nextInt(3) == 0 ? namedParams() : randomJson(2));
                }
                elements.add(sb.append("]").toString());
            }
        }
        return "[" + String.join(", ", elements) + "]";
    }

    private String sqlLike() {
        return pick(List.of("SELECT ?", "SELECT :a", "SELECT ?, ?", "SELECT @a, $b", "INSERT INTO scratch(t) VALUES(?)",
                "INSERT INTO scratch(i, t) VALUES(:i, :t)", "SELECT ?999", "SELECT ?0", "SELECT :", "SELECT ?1, ?1",
                "", " ", "SELECT 1; SELECT ?", "UPDATE scratch SET b = ? WHERE id = 1"));
    }

    private String namedParams() {
        int n = r.nextInt(4);
        List<String> kv = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            kv.add(jsonString(pick(ODD_KEYS)) + ": " + randomJson(1));
        }
        return "{" + String.join(", ", kv) + "}";
    }

    private String randomJson(int depth) {
        int k = r.nextInt(depth <= 0 ? 5 : 7);
        return switch (k) {
            case 0 -> pick(NUMBERS);
            case 1 -> jsonString(r.nextBoolean() ? sqlLike() : randomToken());
            case 2 -> pick(List.of("true", "false", "null"));
            case 3 -> jsonString(pick(List.of("x'00ff'", "X'', ", "x'0'", "\\ud800", "")));
            case 4 -> pick(List.of("[]", "{}", "\"\""));
            case 5 -> {
                int n = r.nextInt(4);
                List<String> items = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    items.add(randomJson(depth - 1));
                }
                yield "[" + String.join(", ", items) + "]";
            }
            default -> {
                int n = r.nextInt(3);
                List<String> items = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    items.add(jsonString(pick(ODD_KEYS)) + ": " + randomJson(depth - 1));
                }
                yield "{" + String.join(", ", items) + "}";
            }
        };
    }

    /**
     * A JSON string literal with quotes escaped; backslash escapes in the text (e.g. {@code \ud800}) are
     * kept as written, so a stray backslash may make the document invalid, which a fuzzer welcomes.
     */
    private static String jsonString(String s) {
        return "\"" + s.replace("\"", "\\\"") + "\"";
    }

    // ---------------------------------------------------------------- byte mutations

    /** One to six random edits: bit flips, interesting bytes or tokens, deletions, duplications, truncation, splices. */
    byte[] mutate(byte[] in) {
        byte[] b = in;
        int edits = 1 + r.nextInt(6);
        for (int i = 0; i < edits; i++) {
            if (b.length == 0) {
                b = randomBytes(1 + r.nextInt(8));
                continue;
            }
            int at = r.nextInt(b.length);
            switch (r.nextInt(9)) {
                case 0 -> {
                    b = b.clone();
                    b[at] ^= (byte) (1 << r.nextInt(8));
                }
                case 1 -> b = insertAt(b, at, pick(List.of(INTERESTING_BYTES)));
                case 2 -> b = insertAt(b, at, pick(List.of(INTERESTING_TOKENS)).getBytes(StandardCharsets.UTF_8));
                case 3 -> {
                    int len = Math.min(b.length - at, 1 + r.nextInt(8));
                    byte[] out = new byte[b.length - len];
                    System.arraycopy(b, 0, out, 0, at);
                    System.arraycopy(b, at + len, out, at, b.length - at - len);
                    b = out;
                }
                case 4 -> {
                    int len = Math.min(b.length - at, 1 + r.nextInt(48));
                    byte[] chunk = new byte[len];
                    System.arraycopy(b, at, chunk, 0, len);
                    b = insertAt(b, r.nextInt(b.length + 1), chunk);
                }
                case 5 -> b = java.util.Arrays.copyOf(b, at);
                case 6 -> {
                    byte[] other = validStatements().getBytes(StandardCharsets.UTF_8);
                    int from = r.nextInt(other.length);
                    byte[] tail = java.util.Arrays.copyOfRange(other, from, other.length);
                    byte[] head = java.util.Arrays.copyOf(b, at);
                    b = insertAt(head, head.length, tail);
                }
                case 7 -> {
                    b = b.clone();
                    b[at] = (byte) r.nextInt(256);
                }
                default -> {
                    b = b.clone();
                    int other = r.nextInt(b.length);
                    byte t = b[at];
                    b[at] = b[other];
                    b[other] = t;
                }
            }
        }
        return b;
    }

    private static byte[] insertAt(byte[] b, int at, byte[] what) {
        byte[] out = new byte[b.length + what.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(what, 0, out, at, what.length);
        System.arraycopy(b, at, out, at + what.length, b.length - at);
        return out;
    }

    byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    private <T> T pick(List<T> list) {
        return list.get(r.nextInt(list.size()));
    }

    static String latin1(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    private static byte[] latin1Bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** Best-effort percent decoding (bad escapes kept as they are), bytes as ISO-8859-1. */
    static String percentDecode(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == '%' && i + 2 < s.length() && Character.digit(s.charAt(i + 1), 16) >= 0
                    && Character.digit(s.charAt(i + 2), 16) >= 0) {
                out.write(Character.digit(s.charAt(i + 1), 16) * 16 + Character.digit(s.charAt(i + 2), 16));
                i += 2;
            } else if (ch == '+') {
                out.write(' ');
            } else {
                out.write(ch & 0xff);
            }
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }
}
