package io.raftlite.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftlite.fuzz.RawHttpClient.Answer;
import io.raftlite.it.Api;
import java.nio.charset.StandardCharsets;

/**
 * The bugs the fuzzer found, as fixed cases with the answer each must now get; replayed every run,
 * through the same {@link FuzzRun} (so the {@link Oracle}, the log watch and the applied-index check
 * apply too). Each names the bug it guards against.
 */
final class Regressions {
    private static final int DEPTH_LIMIT = 10_000; // Go's encoding/json limit, which the parser keeps

    private Regressions() {
    }

    static void run(FuzzRun run, Api api) {
        deepNesting(run);
        bodySizeLimit(run);
        multipartLabels(run, api);
        springEndpoints(run);
        truncatedBody(run, api);
    }

    /**
     * Bug: the statement parser recursed once per nesting level, so a body nested a few thousand
     * levels deep (within the parser's 10,000 limit) overflowed the request thread's stack: 500 and
     * a StackOverflowError in the log. Now every depth up to the limit gets rqlite's 400.
     */
    private static void deepNesting(FuzzRun run) {
        expect(run, "nesting: 10,000 arrays", post("/db/execute", nested("[", "]", DEPTH_LIMIT)), 400, "invalid request\n");
        expect(run, "nesting: 10,001 arrays", post("/db/query", nested("[", "]", DEPTH_LIMIT + 1)), 400, "invalid JSON body\n");
        expect(run, "nesting: deep positional parameter", post("/db/request",
                "[[\"SELECT ?\", " + nested("[", "]", DEPTH_LIMIT - 3) + "]]"), 400, "unsupported type []interface {}\n");
        expect(run, "nesting: deep named parameter", post("/db/sql",
                "[[\"SELECT :a\", {\"a\": " + nested("{\"a\":", "}", DEPTH_LIMIT - 4) + "}]]"), 400,
                "unsupported type map[string]interface {}\n");
        expect(run, "nesting: arrays of objects", post("/db/query?level=strong",
                "[" + nested("[{\"a\":", "}]", DEPTH_LIMIT / 2 - 1) + "]"), 400, "invalid request\n");
        // queued: rqlite accepts a malformed body with nothing queued
        expect(run, "nesting: queued", post("/db/execute?queue", nested("[", "]", DEPTH_LIMIT)), 200, "{\"results\":[]");
    }

    /**
     * Bug: bodies were accepted up to 512 MiB whatever the heap, and read with a copy; with the test
     * nodes' 256 MiB heap a 48 MiB JSON body ended in an OutOfMemoryError (500; a node started with
     * -XX:+ExitOnOutOfMemoryError, as the image is, would have died). Now the limit is an eighth of
     * the heap (about 31 MiB here, see NodeProcess's -Xmx256m) and larger bodies get 413.
     */
    private static void bodySizeLimit(FuzzRun run) {
        String big = "[[\"SELECT length(?)\", \"" + "a".repeat(48 * 1024 * 1024) + "\"]]";
        expect(run, "size: 48 MiB with Content-Length", post("/db/execute", big), 413, "request body too large\n");
        FuzzCase chunked = post("/db/query", big).framing(FuzzCase.Framing.CHUNKED);
        chunked.chunkSize = 1 << 20;
        expect(run, "size: 48 MiB chunked", chunked, 413, "request body too large\n");
        expect(run, "size: 10 GB declared, not sent", post("/db/request", "[\"SELECT 1\"]").declared("10000000000"), 413,
                "request body too large\n");
        int under = 20_000_000;
        expect(run, "size: 20 MB is still served", post("/db/query", "[[\"SELECT length(?)\", \"" + "b".repeat(under) + "\"]]"),
                200, "{\"results\":[{\"columns\":[\"length(?)\"],\"types\":[\"integer\"],\"values\":[[" + under + "]]}]}");
    }

