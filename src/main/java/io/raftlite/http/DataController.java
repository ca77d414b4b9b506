package io.raftlite.http;

import io.raftlite.db.ExecutionOptions;
import io.raftlite.db.Statement;
import io.raftlite.db.sql.StatementClassifier;
import io.raftlite.db.sql.StatementRewriter;
import io.raftlite.store.ConsistencyLevel;
import io.raftlite.store.NotLeaderException;
import io.raftlite.store.ReadRequest;
import io.raftlite.store.Store;
import io.raftlite.store.StoreException;
import io.raftlite.store.StoreResult;
import io.raftlite.store.WriteQueue;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The data endpoints: {@code /db/execute}, {@code /db/query}, {@code /db/request} and {@code /db/sql}.
 * Thin: parse the body and the query string, make the statements deterministic, hand them to the
 * store, render what comes back. The OpenAPI description lives in {@link DataApi}.
 */
@RestController
public class DataController implements DataApi {
    private static final String DISALLOWED_PRAGMA = "disallowed pragma";
    private static final String SERVED_BY = "X-RQLITE-SERVED-BY";

    private final Store store;
    private final WriteQueue writeQueue;
    private final StatementParser parser;
    private final StatementRewriter rewriter;
    private final LeaderRouting routing;
    private final HttpMetrics metrics;
    private final String servedBy;

    public DataController(Store store, WriteQueue writeQueue, StatementParser parser, StatementRewriter rewriter,
            LeaderRouting routing, HttpMetrics metrics, HttpConfiguration.AdvertisedHttpAddress advertised) {
        this.store = store;
        this.writeQueue = writeQueue;
        this.parser = parser;
        this.rewriter = rewriter;
        this.routing = routing;
        this.metrics = metrics;
        this.servedBy = advertised.value();
    }

    @Override
    @PostMapping("/db/execute")
    public ResponseEntity<byte[]> execute(HttpServletRequest request) {
        QueryParams q = Requests.params(request);
        byte[] body;
        try {
            body = Requests.body(request);
        } catch (BadRequestException e) {
            return PlainText.entity(e.status(), e.getMessage());
        }
        if (q.has("queue")) {
            return queued(request, q, body);
        }
        long start = System.nanoTime();
        return metrics.time("execute", () -> {
            List<Statement> statements;
            try {
                statements = Requests.isPlainText(request) ? parser.parseText(bytes(body)) : parser.parseJson(bytes(body));
            } catch (BadRequestException e) {
                return PlainText.entity(400, e.getMessage());
            }
            statements = nonEmpty(statements);
            if (disallowed(statements)) {
                return Responses.json(ResultRenderer.error(DISALLOWED_PRAGMA, style(q)));
            }
            statements = prepare(statements, q, true);
            metrics.statements("execute", statements.size());
            if (statements.isEmpty()) {
                return served(ResultRenderer.render(List.of(), null, elapsed(start), null, 0, style(q)));
            }
            ExecutionOptions options = new ExecutionOptions(q.has("transaction"), q.duration("db_timeout", null), false,
                    q.has("timings"));
            List<Statement> prepared = statements;
            return run(request, q, start, style(q), () -> store.execute(prepared, options));
        });
    }

    @Override
    @GetMapping("/db/query")
    public ResponseEntity<byte[]> queryGet(HttpServletRequest request) {
        QueryParams q = Requests.params(request);
        List<Statement> statements = q.has("q") ? List.of(Statement.of(q.get("q"))) : List.of();
        return read(request, q, statements, false);
    }

    @Override
    @PostMapping("/db/query")
    public ResponseEntity<byte[]> queryPost(HttpServletRequest request) {
        QueryParams q = Requests.params(request);
        List<Statement> statements;
        try {
            byte[] body = Requests.body(request);
            statements = Requests.isPlainText(request) ? parser.parseText(bytes(body)) : parser.parseJson(bytes(body));
        } catch (BadRequestException e) {
            return PlainText.entity(e.status(), e.getMessage());
        }
        return read(request, q, statements, false);
    }

    @Override
    @PostMapping("/db/request")
    public ResponseEntity<byte[]> request(HttpServletRequest request) {
        QueryParams q = Requests.params(request);
        List<Statement> statements;
        try {
            statements = parser.parseJson(bytes(Requests.body(request)));
        } catch (BadRequestException e) {
            return PlainText.entity(e.status(), e.getMessage());
        }
        return read(request, q, statements, true);
    }

    private ResponseEntity<byte[]> read(HttpServletRequest request, QueryParams q, List<Statement> raw, boolean unified) {
        String endpoint = unified ? "request" : "query";
        long start = System.nanoTime();
        return metrics.time(endpoint, () -> {
            List<Statement> statements = nonEmpty(raw);
            if (disallowed(statements)) {
                return Responses.json(ResultRenderer.error(DISALLOWED_PRAGMA, style(q)));
            }
            ConsistencyLevel level = ConsistencyLevel.parse(q.get("level"));
            // Reads are only rewritten when they are replicated: strong reads and the unified endpoint.
            statements = prepare(statements, q, unified || level == ConsistencyLevel.STRONG);
            metrics.statements(endpoint, statements.size());
            if (statements.isEmpty()) {
                return served(ResultRenderer.render(List.of(), null, elapsed(start), null, 0, style(q)));
            }
            ExecutionOptions options = new ExecutionOptions(q.has("transaction"), q.duration("db_timeout", null),
                    q.has("qualify_columns"), q.has("timings"));
            ReadRequest read = new ReadRequest(statements, options, level, q.duration("freshness", Duration.ZERO),
                    q.has("freshness_strict"), q.duration("linearizable_timeout", ReadRequest.DEFAULT_LINEARIZABLE_TIMEOUT));
            // /db/query renders every entry as a rows object, errors included (rqlite's quirk).
            ResultRenderer.Style rendering = unified ? style(q) : style(q).forQuery();
            return run(request, q, start, rendering, () -> unified ? store.request(read) : store.query(read));
        });
    }

