package io.raftlite.jepsen.cluster;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Plain HTTP to one node's API, as a client outside the cluster talks to it: never through a
 * proxy, never following redirects, always with a timeout. The harness uses it for status probes;
 * workloads may use it or their own client.
 */
public final class NodeHttp {
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final String base;

    NodeHttp(String host, int port) {
        this.base = "http://" + host + ":" + port;
    }

    /** An answer: status and body. */
    public record Answer(int status, String body) {
        public JsonNode json() {
            return JSON.readTree(body);
        }
    }

    /** The URL of {@code pathAndQuery} on this node. */
    public String url(String pathAndQuery) {
        return base + pathAndQuery;
    }

    /**
     * GET {@code pathAndQuery}.
     *
     * @throws java.net.http.HttpTimeoutException if no answer came within {@code timeout}
     * @throws IOException if the request could not be made (connection refused or reset)
     */
    public Answer get(String pathAndQuery, Duration timeout) throws IOException {
        return send(HttpRequest.newBuilder(URI.create(url(pathAndQuery))).GET().timeout(timeout).build());
    }

    /** POST {@code json} to {@code pathAndQuery}; failures as for {@link #get}. */
    public Answer postJson(String pathAndQuery, String json, Duration timeout) throws IOException {
        return send(HttpRequest.newBuilder(URI.create(url(pathAndQuery)))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)).timeout(timeout).build());
    }

    /** GET, empty on any failure (for probes that only care whether the node answered). */
    public Optional<Answer> tryGet(String pathAndQuery, Duration timeout) {
        try {
            return Optional.of(get(pathAndQuery, timeout));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static Answer send(HttpRequest request) throws IOException {
        try {
            HttpResponse<String> r = CLIENT.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Answer(r.statusCode(), r.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** Parses JSON text (for callers that hold a body). */
    public static JsonNode parse(String json) {
        return JSON.readTree(json);
    }
}
