package io.raftlite.jepsen.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The link proxy with real sockets against an echo server: what each mode does to bytes and
 * connections, and that closing it leaves no thread or socket behind.
 */
class LinkProxyTest {
    private EchoServer echo;
    private LinkProxy proxy;

    @BeforeEach
    void open() throws IOException {
        echo = new EchoServer();
        // A loopback address other than 127.0.0.1, as the cluster uses, at the echo server's port.
        proxy = LinkProxy.open("a->b", new InetSocketAddress(RaftLinks.proxyAddress(1, 2), echo.port()),
                new InetSocketAddress(InetAddress.getLoopbackAddress(), echo.port()));
    }

    @AfterEach
    void close() {
        try {
            if (proxy != null) {
                proxy.close();
            }
        } finally {
            echo.close();
        }
    }

    private Socket connect() throws IOException {
        Socket s = new Socket();
        s.connect(proxy.listenAddress(), 2000);
        s.setSoTimeout(5000);
        return s;
    }

    private static byte[] readExactly(InputStream in, int n) throws IOException {
        byte[] out = in.readNBytes(n);
        assertEquals(n, out.length, "stream ended early");
        return out;
    }

    @Test
    void passForwardsBothWaysAndCounts() throws IOException {
        try (Socket s = connect()) {
            byte[] msg = "hello through the link".getBytes(StandardCharsets.UTF_8);
            s.getOutputStream().write(msg);
            assertArrayEquals(msg, readExactly(s.getInputStream(), msg.length));
            assertEquals(1, proxy.connectionsAccepted());
            assertEquals(msg.length, proxy.bytesToTarget());
            Waits.until("answer counted", Duration.ofSeconds(5), () -> proxy.bytesFromTarget() == msg.length ? true : null);
        }
    }

    @Test
    void dropHoldsBytesAndNewConnectionsUntilTheLinkPassesAgain() throws Exception {
        try (Socket s = connect()) {
            s.getOutputStream().write('a');
            assertEquals('a', s.getInputStream().read());

            proxy.setMode(LinkMode.DROP);
            s.getOutputStream().write("bcd".getBytes(StandardCharsets.US_ASCII));
            s.setSoTimeout(700);
            assertThrows(SocketTimeoutException.class, () -> s.getInputStream().read(), "a dropped link forwarded bytes");
            long before = proxy.bytesToTarget();
            assertEquals(1, before, "bytes reached the target through a dropped link");

            // A new connection is accepted by the proxy but not connected to the target.
            try (Socket stalled = connect()) {
                stalled.getOutputStream().write('z');
                stalled.setSoTimeout(700);
                assertThrows(SocketTimeoutException.class, () -> stalled.getInputStream().read());
                assertEquals(1, echo.accepted.get(), "the target saw a connection made during the drop");

                proxy.setMode(LinkMode.PASS);
                s.setSoTimeout(5000);
                stalled.setSoTimeout(5000);
                assertArrayEquals("bcd".getBytes(StandardCharsets.US_ASCII), readExactly(s.getInputStream(), 3),
                        "held bytes must arrive in order after the link heals");
                assertEquals('z', stalled.getInputStream().read());
                assertEquals(2, echo.accepted.get());
            }
        }
    }

    @Test
    void delayHoldsEveryChunkInBothDirectionsAndKeepsOrder() throws IOException {
        try (Socket s = connect()) {
            s.getOutputStream().write('w');
            assertEquals('w', s.getInputStream().read()); // connected, before timing

            proxy.setMode(LinkMode.delay(Duration.ofMillis(200), Duration.ZERO));
            long start = System.nanoTime();
            s.getOutputStream().write('x');
            assertEquals('x', s.getInputStream().read());
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(millis >= 390, "round trip took " + millis + " ms; expected 200 ms each way");

            // Many small writes with jitter larger than the gaps between them: still in order.
            proxy.setMode(LinkMode.delay(Duration.ofMillis(5), Duration.ofMillis(40)));
            ByteArrayOutputStream sent = new ByteArrayOutputStream();
            OutputStream out = s.getOutputStream();
            for (int i = 0; i < 300; i++) {
                byte[] b = (i + ",").getBytes(StandardCharsets.US_ASCII);
                out.write(b);
                out.flush();
                sent.write(b);
            }
            assertArrayEquals(sent.toByteArray(), readExactly(s.getInputStream(), sent.size()));
        }
    }

