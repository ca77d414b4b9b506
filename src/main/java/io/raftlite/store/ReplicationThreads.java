package io.raftlite.store;

import com.alipay.sofa.jraft.rpc.RpcContext;
import com.alipay.sofa.jraft.rpc.RpcProcessor;
import com.alipay.sofa.jraft.rpc.RpcServer;
import com.alipay.sofa.jraft.rpc.impl.BoltRpcServer;
import com.alipay.sofa.jraft.rpc.impl.core.AppendEntriesRequestProcessor;
import com.alipay.sofa.jraft.util.RpcFactoryHelper;
import java.util.concurrent.Executor;

/**
 * Where a follower handles the leader's AppendEntries requests: on the network thread that read
 * them, instead of handing each to a thread per leader first.
 *
 * <p>With SOFAJRaft's defaults a write at one client crosses about ten threads between the leader
 * and a follower, and on a small virtual machine each wake-up of a parked thread costs tens of
 * microseconds. The follower's hand-off from the network thread was there to keep that thread
 * free; what runs on it instead is the node's handling of the request: it takes the node's lock,
 * checks the entries against its log and queues them for the log's own thread, which writes and
 * fsyncs them and sends the answer. Heartbeats are answered there at once. Rarely it is longer: a
 * request with a new term has the node write its Raft metadata (an fsync), and a follower that
 * catches up may read its log.
 *
 * <p>The price: while the node's lock is held elsewhere (for the longest while by an election,
 * which pings unreachable peers under it, up to the connect timeout each), the network thread
 * waits, and so do the other connections it reads. That stall is bounded, and the thread that
 * handled AppendEntries before waited just the same; nothing that holds the node's lock waits
 * for this node's server-side network threads, so it cannot become a deadlock. Between nodes it
 * can cost an election round: a peer's ping read by the waiting thread goes unanswered until the
 * ping's timeout (about a second), and that peer is skipped for the round.
 *
 * <p>Not done: the leader's side. Handling AppendEntries answers on the leader's network threads
 * saved about as much again, but there the callback can wait for the node's lock (an answer with
 * a higher term) while the lock's holder waits for a new connection to be registered on that same
 * thread (adding a peer pings it), with no timeout: a deadlock.
 */
final class ReplicationThreads {
    private ReplicationThreads() {
    }

    /**
     * SOFAJRaft's server for the Raft port, except that AppendEntries requests are handled on the
     * network thread that read them. jraft handled them one at a time per leader on a thread of its
     * own, and its bookkeeping for pipelined answers (a request counter that is not thread-safe)
     * relies on that, so they are handled one at a time here too; the node's lock serialises most
     * of the work anyway.
     */
    static RpcServer server(com.alipay.remoting.rpc.RpcServer bolt) {
        // What jraft's own selector does before the first pipelined request, done once here so
        // that no request is ever handled elsewhere: Bolt then hands the requests of one read to
        // their processor on the network thread too, instead of queueing them to its pool as one
        // task (which a later read could overtake). The switch is process-wide.
        RpcFactoryHelper.rpcFactory().ensurePipeline();
        return new BoltRpcServer(bolt) {
            @Override
            @SuppressWarnings({"rawtypes", "unchecked"})
            public void registerProcessor(RpcProcessor processor) {
                super.registerProcessor(processor instanceof AppendEntriesRequestProcessor
                        ? new OneAtATimeOnNetworkThread<>(processor) : processor);
            }
        };
    }

    /** A jraft processor whose requests run on the network thread that read them, one at a time. */
    static final class OneAtATimeOnNetworkThread<T> implements RpcProcessor<T> {
        private static final Executor RUN_HERE = Runnable::run;
        private final RpcProcessor<T> processor;

        OneAtATimeOnNetworkThread(RpcProcessor<T> processor) {
            this.processor = processor;
        }

        @Override
        public void handleRequest(RpcContext ctx, T request) {
            synchronized (this) {
                processor.handleRequest(ctx, request);
            }
        }

        @Override
        public String interest() {
            return processor.interest();
        }

        /** Without a selector (jraft's picks a thread per leader), Bolt runs every request here. */
        @Override
        public Executor executor() {
            return RUN_HERE;
        }

        @Override
        public ExecutorSelector executorSelector() {
            return null;
        }
    }
}
