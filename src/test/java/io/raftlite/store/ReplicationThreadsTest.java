package io.raftlite.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.alipay.sofa.jraft.option.RpcOptions;
import com.alipay.sofa.jraft.rpc.InvokeCallback;
import com.alipay.sofa.jraft.rpc.RpcClient;
import com.alipay.sofa.jraft.rpc.RpcContext;
import com.alipay.sofa.jraft.rpc.RpcProcessor;
import com.alipay.sofa.jraft.rpc.RpcRequests.AppendEntriesRequest;
import com.alipay.sofa.jraft.rpc.RpcRequests.PingRequest;
import com.alipay.sofa.jraft.rpc.RpcServer;
import com.alipay.sofa.jraft.rpc.impl.PingRequestProcessor;
import com.alipay.sofa.jraft.rpc.impl.core.AppendEntriesRequestProcessor;
import com.alipay.sofa.jraft.util.Endpoint;
import com.alipay.sofa.jraft.util.RpcFactoryHelper;
import com.google.protobuf.Message;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Which thread handles a follower's AppendEntries: over a real Bolt connection on loopback, the
 * network thread that read it, while the Raft port's other requests keep theirs; and one request at
 * a time.
 */
class ReplicationThreadsTest {
    /** Bolt's server-side network threads. */
    private static final String NETWORK_THREAD = "Rpc-netty-server-worker";
    private static final CompletableFuture<String> appendEntriesThread = new CompletableFuture<>();
    private static final CompletableFuture<String> pingThread = new CompletableFuture<>();
    private static RpcServer server;
    private static RpcClient client;
    private static Endpoint endpoint;

    @BeforeAll
    static void start() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        endpoint = new Endpoint("127.0.0.1", port);
        server = ReplicationThreads.server(new com.alipay.remoting.rpc.RpcServer("127.0.0.1", port, true));
        // jraft's own processors, recording the thread they run on; then they answer as usual
        // (an error here: no node of that group lives in this process).
        server.registerProcessor(new AppendEntriesRequestProcessor(null) {
            @Override
            public Message processRequest(AppendEntriesRequest request, com.alipay.sofa.jraft.rpc.RpcRequestClosure done) {
                appendEntriesThread.complete(Thread.currentThread().getName());
                return super.processRequest(request, done);
            }
        });
        server.registerProcessor(new PingRequestProcessor(null) {
            @Override
            public void handleRequest(RpcContext ctx, PingRequest request) {
                pingThread.complete(Thread.currentThread().getName());
                super.handleRequest(ctx, request);
            }
        });
        assertThat(server.init(null)).isTrue();
        client = RpcFactoryHelper.rpcFactory().createRpcClient();
        client.init(new RpcOptions());
    }

    @AfterAll
    static void stop() {
        client.shutdown();
        server.shutdown();
    }

    private static void send(Message request) throws Exception {
        client.invokeAsync(endpoint, request, new InvokeCallback() {
            @Override
            public void complete(Object result, Throwable err) {
                // The answer does not matter here, only where the request ran.
            }
        }, 10_000);
    }

    @Test
    void appendEntriesRunsOnTheNetworkThreadThatReadIt() throws Exception {
        send(AppendEntriesRequest.newBuilder().setGroupId("no-such-group").setServerId("127.0.0.1:1")
                .setPeerId("127.0.0.1:2").setTerm(1).setPrevLogTerm(0).setPrevLogIndex(0).setCommittedIndex(0)
                .build());
        assertThat(appendEntriesThread.get(10, TimeUnit.SECONDS)).startsWith(NETWORK_THREAD);
    }

    @Test
    void otherRequestsKeepTheirThreads() throws Exception {
        send(PingRequest.newBuilder().setSendTimestamp(System.currentTimeMillis()).build());
        assertThat(pingThread.get(10, TimeUnit.SECONDS)).doesNotStartWith(NETWORK_THREAD);
    }

    @Test
    void requestsAreHandledOneAtATime() throws Exception {
        CountDownLatch firstInside = new CountDownLatch(1);
        CountDownLatch releaseFirst = new CountDownLatch(1);
        AtomicInteger inside = new AtomicInteger();
        List<String> handled = new CopyOnWriteArrayList<>();
        RpcProcessor<String> jraft = new RpcProcessor<>() {
            @Override
            public void handleRequest(RpcContext ctx, String request) {
                handled.add(request + "@" + Thread.currentThread().getName() + " with " + inside.incrementAndGet());
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
        assertThat(onNetwork.executorSelector()).isNull();
        Executor selected = onNetwork.executor();
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
        assertThat(handled).containsExactly("first@reader-1 with 1");
        releaseFirst.countDown();
        first.join(10_000);
        second.join(10_000);
        assertThat(first.isAlive() || second.isAlive()).as("both requests finished").isFalse();
        // Each ran on the thread that handed it over, and alone.
        assertThat(handled).containsExactly("first@reader-1 with 1", "second@reader-2 with 1");
    }
}
