package io.raftlite.http;

import java.nio.charset.StandardCharsets;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/** Response builders shared by the controllers. */
final class Responses {
    static final MediaType JSON = new MediaType("application", "json", StandardCharsets.UTF_8);

    private Responses() {
    }

    static ResponseEntity<byte[]> json(String body) {
        return json(200, body);
    }

    static ResponseEntity<byte[]> json(int status, String body) {
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(JSON);
        return ResponseEntity.status(status).headers(headers).body(body.getBytes(StandardCharsets.UTF_8));
    }

    static ResponseEntity<byte[]> empty(int status) {
        return ResponseEntity.status(status).build();
    }
}
