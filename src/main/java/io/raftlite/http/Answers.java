package io.raftlite.http;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.springframework.http.ResponseEntity;

/** Answers that may come later: the data endpoints return futures of them (see {@link DataFastPath}). */
final class Answers {
    private Answers() {
    }

    /** An answer that is ready now. */
    static CompletableFuture<ResponseEntity<byte[]>> done(ResponseEntity<byte[]> answer) {
        return CompletableFuture.completedFuture(answer);
    }

    /** Waits for an answer; a failure is rethrown as the exception it was. */
    static ResponseEntity<byte[]> await(CompletableFuture<ResponseEntity<byte[]>> answer) {
        try {
            return answer.join();
        } catch (CompletionException e) {
            Throwable cause = unwrap(e);
            throw cause instanceof RuntimeException r ? r : new IllegalStateException(cause);
        }
    }

    /** The exception a future failed with, without the {@link CompletionException} around it. */
    static Throwable unwrap(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }
}
