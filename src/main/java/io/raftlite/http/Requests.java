package io.raftlite.http;

import jakarta.servlet.http.HttpServletRequest;

/** What {@link RqliteProtocolFilter} attached to a request, and facts about its body. */
final class Requests {
    private Requests() {
    }

    static QueryParams params(HttpServletRequest request) {
        Object p = request.getAttribute(RqliteProtocolFilter.QUERY_PARAMS);
        return p instanceof QueryParams q ? q : QueryParams.parse(request.getQueryString());
    }

    /**
     * Largest request body read into memory: an eighth of the heap, and never more than 512 MiB.
     * Parsing and replicating a body takes several times its size (parsed strings, the Raft command,
     * the log entry), so a body near the heap's size would end in an {@link OutOfMemoryError} instead
     * of a clear 413.
     */
    static final int MAX_BODY_BYTES = (int) Math.min(512L * 1024 * 1024, Runtime.getRuntime().maxMemory() / 8);

    /**
     * The raw request body, read directly so that no form decoding gets in the way.
     *
     * @throws BadRequestException 413 if larger than {@link #MAX_BODY_BYTES}, 400 if it cannot be read
     */
    static byte[] body(HttpServletRequest request) {
        Object cached = request.getAttribute(BODY);
        if (cached instanceof byte[] b) {
            return b;
        }
        byte[] read = readBody(request);
        request.setAttribute(BODY, read);
        return read;
    }

    private static final String BODY = "raftlite.body";

    private static byte[] readBody(HttpServletRequest request) {
        long declared = request.getContentLengthLong();
        if (declared > MAX_BODY_BYTES) {
            throw new BadRequestException(413, "request body too large");
        }
        try (java.io.InputStream in = request.getInputStream()) {
            if (declared >= 0) {
                // Known length: read straight into one array of that size (no intermediate buffers).
                byte[] data = new byte[(int) declared];
                int n = in.readNBytes(data, 0, data.length);
                if (n < data.length) {
                    throw new BadRequestException("request body shorter than its Content-Length");
                }
                if (in.read() >= 0) {
                    throw new BadRequestException("request body longer than its Content-Length");
                }
                return data;
            }
            byte[] data = in.readNBytes(MAX_BODY_BYTES + 1);
            if (data.length > MAX_BODY_BYTES) {
                throw new BadRequestException(413, "request body too large");
            }
            return data;
        } catch (java.io.IOException e) {
            throw new BadRequestException("cannot read request body: " + e.getMessage());
        }
    }

    /** The body, or empty if it cannot be read. */
    static byte[] bodyOrEmpty(HttpServletRequest request) {
        try {
            return body(request);
        } catch (BadRequestException e) {
            return new byte[0];
        }
    }

    static boolean isPlainText(HttpServletRequest request) {
        String ct = request.getContentType();
        return ct != null && ct.regionMatches(true, 0, "text/plain", 0, 10);
    }

    static String username(HttpServletRequest request) {
        return (String) request.getAttribute(RqliteProtocolFilter.USERNAME);
    }

    static String password(HttpServletRequest request) {
        return (String) request.getAttribute(RqliteProtocolFilter.PASSWORD);
    }
}
