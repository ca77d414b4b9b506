package io.raftlite.fuzz;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * HTTP/1.1 over a plain socket, one connection per request: writes a {@link FuzzCase} byte for byte
 * (java.net.http refuses most of what a fuzzer wants to send: bad header bytes, wrong lengths, odd
 * methods and versions), half-closes, and reads one answer (skipping 1xx), its body framed by
 * {@code Content-Length}, chunks or the end of the connection.
 */
final class RawHttpClient {
    private static final int MAX_HEAD = 256 * 1024;
    private static final int MAX_BODY = 256 * 1024 * 1024;

    private final String host;
    private final int port;
    private final Duration timeout;

    RawHttpClient(String host, int port, Duration timeout) {
        this.host = host;
        this.port = port;
        this.timeout = timeout;
    }

    String hostPort() {
        return host + ":" + port;
    }

    /**
     * What came back; {@code status} is -1 if the server closed without answering, -2 on a timeout, 0
     * for an answer without a status line (HTTP/0.9 style: everything received is the body).
     */
    record Answer(int status, List<String[]> headers, byte[] body, long millis, String failure) {
        static final int NO_ANSWER = -1;
        static final int TIMEOUT = -2;
        static final int NO_STATUS_LINE = 0;

        String header(String name) {
            for (String[] h : headers) {
                if (h[0].equalsIgnoreCase(name)) {
                    return h[1];
                }
            }
            return null;
        }

        String contentType() {
            String ct = header("Content-Type");
            return ct == null ? "" : ct.toLowerCase(Locale.ROOT);
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        /** The body's first line, trimmed, for grouping answers in the summary. */
        String firstLine(int max) {
            String t = text();
            int nl = t.indexOf('\n');
            String line = (nl < 0 ? t : t.substring(0, nl)).strip();
            return line.length() > max ? line.substring(0, max) + "..." : line;
        }
    }

    Answer send(FuzzCase c) {
        byte[] wire = c.wire(hostPort());
        long t0 = System.nanoTime();
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 5000);
            s.setSoTimeout((int) timeout.toMillis());
            String writeFailure = null;
            try {
                OutputStream out = s.getOutputStream();
                out.write(wire);
                out.flush();
                s.shutdownOutput();
            } catch (IOException e) {
                // The server may answer before reading everything (413, 400) and close: read its answer.
                writeFailure = e.getMessage();
            }
            InputStream in = new BufferedInputStream(s.getInputStream(), 65536);
            while (true) {
                Head head;
                try {
                    head = readHead(in);
                } catch (NotHttp e) {
                    byte[] rest = in.readNBytes(MAX_HEAD);
                    byte[] all = new byte[e.line.length + rest.length];
                    System.arraycopy(e.line, 0, all, 0, e.line.length);
                    System.arraycopy(rest, 0, all, e.line.length, rest.length);
                    return new Answer(Answer.NO_STATUS_LINE, List.of(), all, millis(t0), null);
                } catch (EOFException e) {
                    return new Answer(Answer.NO_ANSWER, List.of(), new byte[0], millis(t0),
                            "closed without an answer" + (writeFailure == null ? "" : " (write: " + writeFailure + ")"));
                }
                if (head.status >= 100 && head.status < 200) {
                    continue;
                }
                byte[] body = readBody(in, head, c.isHead());
                return new Answer(head.status, head.headers, body, millis(t0), null);
            }
        } catch (SocketTimeoutException e) {
            return new Answer(Answer.TIMEOUT, List.of(), new byte[0], millis(t0), "no answer within " + timeout);
        } catch (IOException e) {
            return new Answer(Answer.NO_ANSWER, List.of(), new byte[0], millis(t0), "connection failed: " + e);
        }
    }

    private static long millis(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }

    private record Head(int status, List<String[]> headers) {
        String header(String name) {
            for (String[] h : headers) {
                if (h[0].equalsIgnoreCase(name)) {
                    return h[1];
                }
            }
            return null;
        }
    }

    /** The first line of the answer is not an HTTP/1.x status line. */
    private static final class NotHttp extends IOException {
        final byte[] line;

        NotHttp(byte[] line) {
            super("not an HTTP status line");
            this.line = line;
        }
    }

    private static Head readHead(InputStream in) throws IOException {
        String statusLine = readLine(in);
        if (statusLine == null) {
            throw new EOFException();
        }
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/") || !parts[1].trim().matches("[0-9]{3}")) {
            throw new NotHttp((statusLine + "\n").getBytes(StandardCharsets.ISO_8859_1));
        }
        int status = Integer.parseInt(parts[1].trim());
        List<String[]> headers = new ArrayList<>();
        int total = statusLine.length();
        for (String line = readLine(in); line != null && !line.isEmpty(); line = readLine(in)) {
            total += line.length();
            if (total > MAX_HEAD) {
                throw new IOException("response head over " + MAX_HEAD + " bytes");
            }
            int colon = line.indexOf(':');
            if (colon > 0) {
                headers.add(new String[] {line.substring(0, colon).trim(), line.substring(colon + 1).trim()});
            }
        }
        return new Head(status, headers);
    }

    /** A CRLF- (or LF-) terminated line as ISO-8859-1; null at the end of the stream before any byte. */
    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                break;
            }
            line.write(b);
            if (line.size() > MAX_HEAD) {
                throw new IOException("response line over " + MAX_HEAD + " bytes");
            }
        }
        if (b < 0 && line.size() == 0) {
            return null;
        }
        String s = line.toString(StandardCharsets.ISO_8859_1);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }

    private static byte[] readBody(InputStream in, Head head, boolean headRequest) throws IOException {
        if (headRequest || head.status == 204 || head.status == 304) {
            return new byte[0];
        }
        String te = head.header("Transfer-Encoding");
        if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            while (true) {
                String sizeLine = readLine(in);
                if (sizeLine == null) {
                    throw new EOFException("chunked body cut short");
                }
                int semi = sizeLine.indexOf(';');
                int size = Integer.parseInt((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim(), 16);
                if (size == 0) {
                    for (String trailer = readLine(in); trailer != null && !trailer.isEmpty(); trailer = readLine(in)) {
                        // trailers are ignored
                    }
                    return out.toByteArray();
                }
                if (out.size() + size > MAX_BODY) {
                    throw new IOException("response body over " + MAX_BODY + " bytes");
                }
                out.write(in.readNBytes(size));
                readLine(in);
            }
        }
        String cl = head.header("Content-Length");
        if (cl != null) {
            long n = Long.parseLong(cl.trim());
            if (n > MAX_BODY) {
                throw new IOException("response body over " + MAX_BODY + " bytes");
            }
            byte[] body = in.readNBytes((int) n);
            if (body.length < n) {
                throw new EOFException("body shorter than its Content-Length");
            }
            return body;
        }
        return in.readNBytes(MAX_BODY);
    }
}
