package io.raftlite.http;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/** rqlite's plain error answers: the message and a newline, as {@code text/plain; charset=utf-8}, no sniffing. */
final class PlainText {
    private PlainText() {
    }

    static void write(HttpServletResponse response, int status, String message) throws IOException {
        byte[] body = (message + "\n").getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.setContentType("text/plain; charset=utf-8");
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    static ResponseEntity<byte[]> entity(int status, String message) {
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(new MediaType("text", "plain", StandardCharsets.UTF_8));
        headers.set("X-Content-Type-Options", "nosniff");
        return ResponseEntity.status(status).headers(headers).body((message + "\n").getBytes(StandardCharsets.UTF_8));
    }
}
