package io.raftlite.http;

import io.raftlite.auth.CredentialStore;
import io.raftlite.auth.Permission;
import io.raftlite.config.RaftliteProperties;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Everything rqlite does to a request before a handler sees it, in rqlite's order: version and CORS
 * headers on every response, {@code OPTIONS} answered 200, the query string validated (400), the
 * path routed with rqlite's prefix rules (404, empty body), permissions checked (401, empty body),
 * the method checked (405, empty body). Spring's own endpoints (actuator, OpenAPI, Swagger UI) pass
 * through with the headers, unless malformed in a way they would answer with a 500 (dot or empty path
 * segments: 404; a Content-Type that is not a concrete media type, a query string the container cannot
 * parse: 400).
 */
public final class RqliteProtocolFilter extends OncePerRequestFilter {
    static final String QUERY_PARAMS = "raftlite.queryParams";
    static final String USERNAME = "raftlite.username";
    static final String PASSWORD = "raftlite.password";

    private final CredentialStore credentials;
    private final RaftliteProperties props;
    private final String version;

    public RqliteProtocolFilter(CredentialStore credentials, RaftliteProperties props, String version) {
        this.credentials = credentials;
        this.props = props;
        this.version = version;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        // A fresh response has none of these: adding skips a search of the headers set so far.
        response.addHeader("X-RQLITE-VERSION", version);
        response.addHeader("Access-Control-Allow-Methods", "OPTIONS, GET, POST");
        if (credentials.enabled()) {
            response.addHeader("Access-Control-Allow-Headers", "Content-Type, Authorization");
            response.addHeader("Access-Control-Allow-Credentials", "true");
            response.addHeader("WWW-Authenticate", "Basic realm=\"rqlite\"");
        } else {
            response.addHeader("Access-Control-Allow-Headers", "Content-Type");
        }
        if (!props.allowOrigin().isEmpty()) {
            response.addHeader("Access-Control-Allow-Origin", props.allowOrigin());
        }
        String path = request.getRequestURI().substring(request.getContextPath().length());
        if (isSpringEndpoint(path)) {
            if (hasDotOrEmptySegment(path)) {
                response.setStatus(404);
            } else if (!concreteContentType(request.getContentType())) {
                PlainText.write(response, 400, "invalid Content-Type");
            } else if (!parametersParse(request)) {
                PlainText.write(response, 400, "invalid query string");
            } else {
                chain.doFilter(request, response);
            }
            return;
        }
        if ("OPTIONS".equals(request.getMethod())) {
            response.setStatus(200);
            return;
        }
        QueryParams params;
        try {
            params = QueryParams.parse(request.getQueryString());
        } catch (BadRequestException e) {
            PlainText.write(response, 400, e.getMessage());
            return;
        }
        if (path.isEmpty() || path.equals("/")) {
            response.setHeader("Location", "/console/");
            response.setStatus(302);
            return;
        }
        if (path.equals("/console")) {
            response.setHeader("Location", "/console/");
            response.setStatus(301);
            return;
        }
        String[] basic = basicCredentials(request);
        if (path.startsWith("/console/")) {
            // rqlite's web console: permission "ui", GET or HEAD only. Whatever serves it sees the path unchanged.
            if (!credentials.allows(basic[0], basic[1], Permission.UI)) {
                response.setStatus(401);
            } else if (!"GET".equals(request.getMethod()) && !"HEAD".equals(request.getMethod())) {
                response.setStatus(405);
            } else {
                chain.doFilter(request, response);
            }
            return;
        }
        Route route = Route.match(path);
        if (route == null) {
            response.setStatus(404);
            return;
        }
        for (Permission p : route.permissions()) {
            if (!credentials.allows(basic[0], basic[1], p)) {
                response.setStatus(401);
                return;
            }
        }
        if (!route.allows(request.getMethod())) {
            response.setStatus(405);
            return;
        }
        request.setAttribute(QUERY_PARAMS, params);
        request.setAttribute(USERNAME, basic[0]);
        request.setAttribute(PASSWORD, basic[1]);
        chain.doFilter(new CanonicalPath(request, route.path()), response);
    }

    /**
     * Spring's own endpoints, outside rqlite's table: no query-string validation, routing or permission
     * checks (actuator, OpenAPI, Swagger UI). Spring's {@code /error} page is deliberately not among them:
     * a client asking for {@code /error} gets rqlite's empty 404, while error dispatches inside the
     * container never reach this filter ({@link OncePerRequestFilter} skips them).
     */
    private static boolean isSpringEndpoint(String path) {
        return path.startsWith("/actuator") || path.startsWith("/v3/api-docs") || path.startsWith("/swagger-ui");
    }

    /*
     * Spring's own endpoints answer some malformed requests that rqlite's routes never let through with
     * a 500 and an ERROR in the log; the three checks below refuse those requests first.
     */

    /**
     * Whether the raw path has a {@code .} or {@code ..} segment (also percent-encoded) or an empty one
     * before its end. The health endpoint, for one, looks such a segment up as a contributor and fails.
     * rqlite has no such paths: 404, as for any unknown path.
     */
    static boolean hasDotOrEmptySegment(String path) {
        String[] segments = path.split("/", -1);
        for (int i = 1; i < segments.length; i++) {
            String s = segments[i].replace("%2e", ".").replace("%2E", ".");
            if (s.equals(".") || s.equals("..") || (s.isEmpty() && i < segments.length - 1)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether a Content-Type (if any) is a concrete media type. Spring reads the body of some of its
     * endpoints by it and fails on a wildcard ({@code *}{@code /*}) or an unparsable one.
     */
    static boolean concreteContentType(String contentType) {
        if (contentType == null) {
            return true;
        }
        try {
            return MediaType.parseMediaType(contentType).isConcrete();
        } catch (InvalidMediaTypeException e) {
            return false;
        }
    }

    /**
     * Whether the container can parse the request's parameters. Spring's endpoints read them, and
     * Tomcat throws on a malformed query string (e.g. {@code ?=x}); unanswered here, that exception
     * would reach the container and be logged at ERROR with a stack trace for every such request.
     */
    private static boolean parametersParse(HttpServletRequest request) {
        try {
            request.getParameterMap();
            return true;
        } catch (IllegalStateException | IllegalArgumentException e) {
            return false;
        }
    }

    private static String[] basicCredentials(HttpServletRequest request) {
        String header = request.getHeader("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return new String[] {null, null};
        }
        try {
            String decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return colon < 0 ? new String[] {null, null}
                    : new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)};
        } catch (IllegalArgumentException e) {
            return new String[] {null, null};
        }
    }

    /** Presents a prefix-matched path (e.g. {@code /db/executeX}) to Spring as the route's own path. */
    private static final class CanonicalPath extends HttpServletRequestWrapper {
        private final String path;

        CanonicalPath(HttpServletRequest request, String path) {
            super(request);
            this.path = path;
        }

        @Override
        public String getRequestURI() {
            return getContextPath() + path;
        }

        @Override
        public String getServletPath() {
            return path;
        }

        @Override
        public String getPathInfo() {
            return null;
        }

        @Override
        public StringBuffer getRequestURL() {
            StringBuffer url = new StringBuffer();
            url.append(getScheme()).append("://").append(getServerName()).append(':').append(getServerPort())
                    .append(getRequestURI());
            return url;
        }
    }
}
