package io.raftlite.cluster;

import com.alipay.sofa.jraft.option.RpcOptions;
import com.alipay.sofa.jraft.rpc.InvokeCallback;
import com.alipay.sofa.jraft.rpc.RpcClient;
import com.alipay.sofa.jraft.util.Endpoint;
import com.alipay.sofa.jraft.util.RpcFactoryHelper;
import io.raftlite.command.ClusterRequest;
import io.raftlite.command.ClusterResponse;
import io.raftlite.config.HostPort;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Calls another node's cluster service over its Raft port. Thread-safe; one per node.
 */
public final class ClusterClient implements AutoCloseable {
    private final RpcClient rpc;

    public ClusterClient() {
        ClusterWire.register();
        rpc = RpcFactoryHelper.rpcFactory().createRpcClient();
        rpc.init(new RpcOptions());
    }

    /** A call that could not be made or answered (connection refused, timeout, ...). */
    public static final class ClusterCallException extends RuntimeException {
        public ClusterCallException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Sends {@code request} to the node at {@code raftAddr}, retrying {@code retries} more times on
     * failure.
     *
     * @throws ClusterCallException if no attempt got an answer
     */
    public ClusterResponse call(String raftAddr, ClusterRequest request, Duration timeout, int retries) {
        try {
            return callAsync(raftAddr, request, timeout, retries).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterCallException("interrupted", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new ClusterCallException(describe(e.getCause()), e.getCause());
        }
    }

    /**
     * As {@link #call}, without holding the calling thread: the future completes with the answer, or
     * fails with {@link ClusterCallException} once no attempt got one. Callers should not do slow work
     * on the thread that completes it (one of Bolt's).
     */
    public CompletableFuture<ClusterResponse> callAsync(String raftAddr, ClusterRequest request, Duration timeout,
            int retries) {
        CompletableFuture<ClusterResponse> result = new CompletableFuture<>();
        try {
            HostPort hp = HostPort.parse(raftAddr, "node address");
            attempt(new Endpoint(hp.host(), hp.port()), request, Math.max(1, timeout.toMillis()), Math.max(0, retries), result);
        } catch (RuntimeException e) {
            result.completeExceptionally(e);
        }
        return result;
    }

    private void attempt(Endpoint endpoint, ClusterRequest request, long timeoutMillis, int retriesLeft,
            CompletableFuture<ClusterResponse> result) {
        InvokeCallback done = (answer, error) -> {
            if (error == null && answer instanceof ClusterResponse r) {
                result.complete(r);
                return;
            }
            RuntimeException failure = error == null ? new IllegalStateException("unexpected answer " + answer)
                    : error instanceof RuntimeException r ? r : new IllegalStateException(error.getMessage(), error);
            retryOrFail(endpoint, request, timeoutMillis, retriesLeft, result, failure);
        };
        try {
            rpc.invokeAsync(endpoint, request, done, timeoutMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            result.completeExceptionally(new ClusterCallException("interrupted", e));
        } catch (Exception e) {
            retryOrFail(endpoint, request, timeoutMillis, retriesLeft, result,
                    e instanceof RuntimeException r ? r : new IllegalStateException(e.getMessage(), e));
        }
    }

    private void retryOrFail(Endpoint endpoint, ClusterRequest request, long timeoutMillis, int retriesLeft,
            CompletableFuture<ClusterResponse> result, RuntimeException failure) {
        if (retriesLeft > 0) {
            // Not on the thread that reported the failure (Bolt's network or timer thread): a new
            // attempt may have to connect, which blocks.
            CompletableFuture.runAsync(() -> attempt(endpoint, request, timeoutMillis, retriesLeft - 1, result));
        } else {
            result.completeExceptionally(new ClusterCallException(describe(failure), failure));
        }
    }

    /**
     * A failure as an operator reads it (in {@code /nodes} and forwarding errors): timeouts as
     * rqlite words them, otherwise the message without the exception class names Bolt prefixes it with.
     */
    static String describe(Throwable failure) {
        if (failure == null) {
            return "no answer";
        }
        String message = failure.getMessage();
        if (message == null || message.isBlank()) {
            return failure.getClass().getSimpleName();
        }
        if (message.toLowerCase(java.util.Locale.ROOT).contains("timeout")) {
            return "timeout waiting for node to respond";
        }
        return CLASS_PREFIX.matcher(message).replaceFirst("");
    }

    /** Leading {@code a.b.SomeException: } prefixes, as left by exceptions that wrap their cause. */
    private static final java.util.regex.Pattern CLASS_PREFIX =
            java.util.regex.Pattern.compile("^(?:(?:[a-z_][\\w$]*\\.)+[A-Z][\\w$]*(?:Exception|Error): )+");

    @Override
    public void close() {
        rpc.shutdown();
    }
}
