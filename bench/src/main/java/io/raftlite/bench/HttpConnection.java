package io.raftlite.bench;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * A minimal HTTP/1.1 client over one keep-alive socket with TCP_NODELAY: writes a request in one
 * call, reads the status line, headers and a Content-Length or chunked body from its own buffer.
 * Much cheaper per request than java.net.http, so the load generator is not what is measured.
 * One request at a time (no pipelining); not thread-safe.
 */
public final class HttpConnection implements Closeable {

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final String hostHeader;
    private byte[] buf = new byte[16 * 1024];
    private int pos;   // next unread byte
    private int limit; // end of the bytes read so far
    private boolean closed;

    public HttpConnection(String host, int port, int timeoutMillis) throws IOException {
        socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.setKeepAlive(true);
            socket.setSoTimeout(timeoutMillis);
            socket.connect(new InetSocketAddress(host, port), Math.min(timeoutMillis, 5_000));
            in = socket.getInputStream();
            out = socket.getOutputStream();
        } catch (IOException e) {
            socket.close();
            throw e;
        }
        hostHeader = host + ":" + port;
    }

    /** Sends the request and reads the whole answer. After an exception the connection is unusable. */
    public HttpResponse send(HttpRequest request) throws IOException {
        if (closed) {
            throw new IOException("connection closed by the server");
        }
        out.write(request.encode(hostHeader));
        out.flush();
        String statusLine = readLine();
        if (statusLine == null) {
            throw new EOFException("connection closed before the status line");
        }
        int status = parseStatus(statusLine);
        long length = -1;
        boolean chunked = false;
        String line;
        while ((line = readLine()) != null && !line.isEmpty()) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = line.substring(0, colon).trim();
            String value = line.substring(colon + 1).trim();
            if (name.equalsIgnoreCase("Content-Length")) {
                length = Long.parseLong(value);
            } else if (name.equalsIgnoreCase("Transfer-Encoding") && value.toLowerCase(Locale.ROOT).contains("chunked")) {
                chunked = true;
            } else if (name.equalsIgnoreCase("Connection") && value.equalsIgnoreCase("close")) {
                closed = true;
            }
        }
        if (line == null) {
            throw new EOFException("connection closed inside the headers");
        }
        byte[] body;
        if (request.method().equals("HEAD") || status == 204 || status == 304 || (status >= 100 && status < 200)) {
            body = new byte[0];
        } else if (chunked) {
            body = readChunked();
        } else if (length >= 0) {
            body = readExactly((int) length);
        } else {
            body = readToEnd();
            closed = true;
        }
        return new HttpResponse(status, body);
    }

    private static int parseStatus(String statusLine) throws IOException {
        // "HTTP/1.1 200 OK"
        int sp = statusLine.indexOf(' ');
        if (!statusLine.startsWith("HTTP/") || sp < 0 || statusLine.length() < sp + 4) {
            throw new IOException("bad status line: " + statusLine);
        }
        try {
            return Integer.parseInt(statusLine.substring(sp + 1, sp + 4));
        } catch (NumberFormatException e) {
            throw new IOException("bad status line: " + statusLine, e);
        }
    }

    private byte[] readChunked() throws IOException {
        byte[] body = new byte[0];
        while (true) {
            String sizeLine = readLine();
            if (sizeLine == null) {
                throw new EOFException("connection closed inside a chunked body");
            }
            int semi = sizeLine.indexOf(';');
            int size = Integer.parseInt((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim(), 16);
            if (size == 0) {
                String trailer;
                while ((trailer = readLine()) != null && !trailer.isEmpty()) {
                    // trailers are ignored
                }
                return body;
            }
            byte[] chunk = readExactly(size);
            byte[] joined = Arrays.copyOf(body, body.length + size);
            System.arraycopy(chunk, 0, joined, body.length, size);
            body = joined;
            readLine(); // CRLF after the chunk
        }
    }

    private byte[] readExactly(int n) throws IOException {
        byte[] out = new byte[n];
        int have = Math.min(n, limit - pos);
        System.arraycopy(buf, pos, out, 0, have);
        pos += have;
        while (have < n) {
            int r = in.read(out, have, n - have);
            if (r < 0) {
                throw new EOFException("connection closed inside a body");
            }
            have += r;
        }
        return out;
    }

    private byte[] readToEnd() throws IOException {
        byte[] rest = Arrays.copyOfRange(buf, pos, limit);
        pos = limit;
        byte[] more = in.readAllBytes();
        byte[] all = Arrays.copyOf(rest, rest.length + more.length);
        System.arraycopy(more, 0, all, rest.length, more.length);
        return all;
    }

    /** The next line without its CRLF (or LF), ISO-8859-1; null at end of stream with nothing read. */
    private String readLine() throws IOException {
        int scanned = 0; // bytes after pos already known to hold no LF
        while (true) {
            for (int i = pos + scanned; i < limit; i++) {
                if (buf[i] == '\n') {
                    int end = i > pos && buf[i - 1] == '\r' ? i - 1 : i;
                    String s = new String(buf, pos, end - pos, StandardCharsets.ISO_8859_1);
                    pos = i + 1;
                    return s;
                }
            }
            scanned = limit - pos;
            if (!fill()) {
                if (limit > pos) {
                    String s = new String(buf, pos, limit - pos, StandardCharsets.ISO_8859_1);
                    pos = limit;
                    return s;
                }
                return null;
            }
        }
    }

    /** Reads more bytes into the buffer; false at end of stream. */
    private boolean fill() throws IOException {
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, limit - pos);
            limit -= pos;
            pos = 0;
        }
        if (limit == buf.length) {
            buf = Arrays.copyOf(buf, buf.length * 2);
        }
        int r = in.read(buf, limit, buf.length - limit);
        if (r < 0) {
            return false;
        }
        limit += r;
        return true;
    }

    /** False once the server said Connection: close (or ended a body by closing). */
    public boolean isOpen() {
        return !closed;
    }

    @Override
    public void close() throws IOException {
        closed = true;
        socket.close();
    }
}
