package io.raftlite.http;

import io.raftlite.metrics.RequestMetrics;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.springframework.http.ResponseEntity;

/** Times a handler and records its outcome by status code. */
final class HttpMetrics {
    private final RequestMetrics meters;

    HttpMetrics(RequestMetrics meters) {
        this.meters = meters;
    }

    @SuppressWarnings("unchecked")
    <T> ResponseEntity<T> time(String endpoint, Supplier<ResponseEntity<T>> handler) {
        return (ResponseEntity<T>) timeAny(endpoint, handler::get);
    }

    /** As {@link #time}, for handlers whose bodies differ in type by outcome (bytes or a stream). */
    ResponseEntity<?> timeAny(String endpoint, Supplier<ResponseEntity<?>> handler) {
        long start = System.nanoTime();
        int status = 500;
        try {
            ResponseEntity<?> response = handler.get();
            status = response.getStatusCode().value();
            return response;
        } finally {
            meters.request(endpoint, status, System.nanoTime() - start);
        }
    }

    /** As {@link #time}, for handlers that answer later: recorded when the answer completes. */
    <T> CompletableFuture<ResponseEntity<T>> timeAsync(String endpoint, Supplier<CompletableFuture<ResponseEntity<T>>> handler) {
        long start = System.nanoTime();
        CompletableFuture<ResponseEntity<T>> answer;
        try {
            answer = handler.get();
        } catch (RuntimeException e) {
            meters.request(endpoint, 500, System.nanoTime() - start);
            throw e;
        }
        return answer.whenComplete((response, error) ->
                meters.request(endpoint, error == null ? response.getStatusCode().value() : 500, System.nanoTime() - start));
    }

    void statements(String endpoint, int count) {
        meters.statements(endpoint, count);
    }
}
