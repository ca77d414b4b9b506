package io.raftlite.it;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A small HTTP client for one node's API, as an rqlite client would use it. */
public final class Api {
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final NodeProcess node;

    public Api(NodeProcess node) {
        this.node = node;
    }

    /** An HTTP answer: status, headers, raw body. */
    public record Response(int status, HttpHeaders headers, byte[] bytes) {
        public String body() {
            return new String(bytes, StandardCharsets.UTF_8);
        }

        public JsonNode json() {
            return JSON.readTree(bytes);
        }

        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }
    }

    public Response get(String pathAndQuery) {
        return send(HttpRequest.newBuilder(URI.create(node.url(pathAndQuery))).GET());
    }

    /** POST with {@code Content-Type: application/json}. */
    public Response post(String pathAndQuery, String json) {
        return post(pathAndQuery, "application/json", json.getBytes(StandardCharsets.UTF_8));
    }

    public Response post(String pathAndQuery, String contentType, byte[] body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(node.url(pathAndQuery)))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        return send(b);
    }

    public Response method(String method, String pathAndQuery, String contentType, byte[] body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(node.url(pathAndQuery)))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        return send(b);
    }

    public Response send(HttpRequest.Builder builder) {
        try {
            HttpResponse<byte[]> r = HTTP.send(builder.timeout(Duration.ofSeconds(60)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            return new Response(r.statusCode(), r.headers(), r.body());
        } catch (IOException e) {
            throw new IllegalStateException("request failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** POST /db/execute with a JSON body and returns the body, failing unless the status is 200. */
    public String execute(String json) {
        Response r = post("/db/execute", json);
        if (r.status() != 200) {
            throw new AssertionError("execute " + json + " -> " + r.status() + " " + r.body());
        }
        return r.body();
    }

    /** GET /db/query?q=... (URL-encoded) plus extra query parameters, returning the body. */
    public String query(String sql, String extraParams) {
        String q = java.net.URLEncoder.encode(sql, StandardCharsets.UTF_8);
        Response r = get("/db/query?q=" + q + (extraParams == null || extraParams.isEmpty() ? "" : "&" + extraParams));
        if (r.status() != 200) {
            throw new AssertionError("query " + sql + " -> " + r.status() + " " + r.body());
        }
        return r.body();
    }

    public String query(String sql) {
        return query(sql, null);
    }

    public static JsonNode parse(String json) {
        return JSON.readTree(json);
    }
}
