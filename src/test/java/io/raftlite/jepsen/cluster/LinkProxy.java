package io.raftlite.jepsen.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy for one directed Raft link: the connections one node opens to one peer (and the
 * answers that come back on them). Cutting or delaying it affects exactly that link, so partitions
 * can be symmetric, one-way or partial (a bridge), which a single proxy per node could not express.
 *
 * <p>Each connection is pumped by plain blocking threads: per direction one reader, which stamps
 * every chunk with the time it may leave, and one writer, which waits for that time and for the link
 * not to be dropped. A bounded queue between them keeps memory small and pushes back on the sender
 * through TCP, as a congested or partitioned path would. See {@link LinkMode} for the modes.
 *
 * <p>Guarantees: bytes are never lost, reordered or duplicated within a connection; only
 * {@link #closeConnections()} (or a failure of one side) ends a connection. After {@link #setMode}
 * to {@link LinkMode#DROP} returns, at most the one chunk per direction that was already being
 * written may still arrive. {@link #close()} stops every thread it started and closes every socket,
 * or says which threads are left.
 *
 * <p>Thread-safe.
 */
public final class LinkProxy implements AutoCloseable {
    private static final int CHUNK_BYTES = 16 * 1024;
    private static final int QUEUED_CHUNKS = 64;
    private static final int CONNECT_TIMEOUT_MILLIS = 2_000;

    private final String name;
    private final InetSocketAddress listenAddress;
    private final InetSocketAddress target;
    private final ServerSocket server;
    private final Thread acceptor;
    private final Object gate = new Object();
    private volatile LinkMode mode = LinkMode.PASS;
    private volatile boolean closed;
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
    private final AtomicInteger connectionIds = new AtomicInteger();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong bytesToTarget = new AtomicLong();
    private final AtomicLong bytesFromTarget = new AtomicLong();

    private LinkProxy(String name, InetSocketAddress listenAddress, InetSocketAddress target, ServerSocket server) {
        this.name = name;
        this.listenAddress = listenAddress;
        this.target = target;
        this.server = server;
        this.acceptor = new Thread(this::acceptLoop, "link " + name + " acceptor");
        this.acceptor.setDaemon(true);
    }

    /**
     * Listens on {@code listenAddress} and forwards every connection to {@code target}, passing
     * everything until told otherwise.
     *
     * @param name how the link is named in thread names and messages, e.g. {@code n1->n2}
     */
    public static LinkProxy open(String name, InetSocketAddress listenAddress, InetSocketAddress target)
            throws IOException {
        ServerSocket server = new ServerSocket();
        try {
            server.setReuseAddress(true);
            server.bind(listenAddress, 128);
        } catch (IOException e) {
            server.close();
            throw new IOException("link " + name + ": cannot listen on " + listenAddress + ": " + e.getMessage(), e);
        }
        LinkProxy proxy = new LinkProxy(name, listenAddress, target, server);
        proxy.threads.add(proxy.acceptor);
        proxy.acceptor.start();
        return proxy;
    }

    public String name() {
        return name;
    }

    public InetSocketAddress listenAddress() {
        return listenAddress;
    }

    public InetSocketAddress target() {
        return target;
    }

    public LinkMode mode() {
        return mode;
    }

    /** Switches the link to {@code newMode}; held bytes move on at once if it no longer drops. */
    public void setMode(LinkMode newMode) {
        synchronized (gate) {
            mode = newMode;
            gate.notifyAll();
        }
    }

    /** Connections accepted since the proxy opened. */
    public long connectionsAccepted() {
        return accepted.get();
    }

    /** Connections open now (including ones held unconnected by {@link LinkMode#DROP}). */
    public int openConnections() {
        return connections.size();
    }

    /** Bytes delivered from the connecting node to the target. */
    public long bytesToTarget() {
        return bytesToTarget.get();
    }

    /** Bytes delivered from the target back to the connecting node. */
    public long bytesFromTarget() {
        return bytesFromTarget.get();
    }

    /** Threads of this proxy still running (for leak checks). */
    public int liveThreads() {
        return (int) threads.stream().filter(Thread::isAlive).count();
    }

    /**
     * Closes every current connection on both sides, as when TCP gives up on a path; held bytes are
     * discarded with them. New connections are accepted as before.
     */
    public void closeConnections() {
        for (Connection c : List.copyOf(connections)) {
            c.close();
        }
    }

    /**
     * Stops listening, closes every connection and waits for every thread to end.
     *
     * @throws IllegalStateException if threads are still running after 10 s
     */
    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        closeConnections();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (Thread t : List.copyOf(threads)) {
            t.interrupt();
            try {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        List<String> left = threads.stream().filter(Thread::isAlive).map(Thread::getName).sorted().toList();
        if (!left.isEmpty()) {
            throw new IllegalStateException("link " + name + ": threads still running after close: " + left);
        }
    }

    @Override
    public String toString() {
        return "link " + name + " " + listenAddress + " -> " + target + " " + mode;
    }

    // ---- connections ----

    private void acceptLoop() {
        try {
            while (!closed) {
                Socket client;
                try {
                    client = server.accept();
                } catch (IOException e) {
                    if (closed) {
                        return;
                    }
                    continue; // a failed accept (aborted handshake) does not stop the link
                }
                accepted.incrementAndGet();
                Connection c = new Connection(connectionIds.incrementAndGet(), client);
                connections.add(c);
                if (closed) {
                    c.close();
                    return;
                }
                c.spawn("connect", c::connectAndPump);
            }
        } finally {
            threads.remove(Thread.currentThread());
        }
    }

    /** Blocks while the link drops. */
    private void awaitPassing() throws InterruptedException {
        synchronized (gate) {
            while (mode.kind() == LinkMode.Kind.DROP) {
                gate.wait();
            }
        }
    }

    /** A chunk of bytes on its way, or the end of the stream when {@code bytes} is null. */
    private record Chunk(byte[] bytes, long dueNanos) {
    }

    /** One accepted connection and its way to the target. */
    private final class Connection {
        private final int id;
        private final Socket client;
        private volatile Socket upstream;
        private final List<Thread> own = new ArrayList<>();
        private final AtomicInteger directionsOpen = new AtomicInteger(2);
        private volatile boolean done;

        Connection(int id, Socket client) {
            this.id = id;
            this.client = client;
        }

        /** Starts a thread of this connection, tracked so that close() can end it. */
        void spawn(String role, Runnable body) {
            Thread t = new Thread(() -> {
                try {
                    body.run();
                } finally {
                    threads.remove(Thread.currentThread());
                }
            }, "link " + name + " #" + id + " " + role);
            t.setDaemon(true);
            synchronized (this) {
                if (done) {
                    return;
                }
                own.add(t);
                threads.add(t);
            }
            t.start();
        }

        /** Waits while the link drops (a stalled new connection), connects, and starts the pumps. */
        void connectAndPump() {
            try {
                awaitPassing();
                Socket s = new Socket();
                upstream = s;
                if (done) {
                    s.close();
                    return;
                }
                s.connect(target, CONNECT_TIMEOUT_MILLIS);
                s.setTcpNoDelay(true);
                client.setTcpNoDelay(true);
                BlockingQueue<Chunk> toTarget = new ArrayBlockingQueue<>(QUEUED_CHUNKS);
                BlockingQueue<Chunk> fromTarget = new ArrayBlockingQueue<>(QUEUED_CHUNKS);
                spawn("read >", () -> read(client::getInputStream, toTarget));
                spawn("write >", () -> write(toTarget, s, bytesToTarget));
                spawn("read <", () -> read(s::getInputStream, fromTarget));
                spawn("write <", () -> write(fromTarget, client, bytesFromTarget));
            } catch (IOException e) {
                close(); // the target is down: the connecting node sees its connection closed
            } catch (InterruptedException e) {
                close();
            }
        }

        private void read(IoSupplier<InputStream> source, BlockingQueue<Chunk> queue) {
            long lastDue = 0;
            try {
                InputStream in = source.get();
                byte[] buffer = new byte[CHUNK_BYTES];
                while (true) {
                    int n = in.read(buffer);
                    long due = Math.max(lastDue, dueTime());
                    lastDue = due;
                    queue.put(new Chunk(n < 0 ? null : Arrays.copyOf(buffer, n), due));
                    if (n < 0) {
                        return;
                    }
                }
            } catch (IOException | InterruptedException e) {
                close();
            }
        }

        private void write(BlockingQueue<Chunk> queue, Socket sink, AtomicLong counter) {
            try {
                OutputStream out = sink.getOutputStream();
                while (true) {
                    Chunk chunk = queue.take();
                    long wait = chunk.dueNanos() - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                    awaitPassing();
                    if (chunk.bytes() == null) {
                        sink.shutdownOutput();
                        if (directionsOpen.decrementAndGet() == 0) {
                            close();
                        }
                        return;
                    }
                    out.write(chunk.bytes());
                    out.flush();
                    counter.addAndGet(chunk.bytes().length);
                }
            } catch (IOException | InterruptedException e) {
                close();
            }
        }

        private long dueTime() {
            LinkMode m = mode;
            long now = System.nanoTime();
            if (m.kind() != LinkMode.Kind.DELAY) {
                return now;
            }
            long jitter = m.jitter().toNanos();
            return now + m.delay().toNanos() + (jitter == 0 ? 0 : ThreadLocalRandom.current().nextLong(jitter + 1));
        }

        /** Closes both sockets and stops this connection's threads; idempotent. */
        void close() {
            List<Thread> toStop;
            synchronized (this) {
                if (done) {
                    return;
                }
                done = true;
                toStop = List.copyOf(own);
            }
            connections.remove(this);
            closeQuietly(client);
            closeQuietly(upstream);
            for (Thread t : toStop) {
                if (t != Thread.currentThread()) {
                    t.interrupt();
                }
            }
        }
    }

    /** An input stream getter that may fail (a closed socket). */
    @FunctionalInterface
    private interface IoSupplier<T> {
        T get() throws IOException;
    }

    private static void closeQuietly(Socket s) {
        if (s == null) {
            return;
        }
        try {
            s.close();
        } catch (SocketException e) {
            // already closed
        } catch (IOException e) {
            // closing anyway
        }
    }
}
