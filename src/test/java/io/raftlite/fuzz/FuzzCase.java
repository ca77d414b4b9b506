package io.raftlite.fuzz;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One fuzz request, kept as the parts it is written from (method, request target, version, headers,
 * body, how the body is framed) so that any of them can be malformed, and so that a failure can be
 * printed as a reproducer. Written to the socket byte for byte by {@link RawHttpClient}: header values
 * are ISO-8859-1, so any byte 0-255 can be put in them. A case built from {@link #raw raw bytes} is
 * sent as is.
 */
final class FuzzCase {
    /** How the body travels. */
    enum Framing {
        /** {@code Content-Length} equal to the body's size. */
        LENGTH,
        /** {@code Transfer-Encoding: chunked}, chunks of {@link #chunkSize} bytes. */
        CHUNKED,
        /** No length header at all; the body bytes follow the headers anyway. */
        NONE,
        /** {@code Content-Length: <declared>} whatever the body's size (mismatch, garbage, huge). */
        DECLARED
    }

    final String generator;
    String method = "GET";
    String target = "/";
    String version = "HTTP/1.1";
    final List<String[]> headers = new ArrayList<>();
    byte[] body = new byte[0];
    Framing framing = Framing.LENGTH;
    String declaredLength;
    int chunkSize = 8192;
    boolean omitHost;
    /** Exempt from the sentinel-safety filter: built by hand so that it cannot change the sentinel. */
    boolean trusted;
    /** The HTTP framing itself is broken on purpose: closing without an answer is acceptable. */
    boolean malformedHttp;
    private byte[] raw;

    FuzzCase(String generator) {
        this.generator = generator;
    }

    /**
     * Bytes sent as they are; method and target are read from them as far as they look like a request
     * line (for the oracle and the summary), else {@code RAW} and empty.
     */
    static FuzzCase raw(String generator, byte[] wire) {
        FuzzCase c = new FuzzCase(generator);
        c.raw = wire;
        c.malformedHttp = true;
        String text = new String(wire, StandardCharsets.ISO_8859_1);
        int eol = text.indexOf('\n');
        String[] first = (eol < 0 ? text : text.substring(0, eol)).trim().split(" ");
        boolean requestLine = first.length >= 2 && first[0].matches("[A-Z]{1,16}") && first[1].startsWith("/");
        c.method = requestLine ? first[0] : "RAW";
        c.target = requestLine ? first[1] : "";
        return c;
    }

    /**
     * Whether the request breaks HTTP/1.1's own syntax: on purpose ({@link #malformedHttp}), or by a
     * method that is not a token or a request target with bytes no URI may hold (controls, spaces,
     * {@code #}, backslashes, non-ASCII). Tomcat may answer such a request without a status line, or
     * just close.
     */
    boolean breaksHttpSyntax() {
        if (malformedHttp || method.isEmpty()) {
            return true;
        }
        for (char ch : method.toCharArray()) {
            if (ch <= 0x20 || ch >= 0x7f || "\"(),/:;<=>?@[\\]{}".indexOf(ch) >= 0) {
                return true;
            }
        }
        for (char ch : target.toCharArray()) {
            if (ch <= 0x20 || ch >= 0x7f || ch == '#' || ch == '\\') {
                return true;
            }
        }
        return false;
    }

    FuzzCase method(String m) {
        method = m;
        return this;
    }

    FuzzCase target(String t) {
        target = t;
        return this;
    }

    FuzzCase header(String name, String value) {
        headers.add(new String[] {name, value});
        return this;
    }

    FuzzCase body(byte[] b) {
        body = b;
        return this;
    }

    FuzzCase body(String s) {
        body = s.getBytes(StandardCharsets.UTF_8);
        return this;
    }

    FuzzCase json(String s) {
        header("Content-Type", "application/json");
        return body(s);
    }

    FuzzCase framing(Framing f) {
        framing = f;
        return this;
    }

    FuzzCase declared(String length) {
        framing = Framing.DECLARED;
        declaredLength = length;
        return this;
    }

    boolean isRaw() {
        return raw != null;
    }

    boolean isHead() {
        return method.equals("HEAD");
    }

    /** The request target's path, without the query string. */
    String path() {
        int q = target.indexOf('?');
        return q < 0 ? target : target.substring(0, q);
    }

    String query() {
        int q = target.indexOf('?');
        return q < 0 ? "" : target.substring(q + 1);
    }

    String headerValue(String name) {
        for (String[] h : headers) {
            if (h[0].equalsIgnoreCase(name)) {
                return h[1];
            }
        }
        return null;
    }

    /** The bytes sent to {@code hostPort}. */
    byte[] wire(String hostPort) {
        if (raw != null) {
            return raw;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + 512);
        latin1(out, method + " " + target + " " + version + "\r\n");
        if (!omitHost && headerValue("Host") == null) {
            latin1(out, "Host: " + hostPort + "\r\n");
        }
        for (String[] h : headers) {
            latin1(out, h[0] + ": " + h[1] + "\r\n");
        }
        switch (framing) {
            case LENGTH -> {
                if (body.length > 0 || !(method.equals("GET") || method.equals("HEAD"))) {
                    latin1(out, "Content-Length: " + body.length + "\r\n");
                }
            }
            case CHUNKED -> latin1(out, "Transfer-Encoding: chunked\r\n");
            case DECLARED -> latin1(out, "Content-Length: " + declaredLength + "\r\n");
            case NONE -> {
            }
        }
        if (headerValue("Connection") == null) {
            latin1(out, "Connection: close\r\n");
        }
        latin1(out, "\r\n");
        if (framing == Framing.CHUNKED) {
            int size = Math.max(1, chunkSize);
            for (int i = 0; i < body.length; i += size) {
                int n = Math.min(size, body.length - i);
                latin1(out, Integer.toHexString(n) + "\r\n");
                out.write(body, i, n);
                latin1(out, "\r\n");
            }
            latin1(out, "0\r\n\r\n");
        } else {
            out.write(body, 0, body.length);
        }
        return out.toByteArray();
    }

    private static void latin1(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        out.write(b, 0, b.length);
    }

    /** A reproducer: what was sent, with the body's first bytes escaped. */
    String describe() {
        StringBuilder sb = new StringBuilder();
        sb.append('[').append(generator).append("] ");
        if (raw != null) {
            return sb.append("raw ").append(raw.length).append(" bytes: ").append(escape(raw, 300)).toString();
        }
        sb.append(escape(method.getBytes(StandardCharsets.ISO_8859_1), 60)).append(' ')
                .append(escape(target.getBytes(StandardCharsets.ISO_8859_1), 300)).append(' ').append(version);
        for (String[] h : headers) {
            sb.append("\n    ").append(escape(h[0].getBytes(StandardCharsets.ISO_8859_1), 80)).append(": ")
                    .append(escape(h[1].getBytes(StandardCharsets.ISO_8859_1), 200));
        }
        if (omitHost) {
            sb.append("\n    (no Host header)");
        }
        sb.append("\n    framing ").append(framing.name().toLowerCase(Locale.ROOT));
        if (framing == Framing.DECLARED) {
            sb.append(" Content-Length: ").append(escape(declaredLength.getBytes(StandardCharsets.ISO_8859_1), 80));
        }
        if (framing == Framing.CHUNKED) {
            sb.append(" chunks of ").append(chunkSize);
        }
        sb.append("\n    body ").append(body.length).append(" bytes: ").append(escape(body, 400));
        return sb.toString();
    }

    /** Printable ASCII as is, everything else as a Java escape ({@code \n}, {@code \x00}); cut after {@code max} bytes. */
    static String escape(byte[] b, int max) {
        StringBuilder sb = new StringBuilder("\"");
        int n = Math.min(b.length, max);
        for (int i = 0; i < n; i++) {
            int c = b[i] & 0xff;
            switch (c) {
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                default -> {
                    if (c >= 0x20 && c < 0x7f) {
                        sb.append((char) c);
                    } else {
                        sb.append(String.format("\\x%02x", c));
                    }
                }
            }
        }
        sb.append('"');
        if (b.length > max) {
            sb.append("... (+").append(b.length - max).append(" bytes)");
        }
        return sb.toString();
    }
}