    /**
     * Bug: Spring parsed any body labelled multipart/form-data before the handler ran: without a
     * boundary every endpoint answered 500 (and logged errors, even for a 405); with one, the body was
     * consumed, so a valid write got "invalid JSON body" and a load "no statements". rqlite reads the
     * raw body whatever the label.
     */
    private static void multipartLabels(FuzzRun run, Api api) {
        FuzzCase backup = new FuzzCase("regression").target("/db/backup?fmt=sql").header("Content-Type", "multipart/form-data");
        expect(run, "multipart: backup without boundary", backup, 200, "PRAGMA foreign_keys=OFF;");
        FuzzCase execute = post("/db/execute", "[\"INSERT INTO scratch(t) VALUES('multipart-execute')\"]");
        execute.headers.clear();
        execute.header("Content-Type", "multipart/form-data; boundary=xyz");
        expect(run, "multipart: execute with boundary", execute, 200, "{\"results\":[{\"last_insert_id\":");
        FuzzCase load = new FuzzCase("regression").method("POST").target("/db/load")
                .header("Content-Type", "multipart/form-data; boundary=xyz").body("INSERT INTO scratch(t) VALUES('multipart-load')");
        expect(run, "multipart: load with boundary", load, 200, "{\"results\":[{\"last_insert_id\":");
        FuzzCase trace = new FuzzCase("regression").method("TRACE").target("/readyz").header("Content-Type", "multipart/form-data");
        expect(run, "multipart: TRACE", trace, 405, null);
        assertThat(api.query("SELECT t FROM scratch WHERE t LIKE 'multipart-%' ORDER BY t"))
                .contains("multipart-execute").contains("multipart-load");
    }

    /**
     * Bugs in how Spring's own endpoints (actuator), which bypass rqlite's checks, met malformed input:
     * a query string Tomcat cannot parse (an empty name, {@code ?=x}) threw out of the servlet (400, but
     * an ERROR with a stack trace in the log for each such request); a path with dot segments made the
     * health endpoint look up a contributor named "." (500); a wildcard Content-Type on a request with a
     * body made Spring fail reading it (500). The filter now refuses all three first.
     */
    private static void springEndpoints(FuzzRun run) {
        expect(run, "spring endpoint: ?=0.1", new FuzzCase("regression").target("/actuator/health?a=1&=0.1"), 400,
                "invalid query string\n");
        expect(run, "spring endpoint: dot segments", new FuzzCase("regression").target("/actuator/health/./."), 404, null);
        expect(run, "spring endpoint: dot-dot segment", new FuzzCase("regression").target("/actuator/health/%2e%2e/x"), 404,
                null);
        FuzzCase wildcard = new FuzzCase("regression").target("/actuator/prometheus").header("Content-Type", "*/*")
                .framing(FuzzCase.Framing.CHUNKED);
        expect(run, "spring endpoint: wildcard Content-Type", wildcard, 400, "invalid Content-Type\n");
        expect(run, "spring endpoint: well-formed health", new FuzzCase("regression").target("/actuator/health?a=1"), 200,
                null);
        expect(run, "spring endpoint: well-formed prometheus", new FuzzCase("regression").target("/actuator/prometheus")
                .header("Content-Type", "text/plain"), 200, null);
    }

    /**
     * A body cut short of its Content-Length (the client then closes its side) must be refused, never
     * run as far as it got. Guards the rewritten body reader.
     */
    private static void truncatedBody(FuzzRun run, Api api) {
        FuzzCase cut = post("/db/execute", "[\"INSERT INTO scratch(t) VALUES('truncated-body')\"]");
        cut.declared(Integer.toString(cut.body.length + 20));
        Answer a = run.exchange("regression: truncated body", cut, x -> x.status() == 400, "400");
        assertThat(a).isNotNull();
        assertThat(api.query("SELECT count(*) FROM scratch WHERE t = 'truncated-body'")).contains("[[0]]");
    }

    private static FuzzCase post(String target, String json) {
        return new FuzzCase("regression").method("POST").target(target).json(json);
    }

    private static String nested(String open, String close, int depth) {
        return open.repeat(depth) + "1" + close.repeat(depth);
    }

    private static void expect(FuzzRun run, String name, FuzzCase c, int status, String bodyPrefix) {
        run.exchange("regression: " + name, c,
                a -> a.status() == status && (bodyPrefix == null || new String(a.body(), StandardCharsets.UTF_8).startsWith(bodyPrefix)),
                status + (bodyPrefix == null ? "" : " with a body starting " + FuzzCase.escape(
                        bodyPrefix.getBytes(StandardCharsets.UTF_8), 120)));
    }
}