    private ResponseEntity<byte[]> run(HttpServletRequest request, QueryParams q, long start,
            ResultRenderer.Style rendering, java.util.function.Supplier<StoreResult> call) {
        try {
            StoreResult result = call.get();
            return served(ResultRenderer.render(result.results(), null, elapsed(start), null,
                    q.has("raft_index") ? result.raftIndex() : 0, rendering));
        } catch (NotLeaderException e) {
            return routing.notLeader(request, q, e);
        } catch (StoreException e) {
            return Responses.json(ResultRenderer.error(e.getMessage(), style(q)));
        } catch (ResultRenderer.UnencodableResultException e) {
            return PlainText.entity(400, e.getMessage());
        }
    }

    /**
     * {@code /db/execute?queue}: replies {@code {"results":[],"sequence_number":N}} at once, or once
     * the batch is written with {@code wait} (408 after {@code timeout}). As in rqlite, an empty
     * array without {@code wait} is 400 {@code no statements} and any other malformed body is
     * accepted with nothing queued. Unlike rqlite, a disallowed PRAGMA is refused up front, as on the
     * unqueued path (rqlite queues it, then retries the failing batch forever, stalling the queue).
     */
    private ResponseEntity<byte[]> queued(HttpServletRequest request, QueryParams q, byte[] body) {
        long start = System.nanoTime();
        if (!q.has("noleader") && store.leaderRaftAddress().isEmpty()) {
            return PlainText.entity(503, "leader not found");
        }
        List<Statement> statements;
        try {
            statements = parser.parseJson(bytes(body));
        } catch (BadRequestException e) {
            if (e.getMessage().equals("no statements") && !q.has("wait")) {
                return PlainText.entity(400, e.getMessage());
            }
            statements = List.of(); // rqlite accepts other malformed queued bodies with nothing queued
        }
        statements = nonEmpty(statements);
        if (disallowed(statements)) {
            return Responses.json(ResultRenderer.error(DISALLOWED_PRAGMA, style(q)));
        }
        // Queued statements are always processed: noparse is ignored here, norwrandom/norwtime are not.
        statements = process(statements, rewriteOptions(q));
        metrics.statements("execute_queued", statements.size());
        try {
            WriteQueue.Ticket ticket = writeQueue.enqueue(statements);
            if (q.has("wait")) {
                Duration timeout = q.duration("timeout", Duration.ofSeconds(30));
                try {
                    ticket.written().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    return PlainText.entity(408, "queue wait timeout");
                } catch (ExecutionException e) {
                    return Responses.json(ResultRenderer.error(String.valueOf(e.getCause().getMessage()), style(q)));
                }
            }
            return Responses.json(ResultRenderer.render(List.of(), null, elapsed(start), ticket.sequenceNumber(), 0, style(q)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return PlainText.entity(503, "shutting down");
        }
    }

    /**
     * Makes statements ready for the store: with {@code noparse} they pass untouched; otherwise they
     * are rewritten if {@code rewrite} (honouring {@code norwrandom}/{@code norwtime}) and flagged
     * if they have a RETURNING clause.
     */
    private List<Statement> prepare(List<Statement> statements, QueryParams q, boolean rewrite) {
        if (q.has("noparse")) {
            return statements;
        }
        return process(statements, rewrite ? rewriteOptions(q) : null);
    }

    /** Rewrites with {@code options} (none if null) and flags RETURNING statements. */
    private List<Statement> process(List<Statement> statements, StatementRewriter.Options options) {
        List<Statement> out = new ArrayList<>(statements.size());
        for (Statement s : statements) {
            String sql = options == null ? s.sql() : rewriter.rewrite(s.sql(), options);
            out.add(new Statement(sql, s.parameters(), StatementClassifier.hasReturning(sql)));
        }
        return out;
    }

    private static StatementRewriter.Options rewriteOptions(QueryParams q) {
        return new StatementRewriter.Options(!q.has("norwrandom"), !q.has("norwtime"));
    }

    /**
     * A successful answer served by this node, which says so in {@code X-RQLITE-SERVED-BY}, as rqlite
     * does (request-level errors and queued writes carry no such header).
     */
    private ResponseEntity<byte[]> served(String body) {
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(Responses.JSON);
        headers.set(SERVED_BY, servedBy);
        return ResponseEntity.ok().headers(headers).body(body.getBytes(StandardCharsets.UTF_8));
    }

    /** Drops empty statements, which rqlite skips; whitespace-only text is still run (it yields {}). */
    static List<Statement> nonEmpty(List<Statement> statements) {
        return statements.stream().filter(s -> !s.sql().isEmpty()).toList();
    }

    static boolean disallowed(List<Statement> statements) {
        return statements.stream().anyMatch(s -> StatementClassifier.isDisallowedPragma(s.sql()));
    }

    private static ResultRenderer.Style style(QueryParams q) {
        return ResultRenderer.Style.from(q);
    }

    private static double elapsed(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static byte[] bytes(byte[] body) {
        return body == null ? new byte[0] : body;
    }
}
