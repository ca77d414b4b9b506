package io.raftlite.cluster;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.raftlite.command.ForwardedHttpRequest;
import io.raftlite.command.ForwardedHttpResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Runs a forwarded HTTP request against this node's own HTTP API, so the leader answers it exactly
 * as if the client had come to it directly: same parsing, permissions, status codes and body. The
 * request is marked as forwarded so that it is never forwarded a second time.
 */
public final class LocalHttp {
    /** Marks a request that a follower forwarded; a node never forwards such a request again. */
    public static final String FORWARDED_HEADER = "X-Raftlite-Forwarded";

    private final String base;
    /**
     * Made on the first forwarded request: building a JDK client sets up TLS and starts a selector
     * thread (about 50 ms of a start's main thread), and a node that is never asked to answer for a
     * follower never needs it.
     */
    private volatile HttpClient client;

    /** @param host the HTTP bind address ({@code 0.0.0.0} and {@code ::} mean loopback) */
    public LocalHttp(String host, int port) {
        String h = host == null || host.isEmpty() || host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host;
        this.base = "http://" + (h.contains(":") ? "[" + h + "]" : h) + ":" + port;
    }

    ForwardedHttpResponse execute(ForwardedHttpRequest req, Duration timeout) throws IOException, InterruptedException {
        String uri = base + req.getPath() + (req.getRawQuery().isEmpty() ? "" : "?" + req.getRawQuery());
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(uri))
                .timeout(timeout)
                .header(FORWARDED_HEADER, "1")
                .method(req.getMethod(), body(req.getBody()));
        if (!req.getContentType().isEmpty()) {
            b.header("Content-Type", req.getContentType());
        }
        if (!req.getAuthorization().isEmpty()) {
            b.header("Authorization", req.getAuthorization());
        }
        HttpResponse<byte[]> r = client().send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        ForwardedHttpResponse.Builder out = ForwardedHttpResponse.newBuilder()
                .setStatus(r.statusCode())
                .setBody(UnsafeByteOperations.unsafeWrap(r.body())); // the array is ours alone
        r.headers().firstValue("Content-Type").ifPresent(out::setContentType);
        // Only what describes the body travels back: the version and served-by headers are the
        // receiving node's to set, and the rest (CORS, auth realm) it sets for itself.
        r.headers().firstValue("Content-Encoding").ifPresent(v -> out.putHeaders("Content-Encoding", v));
        return out.build();
    }

    private HttpClient client() {
        HttpClient c = client;
        if (c == null) {
            synchronized (this) {
                c = client;
                if (c == null) {
                    c = HttpClient.newBuilder()
                            .connectTimeout(Duration.ofSeconds(5))
                            .followRedirects(HttpClient.Redirect.NEVER)
                            .build();
                    client = c;
                }
            }
        }
        return c;
    }

    /** The body streamed from the message itself, with its length: no copy of a database-sized array. */
    private static HttpRequest.BodyPublisher body(ByteString bytes) {
        if (bytes.isEmpty()) {
            return HttpRequest.BodyPublishers.noBody();
        }
        return HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(bytes::newInput),
                bytes.size());
    }
}
