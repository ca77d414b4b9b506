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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
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
    /** The headers of every answer this node served itself: JSON, and {@code X-RQLITE-SERVED-BY}. */
    private final HttpHeaders servedHeaders;

    public DataController(Store store, WriteQueue writeQueue, StatementParser parser, StatementRewriter rewriter,
            LeaderRouting routing, HttpMetrics metrics, HttpConfiguration.AdvertisedHttpAddress advertised) {
        this.store = store;
        this.writeQueue = writeQueue;
        this.parser = parser;
        this.rewriter = rewriter;
        this.routing = routing;
        this.metrics = metrics;
        HttpHeaders served = new HttpHeaders();
        served.setContentType(Responses.JSON);
        served.set(SERVED_BY, advertised.value());
        this.servedHeaders = HttpHeaders.readOnlyHttpHeaders(served);
    }

    @Override
    @PostMapping("/db/execute")
    public ResponseEntity<byte[]> execute(HttpServletRequest request) {
        return Answers.await(execute(request, Runnable::run));
    }

    /**
     * {@code /db/execute}. Nothing holds the calling thread while the write commits: the answer is
     * made on {@code continuation} once the store's future completes ({@link DataFastPath} passes
     * one that runs on a container thread of the request's async context).
     */
    CompletableFuture<ResponseEntity<byte[]>> execute(HttpServletRequest request, Executor continuation) {
        QueryParams q = Requests.params(request);
        byte[] body;
        try {
            body = Requests.body(request);
        } catch (BadRequestException e) {
            return Answers.done(PlainText.entity(e.status(), e.getMessage()));
        }
        if (q.has("queue")) {
            return queued(request, q, body, continuation);
        }
        long start = System.nanoTime();
        return metrics.timeAsync("execute", () -> {
            List<Statement> statements;
            try {
                statements = Requests.isPlainText(request) ? parser.parseText(bytes(body)) : parser.parseJson(bytes(body));
            } catch (BadRequestException e) {
                return Answers.done(PlainText.entity(400, e.getMessage()));
            }
            statements = nonEmpty(statements);
            if (disallowed(statements)) {
                return Answers.done(Responses.json(ResultRenderer.error(DISALLOWED_PRAGMA, style(q))));
            }
            statements = prepare(statements, q, true);
            metrics.statements("execute", statements.size());
            if (statements.isEmpty()) {
                return Answers.done(served(ResultRenderer.render(List.of(), null, elapsed(start), null, 0, style(q))));
            }
            ExecutionOptions options = new ExecutionOptions(q.has("transaction"), q.duration("db_timeout", null), false,
                    q.has("timings"));
            return answer(request, q, start, style(q), store.executeAsync(statements, options), continuation);
        });
    }

    @Override
    @GetMapping("/db/query")
    public ResponseEntity<byte[]> queryGet(HttpServletRequest request) {
        return Answers.await(queryGet(request, Runnable::run));
    }

    /** {@code GET /db/query}; see {@link #execute(HttpServletRequest, Executor)} for {@code continuation}. */
    CompletableFuture<ResponseEntity<byte[]>> queryGet(HttpServletRequest request, Executor continuation) {
        QueryParams q = Requests.params(request);
        List<Statement> statements = q.has("q") ? List.of(Statement.of(q.get("q"))) : List.of();
        return read(request, q, statements, false, continuation);
    }

    @Override
    @PostMapping("/db/query")
    public ResponseEntity<byte[]> queryPost(HttpServletRequest request) {
        return Answers.await(queryPost(request, Runnable::run));
    }

    /** {@code POST /db/query}; see {@link #execute(HttpServletRequest, Executor)} for {@code continuation}. */
    CompletableFuture<ResponseEntity<byte[]>> queryPost(HttpServletRequest request, Executor continuation) {
        QueryParams q = Requests.params(request);
        List<Statement> statements;
        try {
            byte[] body = Requests.body(request);
            statements = Requests.isPlainText(request) ? parser.parseText(bytes(body)) : parser.parseJson(bytes(body));
        } catch (BadRequestException e) {
            return Answers.done(PlainText.entity(e.status(), e.getMessage()));
        }
        return read(request, q, statements, false, continuation);
    }

    @Override
    @PostMapping("/db/request")
    public ResponseEntity<byte[]> request(HttpServletRequest request) {
        return Answers.await(request(request, Runnable::run));
    }

    /** {@code /db/request}; see {@link #execute(HttpServletRequest, Executor)} for {@code continuation}. */
    CompletableFuture<ResponseEntity<byte[]>> request(HttpServletRequest request, Executor continuation) {
        QueryParams q = Requests.params(request);
        List<Statement> statements;
        try {
            statements = parser.parseJson(bytes(Requests.body(request)));
        } catch (BadRequestException e) {
            return Answers.done(PlainText.entity(e.status(), e.getMessage()));
        }
        return read(request, q, statements, true, continuation);
    }

    private CompletableFuture<ResponseEntity<byte[]>> read(HttpServletRequest request, QueryParams q, List<Statement> raw,
            boolean unified, Executor continuation) {
        String endpoint = unified ? "request" : "query";
        long start = System.nanoTime();
        return metrics.timeAsync(endpoint, () -> {
            List<Statement> statements = nonEmpty(raw);
            if (disallowed(statements)) {
                return Answers.done(Responses.json(ResultRenderer.error(DISALLOWED_PRAGMA, style(q))));
            }
            ConsistencyLevel level = ConsistencyLevel.parse(q.get("level"));
            // Reads are only rewritten when they are replicated: strong reads and the unified endpoint.
            statements = prepare(statements, q, unified || level == ConsistencyLevel.STRONG);
            metrics.statements(endpoint, statements.size());
            if (statements.isEmpty()) {
                return Answers.done(served(ResultRenderer.render(List.of(), null, elapsed(start), null, 0, style(q))));
            }
            ExecutionOptions options = new ExecutionOptions(q.has("transaction"), q.duration("db_timeout", null),
                    q.has("qualify_columns"), q.has("timings"));
            ReadRequest read = new ReadRequest(statements, options, level, q.duration("freshness", Duration.ZERO),
                    q.has("freshness_strict"), q.duration("linearizable_timeout", ReadRequest.DEFAULT_LINEARIZABLE_TIMEOUT));
            // /db/query renders every entry as a rows object, errors included (rqlite's quirk).
            ResultRenderer.Style rendering = unified ? style(q) : style(q).forQuery();
            return answer(request, q, start, rendering,
                    unified ? store.requestAsync(read, continuation) : store.queryAsync(read, continuation), continuation);
        });
    }

    /**
     * The answer to a store call: made at once on this thread if the call is already done (a local
     * read), else on {@code continuation} when it completes, never on the thread that completes it
     * (the state machine's, for a write).
     */
    private CompletableFuture<ResponseEntity<byte[]>> answer(HttpServletRequest request, QueryParams q, long start,
            ResultRenderer.Style rendering, CompletableFuture<StoreResult> call, Executor continuation) {
        if (call.isDone()) {
            StoreResult result = null;
            Throwable error = null;
            try {
                result = call.join();
            } catch (CompletionException e) {
                error = e;
            }
            return answer(request, q, start, rendering, result, error, continuation);
        }
        return call.handleAsync((result, error) -> answer(request, q, start, rendering, result, error, continuation),
                continuation).thenCompose(a -> a);
    }

    private CompletableFuture<ResponseEntity<byte[]>> answer(HttpServletRequest request, QueryParams q, long start,
            ResultRenderer.Style rendering, StoreResult result, Throwable error, Executor continuation) {
        Throwable cause = Answers.unwrap(error);
        if (cause == null) {
            try {
                return Answers.done(served(ResultRenderer.render(result.results(), null, elapsed(start), null,
                        q.has("raft_index") ? result.raftIndex() : 0, rendering)));
            } catch (ResultRenderer.UnencodableResultException e) {
                return Answers.done(PlainText.entity(400, e.getMessage()));
            }
        }
        if (cause instanceof NotLeaderException e) {
            return routing.notLeader(request, q, e, continuation);
        }
        if (cause instanceof StoreException e) {
            return Answers.done(Responses.json(ResultRenderer.error(e.getMessage(), style(q))));
        }
        throw cause instanceof RuntimeException r ? r : new IllegalStateException(cause);
    }

    /**
     * {@code /db/execute?queue}: replies {@code {"results":[],"sequence_number":N}} at once, or once
     * the batch is written with {@code wait} (408 after {@code timeout}). As in rqlite, an empty
     * array without {@code wait} is 400 {@code no statements} and any other malformed body is
     * accepted with nothing queued. Unlike rqlite, a disallowed PRAGMA is refused up front, as on the
     * unqueued path (rqlite queues it, then retries the failing batch forever, stalling the queue).
     */
    private CompletableFuture<ResponseEntity<byte[]>> queued(HttpServletRequest request, QueryParams q, byte[] body,
            Executor continuation) {
        long start = System.nanoTime();
        if (!q.has("noleader") && store.leaderRaftAddress().isEmpty()) {
            return Answers.done(PlainText.entity(503, "leader not found"));
        }
        List<Statement> statements;
        try {
            statements = parser.parseJson(bytes(body));
        } catch (BadRequestException e) {
            if (e.getMessage().equals("no statements") && !q.has("wait")) {
                return Answers.done(PlainText.entity(400, e.getMessage()));
            }
            statements = List.of(); // rqlite accepts other malformed queued bodies with nothing queued
        }
        statements = nonEmpty(statements);
        if (disallowed(statements)) {
            return Answers.done(Responses.json(ResultRenderer.error(DISALLOWED_PRAGMA, style(q))));
        }
        // Queued statements are always processed: noparse is ignored here, norwrandom/norwtime are not.
        statements = process(statements, rewriteOptions(q));
        metrics.statements("execute_queued", statements.size());
        WriteQueue.Ticket ticket;
        try {
            ticket = writeQueue.enqueue(statements);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Answers.done(PlainText.entity(503, "shutting down"));
        }
        if (!q.has("wait")) {
            return Answers.done(Responses.json(
                    ResultRenderer.render(List.of(), null, elapsed(start), ticket.sequenceNumber(), 0, style(q))));
        }
        Duration timeout = q.duration("timeout", Duration.ofSeconds(30));
        // A copy: the timeout must not complete the queue's own future.
        return ticket.written().copy().orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).handleAsync((ok, error) -> {
            Throwable cause = Answers.unwrap(error);
            if (cause instanceof TimeoutException) {
                return PlainText.entity(408, "queue wait timeout");
            }
            if (cause != null) {
                return Responses.json(ResultRenderer.error(String.valueOf(cause.getMessage()), style(q)));
            }
            return Responses.json(
                    ResultRenderer.render(List.of(), null, elapsed(start), ticket.sequenceNumber(), 0, style(q)));
        }, continuation);
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
        return new ResponseEntity<>(body.getBytes(StandardCharsets.UTF_8), servedHeaders, HttpStatus.OK);
    }

    /** Drops empty statements, which rqlite skips; whitespace-only text is still run (it yields {}). */
    static List<Statement> nonEmpty(List<Statement> statements) {
        for (Statement s : statements) {
            if (s.sql().isEmpty()) {
                return statements.stream().filter(t -> !t.sql().isEmpty()).toList();
            }
        }
        return statements;
    }

    static boolean disallowed(List<Statement> statements) {
        for (Statement s : statements) {
            if (StatementClassifier.isDisallowedPragma(s.sql())) {
                return true;
            }
        }
        return false;
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
