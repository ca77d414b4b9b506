package io.raftlite.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A trivial HTTP/1.1 server (one thread per connection, keep-alive, the same 2-byte JSON answer
 * to every request) for measuring the load generator's own ceiling on this machine:
 * {@code java -jar raftlite-bench.jar floor --port 19999} then
 * {@code --url http://127.0.0.1:19999 --protocol raw --workload read-weak --clients 32}.
 */
public final class FloorServer implements AutoCloseable {

    private static final byte[] ANSWER = ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            + "Content-Length: 2\r\n\r\n{}").getBytes(StandardCharsets.US_ASCII);

    private final ServerSocket server;

    public FloorServer(String host, int port) throws IOException {
        server = new ServerSocket(port, 128, InetAddress.getByName(host));
        Thread acceptor = new Thread(this::acceptLoop, "floor-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                s.setTcpNoDelay(true);
                Thread t = new Thread(() -> serve(s), "floor-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    /** Reads request heads (and Content-Length bodies) and answers each one. */
    private static void serve(Socket s) {
        try (s) {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            byte[] buf = new byte[8192];
            int have = 0;
            while (true) {
                int headEnd = indexOfHeadEnd(buf, have);
                while (headEnd < 0) {
                    if (have == buf.length) {
                        return; // head too large
                    }
                    int r = in.read(buf, have, buf.length - have);
                    if (r < 0) {
                        return;
                    }
                    have += r;
                    headEnd = indexOfHeadEnd(buf, have);
                }
                int bodyLen = contentLength(new String(buf, 0, headEnd, StandardCharsets.ISO_8859_1));
                int consumed = headEnd + 4;
                int skip = bodyLen;
                int inBuf = Math.min(skip, have - consumed);
                consumed += inBuf;
                skip -= inBuf;
                while (skip > 0) {
                    long n = in.skip(skip);
                    if (n <= 0) {
                        if (in.read() < 0) {
                            return;
                        }
                        n = 1;
                    }
                    skip -= (int) n;
                }
                System.arraycopy(buf, consumed, buf, 0, have - consumed);
                have -= consumed;
                out.write(ANSWER);
                out.flush();
            }
        } catch (IOException e) {
            // client went away
        }
    }

    private static int indexOfHeadEnd(byte[] b, int n) {
        for (int i = 0; i + 3 < n; i++) {
            if (b[i] == '\r' && b[i + 1] == '\n' && b[i + 2] == '\r' && b[i + 3] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private static int contentLength(String head) {
        for (String line : head.split("\r\n")) {
            int c = line.indexOf(':');
            if (c > 0 && line.substring(0, c).trim().equalsIgnoreCase("Content-Length")) {
                return Integer.parseInt(line.substring(c + 1).trim());
            }
        }
        return 0;
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
