package io.raftlite.http;

import io.raftlite.metrics.RequestMetrics;
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

    void statements(String endpoint, int count) {
        meters.statements(endpoint, count);
    }
}
