package io.raftlite.http;

import io.swagger.v3.oas.annotations.Hidden;
import java.nio.charset.StandardCharsets;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /console/}: where rqlite serves its web console. raftlite's console is Swagger UI over the
 * OpenAPI description; this page points there and to the other tools an operator wants.
 */
@RestController
@Hidden
public class ConsoleController {
    private static final String PAGE = """
            <!doctype html>
            <html><head><meta charset="utf-8"><title>raftlite</title></head>
            <body style="font-family: sans-serif">
            <h1>raftlite</h1>
            <ul>
            <li><a href="/swagger-ui.html">API console (Swagger UI)</a></li>
            <li><a href="/v3/api-docs">OpenAPI description</a></li>
            <li><a href="/status?pretty">Status</a></li>
            <li><a href="/nodes?pretty">Nodes</a></li>
            <li><a href="/readyz">Readiness</a></li>
            <li><a href="/actuator/prometheus">Metrics</a></li>
            </ul>
            </body></html>
            """;

    @GetMapping({"/console/", "/console/index.html"})
    public ResponseEntity<byte[]> console() {
        return ResponseEntity.ok().contentType(new MediaType("text", "html", StandardCharsets.UTF_8))
                .body(PAGE.getBytes(StandardCharsets.UTF_8));
    }
}
