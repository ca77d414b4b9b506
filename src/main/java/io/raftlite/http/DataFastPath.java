package io.raftlite.http;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Serves the hot data endpoints ({@code /db/execute}, {@code /db/query}, {@code /db/request})
 * straight from the filter chain, right after {@link RqliteProtocolFilter} has validated, routed
 * and authorized the request: it calls the same {@link DataController} methods Spring MVC would and
 * writes their {@link ResponseEntity} itself. Spring MVC's dispatch (handler lookup, argument
 * resolution, message converters) cost more CPU per point read than the read itself; nothing it did
 * for these endpoints is needed, since the controller takes the raw request and returns finished
 * bytes with their Content-Type.
 *
 * <p>A request whose answer is not ready when the controller returns (a write waiting for its entry
 * to commit, a linearizable or strong read, a queued write with {@code wait}) goes asynchronous:
 * its container thread is let go at once, and the answer is written by a container thread of its
 * async context when it is ready. So a few container threads serve any number of clients waiting
 * for commits (see docs/architecture.md, "Container threads").
 *
 * <p>Every other path, and any method these endpoints do not take, goes on down the chain to Spring
 * MVC unchanged. Exceptions propagate as they would from MVC; one raised after the request went
 * asynchronous is answered with a plain-text 500.
 */
public final class DataFastPath extends OncePerRequestFilter {
    private static final Logger log = LoggerFactory.getLogger(DataFastPath.class);

    private final DataController data;

    public DataFastPath(DataController data) {
        this.data = data;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Continuation continuation = new Continuation(request, response);
        CompletableFuture<ResponseEntity<byte[]>> answer = dispatch(request, continuation);
        if (answer == null) {
            chain.doFilter(request, response);
            return;
        }
        if (answer.isDone()) {
            write(Answers.await(answer), response);
            return;
        }
        AsyncContext async = continuation.goAsync();
        answer.whenComplete((entity, error) -> finish(async, entity, error));
    }

    private CompletableFuture<ResponseEntity<byte[]>> dispatch(HttpServletRequest request, Executor continuation) {
        String path = request.getServletPath();
        boolean get = "GET".equals(request.getMethod());
        boolean post = "POST".equals(request.getMethod());
        return switch (path) {
            case "/db/query" -> get ? data.queryGet(request, continuation) : post ? data.queryPost(request, continuation) : null;
            case "/db/execute" -> post ? data.execute(request, continuation) : null;
            case "/db/request" -> post ? data.request(request, continuation) : null;
            default -> null;
        };
    }

    /** Writes the answer of a request that went asynchronous and completes it; runs on a container thread. */
    private static void finish(AsyncContext async, ResponseEntity<byte[]> entity, Throwable error) {
        HttpServletResponse response = (HttpServletResponse) async.getResponse();
        try {
            if (error == null) {
                write(entity, response);
            } else {
                Throwable cause = Answers.unwrap(error);
                log.error("request failed after going asynchronous", cause);
                write(PlainText.entity(500, String.valueOf(cause.getMessage())), response);
            }
        } catch (IOException | RuntimeException e) {
            log.debug("could not write an answer (the client may have gone): {}", e.toString());
        } finally {
            try {
                async.complete();
            } catch (IllegalStateException e) {
                log.debug("async request already completed: {}", e.toString()); // e.g. the client went away
            }
        }
    }

    /**
     * Runs a request's follow-up work on container threads, through its async context. Work handed
     * over before the request went asynchronous waits for it, so it never runs on the thread that
     * completed the store's future (a Raft thread) nor after the request was ended.
     */
    private static final class Continuation implements Executor {
        private final HttpServletRequest request;
        private final HttpServletResponse response;
        private AsyncContext async;
        private List<Runnable> early;

        Continuation(HttpServletRequest request, HttpServletResponse response) {
            this.request = request;
            this.response = response;
        }

        @Override
        public synchronized void execute(Runnable task) {
            if (async != null) {
                async.start(task);
                return;
            }
            if (early == null) {
                early = new ArrayList<>(1);
            }
            early.add(task);
        }

        /** Lets the container thread go; work handed over so far starts now. */
        synchronized AsyncContext goAsync() {
            async = request.startAsync(request, response);
            async.setTimeout(0); // every answer comes: the store's futures and forwarding have their own deadlines
            if (early != null) {
                early.forEach(async::start);
                early = null;
            }
            return async;
        }
    }

    /** Writes an entity as Spring MVC's byte-array converter would: status, headers, Content-Length, body. */
    static void write(ResponseEntity<byte[]> answer, HttpServletResponse response) throws IOException {
        response.setStatus(answer.getStatusCode().value());
        // The headers' own map: iterating HttpHeaders itself wraps every entry, per answer.
        String contentType = null;
        for (Map.Entry<String, List<String>> h : answer.getHeaders().asMultiValueMap().entrySet()) {
            if (h.getKey().equalsIgnoreCase(HttpHeaders.CONTENT_TYPE)) {
                contentType = h.getValue().isEmpty() ? null : h.getValue().get(0);
                continue;
            }
            for (String v : h.getValue()) {
                response.addHeader(h.getKey(), v);
            }
        }
        byte[] body = answer.getBody();
        if (body == null) {
            return;
        }
        response.setContentType(contentType == null ? MediaType.APPLICATION_OCTET_STREAM_VALUE : contentType);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
