package io.raftlite.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongFunction;

/**
 * A closed-loop run: {@code clients} threads, each with its own keep-alive connection, take the
 * next request number from a shared counter and send the request as soon as the previous answer
 * arrived. The run ends when {@code count} requests have been taken or {@code duration} has
 * passed, whichever comes first. Connections are opened before the clock starts.
 */
public final class LoadRun {

    /** Run bounds and client behaviour. {@code retryBusy}: resend a "busy" answer up to N times. */
    public record Bounds(int clients, long count, Duration duration, int retryBusy, int timeoutMillis) {

        public Bounds {
            if (clients < 1 || count < 1 || duration.isNegative() || duration.isZero() || retryBusy < 0
                    || timeoutMillis < 1) {
                throw new IllegalArgumentException("bad run bounds: clients=" + clients + " count=" + count
                        + " duration=" + duration + " retryBusy=" + retryBusy + " timeoutMillis=" + timeoutMillis);
            }
        }
    }

    private final Target target;
    private final Protocol protocol;

    public LoadRun(Target target) {
        this.target = target;
        this.protocol = target.protocol();
    }

    /** Runs the workload; request numbers start at {@code firstSeq}. */
    public RunResult run(Workload workload, WorkloadParams params, Bounds bounds, long firstSeq) {
        RunResult r = run(seq -> protocol.request(workload, seq, params), bounds, firstSeq,
                workload == Workload.QUEUED ? protocol.drain(params) : null);
        return new RunResult(r.ok(), r.errors(), r.retries(), r.elapsedNanos(),
                workload.statementsPerRequest(params.batch()), r.latency(), r.serverCpuMicros(),
                r.clientCpuMicros(), r.serverRssKib(), r.drainMillis(), r.firstError());
    }

    /**
     * Runs requests made by {@code requests} from request number {@code firstSeq} on; if
     * {@code drain} is not null it is sent once after the load and timed, before CPU is sampled.
     */
    public RunResult run(LongFunction<HttpRequest> requests, Bounds bounds, long firstSeq, HttpRequest drain) {
        AtomicLong next = new AtomicLong(firstSeq);
        long end = firstSeq + bounds.count();
        CountDownLatch connected = new CountDownLatch(bounds.clients());
        CountDownLatch go = new CountDownLatch(1);
        long[] deadline = new long[1];
        AtomicReference<String> firstError = new AtomicReference<>();
        List<Client> clients = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < bounds.clients(); i++) {
            Client c = new Client(requests, bounds, next, end, connected, go, deadline, firstError);
            clients.add(c);
            Thread t = new Thread(c, "bench-client-" + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        CpuSampler cpu = target.cpuSampler();
        awaitQuietly(connected);
        long serverCpu0 = cpu.pids().isEmpty() ? 0 : cpu.cpuMicros();
        long clientCpu0 = cpu.selfCpuMicros();
        long start = System.nanoTime();
        deadline[0] = start + bounds.duration().toNanos();
        go.countDown();
        for (Thread t : threads) {
            joinQuietly(t);
        }
        long elapsed = System.nanoTime() - start;
        double drainMillis = -1;
        if (drain != null) {
            long d0 = System.nanoTime();
            String err = sendOnce(drain);
            drainMillis = (System.nanoTime() - d0) / 1e6;
            if (err != null) {
                firstError.compareAndSet(null, "drain: " + err);
                drainMillis = Double.NaN;
            }
        }
        long serverCpu = cpu.pids().isEmpty() ? -1 : cpu.cpuMicros() - serverCpu0;
        long clientCpu = cpu.selfCpuMicros() - clientCpu0;
        List<Long> rss = cpu.rssKib();
        LatencyHistogram all = new LatencyHistogram();
        long ok = 0;
        long errors = 0;
        long retries = 0;
        for (Client c : clients) {
            all.add(c.latency);
            ok += c.ok;
            errors += c.errors;
            retries += c.retries;
        }
        return new RunResult(ok, errors, retries, elapsed, 1, all, serverCpu, clientCpu, rss, drainMillis,
                firstError.get());
    }

    /** Sends one request on a fresh connection; null on success, else the error. */
    public String sendOnce(HttpRequest request) {
        try (HttpConnection c = new HttpConnection(target.host(), target.port(), 150_000)) {
            return protocol.check(request, c.send(request));
        } catch (IOException e) {
            return e.toString();
        }
    }

    private final class Client implements Runnable {
        private final LongFunction<HttpRequest> requests;
        private final Bounds bounds;
        private final AtomicLong next;
        private final long end;
        private final CountDownLatch connected;
        private final CountDownLatch go;
        private final long[] deadline;
        private final AtomicReference<String> firstError;
        final LatencyHistogram latency = new LatencyHistogram();
        long ok;
        long errors;
        long retries;

        Client(LongFunction<HttpRequest> requests, Bounds bounds, AtomicLong next, long end,
               CountDownLatch connected, CountDownLatch go, long[] deadline, AtomicReference<String> firstError) {
            this.requests = requests;
            this.bounds = bounds;
            this.next = next;
            this.end = end;
            this.connected = connected;
            this.go = go;
            this.deadline = deadline;
            this.firstError = firstError;
        }

        @Override
        public void run() {
            HttpConnection conn = null;
            try {
                conn = tryConnect();
            } finally {
                connected.countDown();
            }
            awaitQuietly(go);
            long stopAt = deadline[0];
            try {
                while (true) {
                    long seq = next.getAndIncrement();
                    if (seq >= end || System.nanoTime() - stopAt >= 0) {
                        break;
                    }
                    if (conn == null) {
                        conn = tryConnect();
                        if (conn == null) {
                            errors++;
                            pause(20);
                            continue;
                        }
                    }
                    HttpRequest request = requests.apply(seq);
                    long t0 = System.nanoTime();
                    String error;
                    int attempt = 0;
                    while (true) {
                        try {
                            HttpResponse response = conn.send(request);
                            if (attempt < bounds.retryBusy() && protocol.isBusy(response)) {
                                attempt++;
                                retries++;
                                pauseMicros(100 + ThreadLocalRandom.current().nextInt(900));
                                continue;
                            }
                            error = protocol.check(request, response);
                            if (!conn.isOpen()) {
                                closeQuietly(conn);
                                conn = null;
                            }
                        } catch (IOException | RuntimeException e) {
                            error = e.toString();
                            closeQuietly(conn);
                            conn = null;
                        }
                        break;
                    }
                    long took = System.nanoTime() - t0;
                    if (error == null) {
                        ok++;
                        latency.record(took);
                    } else {
                        errors++;
                        firstError.compareAndSet(null, error + " <- " + request);
                        if (conn == null) {
                            pause(10);
                        }
                    }
                }
            } finally {
                closeQuietly(conn);
            }
        }

        private HttpConnection tryConnect() {
            try {
                return new HttpConnection(target.host(), target.port(), bounds.timeoutMillis());
            } catch (IOException e) {
                firstError.compareAndSet(null, "connect " + target.host() + ":" + target.port() + ": " + e);
                return null;
            }
        }
    }

    private static void closeQuietly(HttpConnection c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException e) {
                // nothing to do
            }
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void pauseMicros(long micros) {
        try {
            TimeUnit.MICROSECONDS.sleep(micros);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void joinQuietly(Thread t) {
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
