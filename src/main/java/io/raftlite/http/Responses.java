package io.raftlite.http;

import java.nio.charset.StandardCharsets;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/** Response builders shared by the controllers. */
final class Responses {
    static final MediaType JSON = new MediaType("application", "json", StandardCharsets.UTF_8);
    /** Shared by every JSON answer: read-only, so no answer builds and copies a header set of its own. */
    private static final HttpHeaders JSON_HEADERS = jsonHeaders();

    private Responses() {
    }

    static ResponseEntity<byte[]> json(String body) {
        return json(200, body);
    }

    static ResponseEntity<byte[]> json(int status, String body) {
        return new ResponseEntity<>(body.getBytes(StandardCharsets.UTF_8), JSON_HEADERS, HttpStatusCode.valueOf(status));
    }

    private static HttpHeaders jsonHeaders() {
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(JSON);
        return HttpHeaders.readOnlyHttpHeaders(headers);
    }

    static ResponseEntity<byte[]> empty(int status) {
        return ResponseEntity.status(status).build();
    }
}
