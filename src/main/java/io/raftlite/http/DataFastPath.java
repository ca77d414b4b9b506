package io.raftlite.http;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Serves the hot data endpoints ({@code /db/execute}, {@code /db/query}, {@code /db/request})
 * straight from the filter chain, right after {@link RqliteProtocolFilter} has validated, routed
 * and authorized the request: it calls the same {@link DataController} methods Spring MVC would and
 * writes their {@link ResponseEntity} itself. Spring MVC's dispatch (handler lookup, argument
 * resolution, message converters) cost more CPU per point read than the read itself; nothing it did
 * for these endpoints is needed, since the controller takes the raw request and returns finished
 * bytes with their Content-Type.
 *
 * <p>Every other path, and any method these endpoints do not take, goes on down the chain to Spring
 * MVC unchanged. Exceptions propagate as they would from MVC.
 */
public final class DataFastPath extends OncePerRequestFilter {
    private final DataController data;

    public DataFastPath(DataController data) {
        this.data = data;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        ResponseEntity<byte[]> answer = dispatch(request);
        if (answer == null) {
            chain.doFilter(request, response);
            return;
        }
        write(answer, response);
    }

    private ResponseEntity<byte[]> dispatch(HttpServletRequest request) {
        String path = request.getServletPath();
        boolean get = "GET".equals(request.getMethod());
        boolean post = "POST".equals(request.getMethod());
        return switch (path) {
            case "/db/query" -> get ? data.queryGet(request) : post ? data.queryPost(request) : null;
            case "/db/execute" -> post ? data.execute(request) : null;
            case "/db/request" -> post ? data.request(request) : null;
            default -> null;
        };
    }

    /** Writes an entity as Spring MVC's byte-array converter would: status, headers, Content-Length, body. */
    static void write(ResponseEntity<byte[]> answer, HttpServletResponse response) throws IOException {
        response.setStatus(answer.getStatusCode().value());
        HttpHeaders headers = answer.getHeaders();
        MediaType type = headers.getContentType();
        for (Map.Entry<String, List<String>> h : headers.headerSet()) {
            if (!h.getKey().equalsIgnoreCase(HttpHeaders.CONTENT_TYPE)) {
                for (String v : h.getValue()) {
                    response.addHeader(h.getKey(), v);
                }
            }
        }
        byte[] body = answer.getBody();
        if (body == null) {
            return;
        }
        response.setContentType((type == null ? MediaType.APPLICATION_OCTET_STREAM : type).toString());
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