    @Test
    void closeConnectionsEndsThemAndNewOnesWork() throws IOException {
        try (Socket s = connect()) {
            s.getOutputStream().write('a');
            assertEquals('a', s.getInputStream().read());
            proxy.closeConnections();
            int r;
            try {
                r = s.getInputStream().read();
            } catch (IOException e) {
                r = -1; // reset is as good as end of stream
            }
            assertEquals(-1, r);
            Waits.until("no open connection", Duration.ofSeconds(5), () -> proxy.openConnections() == 0 ? true : null);
        }
        try (Socket s = connect()) {
            s.getOutputStream().write('b');
            assertEquals('b', s.getInputStream().read());
        }
    }

    @Test
    void aConnectionToADeadTargetIsClosed() throws IOException {
        echo.close();
        try (Socket s = connect()) {
            int r;
            try {
                r = s.getInputStream().read();
            } catch (IOException e) {
                r = -1;
            }
            assertEquals(-1, r);
        }
    }

    @Test
    void closeStopsEveryThreadAndFreesThePort() throws IOException {
        List<Socket> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                Socket s = connect();
                s.getOutputStream().write('q');
                assertEquals('q', s.getInputStream().read());
                clients.add(s);
            }
            proxy.setMode(LinkMode.DROP);
            clients.add(connect()); // one stalled in DROP
            clients.get(0).getOutputStream().write('r'); // one chunk held
            Waits.until("4 connections accepted", Duration.ofSeconds(5), () -> proxy.connectionsAccepted() == 4 ? true : null);
            assertTrue(proxy.liveThreads() > 1);

            proxy.close();
            assertEquals(0, proxy.liveThreads());
            assertEquals(0, proxy.openConnections());
            for (Socket s : clients) {
                int r;
                try {
                    r = s.getInputStream().read();
                } catch (IOException e) {
                    r = -1;
                }
                assertEquals(-1, r, "a client connection outlived the proxy");
            }
            try (ServerSocket again = new ServerSocket()) {
                again.bind(proxy.listenAddress()); // the listening socket is gone
            }
        } finally {
            for (Socket s : clients) {
                s.close();
            }
        }
        proxy = null;
    }

    /** A thread-per-connection echo server on 127.0.0.1. */
    private static final class EchoServer implements AutoCloseable {
        private final ServerSocket server;
        private final List<Socket> sockets = new ArrayList<>();
        private final List<Thread> threads = new ArrayList<>();
        final AtomicInteger accepted = new AtomicInteger();

        EchoServer() throws IOException {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread t = new Thread(this::acceptLoop, "echo acceptor");
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }

        int port() {
            return server.getLocalPort();
        }

        private void acceptLoop() {
            while (true) {
                Socket s;
                try {
                    s = server.accept();
                } catch (IOException e) {
                    return;
                }
                accepted.incrementAndGet();
                Thread t = new Thread(() -> echo(s), "echo");
                t.setDaemon(true);
                synchronized (this) {
                    sockets.add(s);
                    threads.add(t);
                }
                t.start();
            }
        }

        private static void echo(Socket s) {
            try (s) {
                s.getInputStream().transferTo(s.getOutputStream());
            } catch (IOException e) {
                // client gone
            }
        }

        @Override
        public void close() {
            try {
                server.close();
            } catch (IOException e) {
                // closing anyway
            }
            List<Thread> ts;
            synchronized (this) {
                for (Socket s : sockets) {
                    try {
                        s.close();
                    } catch (IOException e) {
                        // closing anyway
                    }
                }
                ts = List.copyOf(threads);
            }
            for (Thread t : ts) {
                try {
                    t.join(5000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
