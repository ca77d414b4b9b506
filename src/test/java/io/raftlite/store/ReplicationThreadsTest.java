package io.raftlite.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.alipay.sofa.jraft.option.RpcOptions;
import com.alipay.sofa.jraft.rpc.InvokeCallback;
import com.alipay.sofa.jraft.rpc.RpcClient;
import com.alipay.sofa.jraft.rpc.RpcContext;
import com.alipay.sofa.jraft.rpc.RpcProcessor;
import com.alipay.sofa.jraft.rpc.RpcRequests.PingRequest;
import com.alipay.sofa.jraft.rpc.RpcServer;
import com.alipay.sofa.jraft.rpc.impl.PingRequestProcessor;
import com.alipay.sofa.jraft.util.Endpoint;
import com.alipay.sofa.jraft.util.RpcFactoryHelper;
import com.alipay.sofa.jraft.util.concurrent.DefaultFixedThreadsExecutorGroup;
import com.alipay.sofa.jraft.util.concurrent.SingleThreadExecutor;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Which thread handles replication's messages: over a real Bolt connection on loopback, answers
 * reach their callbacks on the network thread, the leader's AppendEntries callbacks run there, and
 * anything handed over from inside one goes to jraft's executor (its lock is not reentrant).
 */
class ReplicationThreadsTest {
    private static final String NETWORK_THREAD = "bolt-netty-client-worker";
    private static RpcServer server;
    private static RpcClient client;
    private static Endpoint endpoint;
    private static ExecutorService standIn;

    @BeforeAll
    static void start() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        endpoint = new Endpoint("127.0.0.1", port);
        server = ReplicationThreads.server(new com.alipay.remoting.rpc.RpcServer("127.0.0.1", port, true));
        server.registerProcessor(new PingRequestProcessor(null));
        assertThat(server.init(null)).isTrue();
        ReplicationThreads.answerOnNetworkThreads();
        ReplicationThreads.answerOnNetworkThreads(); // idempotent
        client = RpcFactoryHelper.rpcFactory().createRpcClient();
        client.init(new RpcOptions());
        standIn = Executors.newSingleThreadExecutor(r -> new Thread(r, "jraft-stand-in"));
    }

    @AfterAll
    static void stop() {
        client.shutdown();
        server.shutdown();
        standIn.shutdownNow();
    }

    private static PingRequest ping() {
        return PingRequest.newBuilder().setSendTimestamp(System.currentTimeMillis()).build();
    }

    private static void call(Executor executor, Runnable onAnswer) throws Exception {
        client.invokeAsync(endpoint, ping(), new InvokeCallback() {
            @Override
            public void complete(Object result, Throwable err) {
                onAnswer.run();
            }

            @Override
            public Executor executor() {
                return executor;
            }
        }, 10_000);
    }

    @Test
    void anAnswerReachesACallbackWithoutExecutorOnTheNetworkThread() throws Exception {
        CompletableFuture<String> thread = new CompletableFuture<>();
        call(null, () -> thread.complete(Thread.currentThread().getName()));
        assertThat(thread.get(10, TimeUnit.SECONDS)).startsWith(NETWORK_THREAD);
    }

    @Test
    void aCallbackWithItsOwnExecutorStillRunsThere() throws Exception {
        CompletableFuture<String> thread = new CompletableFuture<>();
        call(standIn, () -> thread.complete(Thread.currentThread().getName()));
        assertThat(thread.get(10, TimeUnit.SECONDS)).isEqualTo("jraft-stand-in");
    }

    @Test
    void appendEntriesCallbacksRunOnTheNetworkThreadAndWhatTheyHandOverDoesNot() throws Exception {
        SingleThreadExecutor callbacks = ReplicationThreads.appendEntriesCallbacks(
                new DefaultFixedThreadsExecutorGroup(new ExecutorService[] {standIn})).next();
        CompletableFuture<String> outer = new CompletableFuture<>();
        CompletableFuture<String> nested = new CompletableFuture<>();
        call(callbacks, () -> {
            outer.complete(Thread.currentThread().getName());
            callbacks.execute(() -> nested.complete(Thread.currentThread().getName()));
        });
        assertThat(outer.get(10, TimeUnit.SECONDS)).startsWith(NETWORK_THREAD);
        assertThat(nested.get(10, TimeUnit.SECONDS)).isEqualTo("jraft-stand-in");

        // Handed over outside an answer's dispatch (a timer, a sending thread): jraft's executor.
        CompletableFuture<String> outside = new CompletableFuture<>();
        callbacks.execute(() -> outside.complete(Thread.currentThread().getName()));
        assertThat(outside.get(10, TimeUnit.SECONDS)).isEqualTo("jraft-stand-in");
    }

    @Test
    void appendEntriesRequestsRunOnTheThreadThatReadThemOneAtATime() throws Exception {
        CountDownLatch firstInside = new CountDownLatch(1);
        CountDownLatch releaseFirst = new CountDownLatch(1);
        AtomicInteger inside = new AtomicInteger();
        List<String> handled = new CopyOnWriteArrayList<>();
        RpcProcessor<String> jraft = new RpcProcessor<>() {
            @Override
            public void handleRequest(RpcContext ctx, String request) {
                assertThat(inside.incrementAndGet()).isEqualTo(1);
                handled.add(request + "@" + Thread.currentThread().getName());
                if (request.equals("first")) {
                    firstInside.countDown();
                    try {
                        releaseFirst.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                inside.decrementAndGet();
            }

            @Override
            public String interest() {
                return "test";
            }
        };
        var onNetwork = new ReplicationThreads.OneAtATimeOnNetworkThread<>(jraft);
        assertThat(onNetwork.interest()).isEqualTo("test");
        Executor selected = onNetwork.executorSelector().select("test", null);
        Thread first = new Thread(() -> selected.execute(() -> onNetwork.handleRequest(null, "first")), "reader-1");
        Thread second = new Thread(() -> selected.execute(() -> onNetwork.handleRequest(null, "second")), "reader-2");
        first.start();
        assertThat(firstInside.await(10, TimeUnit.SECONDS)).isTrue();
        second.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (second.getState() != Thread.State.BLOCKED && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(second.getState()).isEqualTo(Thread.State.BLOCKED);
        assertThat(handled).containsExactly("first@reader-1");
        releaseFirst.countDown();
        first.join(10_000);
        second.join(10_000);
        assertThat(handled).containsExactly("first@reader-1", "second@reader-2");
    }
}
