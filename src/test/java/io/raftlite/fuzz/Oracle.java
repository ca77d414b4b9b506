package io.raftlite.fuzz;

import io.raftlite.fuzz.RawHttpClient.Answer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Judges one answer to one fuzz request, knowing nothing of what the request meant. The rules:
 * <ul>
 *   <li>an answer comes within the client's deadline, and comes at all, with a status line, unless
 *       the request broke HTTP's own syntax (then the server may just close, or answer the HTTP/0.9
 *       way, as Tomcat does when it cannot read the request line);</li>
 *   <li>no 5xx except 503, and 503 only for a reason rqlite gives one (no leader, not ready, the
 *       store not open, {@code /boot} failures);</li>
 *   <li>except the 5xx answers HTTP prescribes for some framings (501, 505): each is recognised
 *       here, counted, and reported, never silently passed ({@link #documented});</li>
 *   <li>a body announced as JSON parses as one JSON document.</li>
 * </ul>
 */
final class Oracle {
    private static final JsonMapper STRICT_JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /** Tomcat's limit on the request line and headers (server.max-http-request-header-size, 8 KiB). */
    static final int MAX_REQUEST_HEAD = 8192;

    /**
     * Tomcat answers some request lines over {@link #MAX_REQUEST_HEAD} HTTP/0.9 style (its 400 page
     * without a status line), depending on how the bytes arrive; it cannot know the client's version.
     * Tolerated for those lines only, and reported.
     */
    static final String OVERLONG_REQUEST_LINE = "Tomcat: a request line over its 8 KiB limit may be answered without a status line";

    static int requestLineLength(FuzzCase c) {
        return c.isRaw() ? 0 : c.method.length() + c.target.length() + c.version.length() + 2;
    }

    /** What was wrong with an answer; empty if nothing. */
    List<String> judge(FuzzCase c, Answer a) {
        List<String> problems = new ArrayList<>();
        if (a.status() == Answer.TIMEOUT) {
            problems.add("hang: " + a.failure());
            return problems;
        }
        if (a.status() == Answer.NO_ANSWER) {
            if (!c.breaksHttpSyntax()) {
                problems.add("no answer to a well-formed request: " + a.failure());
            }
            return problems;
        }
        if (a.status() == Answer.NO_STATUS_LINE) {
            if (!c.breaksHttpSyntax() && requestLineLength(c) <= MAX_REQUEST_HEAD) {
                problems.add("an answer without an HTTP status line: " + a.firstLine(200));
            }
            return problems;
        }
        if (a.status() < 100 || a.status() > 599) {
            problems.add("status " + a.status() + " outside HTTP's range");
        }
        if (a.status() == 503) {
            if (reasonFor503(c, a) == null) {
                problems.add("503 for a reason that is not about leadership or readiness: " + a.firstLine(200));
            }
        } else if (a.status() >= 500 && documented(c, a) == null) {
            problems.add("server error " + a.status() + ": " + a.firstLine(300));
        }
        if (a.contentType().contains("json") && a.body().length > 0 && !c.isHead()) {
            try {
                STRICT_JSON.readTree(a.body());
            } catch (JacksonException e) {
                problems.add("Content-Type " + a.contentType() + " but the body is not JSON: " + e.getOriginalMessage()
                        + " body " + FuzzCase.escape(a.body(), 200));
            }
        }
        return problems;
    }

    /**
     * The rule that prescribes this 5xx (other than 503), or null if none does. Only HTTP itself
     * prescribes any: where rqlite answers bad input with 500 (a corrupt load file, a bad backup
     * format, an unknown node, an unencodable REAL, a redirect without a leader), raftlite answers
     * 4xx or 503, so a 500 is always a violation.
     */
    static String documented(FuzzCase c, Answer a) {
        String path = c.path();
        String body = a.text();
        if (a.status() == 501 && c.method.equals("CONNECT")) {
            return "RFC 9110 9.3.6: CONNECT (a proxy method) is refused by Tomcat with 501 before the application sees it";
        }
        if (a.status() == 501 && c.headerValue("Transfer-Encoding") != null) {
            return "RFC 9112 6.1: a transfer coding the server does not implement is 501";
        }
        if (a.status() == 505 && !c.version.equals("HTTP/1.1") && !c.version.equals("HTTP/1.0")) {
            return "RFC 9110 15.6.6: an HTTP version the server does not support is 505";
        }
        return null;
    }

    /** Why a 503 is legitimate, or null. */
    static String reasonFor503(FuzzCase c, Answer a) {
        String body = a.text();
        String lower = body.toLowerCase(Locale.ROOT);
        if (c.path().startsWith("/boot")) {
            return "spec 7.3: /boot failures are 503";
        }
        if (body.startsWith("[+]node ok")) {
            return "readyz: not ready";
        }
        for (String reason : List.of("leader not found", "not leader", "not single-node", "store not open", "shutting down")) {
            if (lower.startsWith(reason)) {
                return reason;
            }
        }
        return null;
    }
}
