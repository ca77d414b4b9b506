package io.raftlite.store;

import com.alipay.remoting.Protocol;
import com.alipay.remoting.ProtocolCode;
import com.alipay.remoting.ProtocolManager;
import com.alipay.remoting.RemotingCommand;
import com.alipay.remoting.RemotingContext;
import com.alipay.remoting.rpc.protocol.RpcCommandCode;
import com.alipay.remoting.rpc.protocol.RpcProtocol;
import com.alipay.remoting.rpc.protocol.RpcProtocolV2;
import com.alipay.remoting.rpc.protocol.RpcResponseProcessor;
import com.alipay.sofa.jraft.rpc.RpcContext;
import com.alipay.sofa.jraft.rpc.RpcProcessor;
import com.alipay.sofa.jraft.rpc.RpcServer;
import com.alipay.sofa.jraft.rpc.impl.BoltRpcServer;
import com.alipay.sofa.jraft.rpc.impl.core.AppendEntriesRequestProcessor;
import com.alipay.sofa.jraft.util.RpcFactoryHelper;
import com.alipay.sofa.jraft.util.concurrent.DefaultFixedThreadsExecutorGroup;
import com.alipay.sofa.jraft.util.concurrent.FixedThreadsExecutorGroup;
import com.alipay.sofa.jraft.util.concurrent.SingleThreadExecutor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handles replication's messages on the network thread that read them, instead of handing each to
 * another thread first.
 *
 * <p>With SOFAJRaft's defaults a write at one client crosses about ten threads between the leader
 * and a follower, and on a small virtual machine every wake-up of a parked thread costs tens of
 * microseconds. Two of those hand-offs are only there to leave the network thread free:
 * <ul>
 *   <li>on a follower, each AppendEntries request went from the network thread to a thread per
 *       leader before the node looked at it ({@link #server});
 *   <li>on the leader, each AppendEntries answer went from the network thread to Bolt's pool and
 *       from there to one of jraft's threads per follower before the replicator counted it
 *       ({@link #answerOnNetworkThreads}, {@link #appendEntriesCallbacks}).
 * </ul>
 * What runs on the network thread instead is short: the follower's node takes its lock, checks the
 * entries and queues them for its log (the fsync happens on the log's own thread); the leader's
 * replicator records the answer, queues the next entries and, with a quorum, tells the state
 * machine's queue. Every other callback keeps the thread it had.
 *
 * <p>Not done here: sending, reading the log and applying stay on SOFAJRaft's threads.
 */
final class ReplicationThreads {
    private static final Logger log = LoggerFactory.getLogger(ReplicationThreads.class);
    private static final AtomicBoolean answersInstalled = new AtomicBoolean();

    /** Where the current thread is: dispatching an answer on a network thread, or running its callback. */
    private static final class Dispatch {
        static final int NONE = 0;
        static final int ANSWER = 1;
        static final int CALLBACK = 2;
        int state = NONE;
    }

    private static final ThreadLocal<Dispatch> dispatch = ThreadLocal.withInitial(Dispatch::new);

    private ReplicationThreads() {
    }

    /**
     * SOFAJRaft's server for the Raft port, except that AppendEntries requests are handled on the
     * network thread that read them. They were handled one at a time per leader on a thread of
     * their own, and jraft's bookkeeping for pipelined answers relies on that, so they are handled
     * one at a time here too (the node's own lock serialises most of the work anyway).
     */
    static RpcServer server(com.alipay.remoting.rpc.RpcServer bolt) {
        return new BoltRpcServer(bolt) {
            @Override
            @SuppressWarnings({"rawtypes", "unchecked"})
            public void registerProcessor(RpcProcessor processor) {
                super.registerProcessor(processor instanceof AppendEntriesRequestProcessor
                        ? new OneAtATimeOnNetworkThread<>(processor) : processor);
            }
        };
    }

    /**
     * Makes Bolt hand every answer to its callback from the network thread that read it, instead of
     * from a thread of its pool first; callbacks that name an executor still run there. Bolt's
     * protocols are shared by the whole process, so this applies to every Bolt client in it: a caller
     * whose callback must not run on a network thread has to give it an executor
     * (io.raftlite.cluster.ClusterClient does). Idempotent.
     */
    static void answerOnNetworkThreads() {
        if (!answersInstalled.compareAndSet(false, true)) {
            return;
        }
        for (byte code : new byte[] {RpcProtocol.PROTOCOL_CODE, RpcProtocolV2.PROTOCOL_CODE}) {
            Protocol protocol = ProtocolManager.getProtocol(ProtocolCode.fromBytes(code));
            if (protocol == null) {
                answersInstalled.set(false);
                throw new IllegalStateException("Bolt's protocols are not set up yet (start a Bolt server first)");
            }
            // Bolt logs a warning that it replaces its own processor; that is the intent.
            protocol.getCommandHandler().registerProcessor(RpcCommandCode.RPC_RESPONSE, new AnswerOnNetworkThread());
        }
    }

    /**
     * The executors jraft runs the leader's AppendEntries callbacks on: the callback runs at once
     * when it is handed over while {@link #answerOnNetworkThreads} dispatches an answer, and goes
     * to jraft's own executor otherwise. "Otherwise" includes a callback handed over from inside
     * such a callback (a send that fails at once while the replicator's lock is held: jraft's lock
     * is not reentrant), from a timer (a timeout) and from a thread that sends.
     */
    static FixedThreadsExecutorGroup appendEntriesCallbacks(FixedThreadsExecutorGroup jraft) {
        List<SingleThreadExecutor> executors = new ArrayList<>();
        for (SingleThreadExecutor executor : jraft) {
            executors.add(new RunDuringAnswer(executor));
        }
        return new DefaultFixedThreadsExecutorGroup(executors.toArray(new SingleThreadExecutor[0]));
    }

    /** Bolt's answer processor, run on the network thread instead of being queued to Bolt's pool. */
    static final class AnswerOnNetworkThread extends RpcResponseProcessor {
        @Override
        public void process(RemotingContext ctx, RemotingCommand answer, ExecutorService unused) {
            Dispatch d = dispatch.get();
            int before = d.state;
            d.state = Dispatch.ANSWER;
            try {
                doProcess(ctx, answer);
            } catch (Throwable t) {
                // As Bolt's pool did: a failing callback must not take the network thread with it.
                log.warn("processing an answer on the Raft port failed", t);
            } finally {
                d.state = before;
            }
        }
    }

    /** One of jraft's single-thread executors, bypassed while an answer is being dispatched. */
    record RunDuringAnswer(SingleThreadExecutor jraft) implements SingleThreadExecutor {
        @Override
        public void execute(Runnable task) {
            Dispatch d = dispatch.get();
            if (d.state != Dispatch.ANSWER) {
                jraft.execute(task);
                return;
            }
            d.state = Dispatch.CALLBACK;
            try {
                task.run();
            } finally {
                d.state = Dispatch.ANSWER;
            }
        }

        /** jraft's executors are shared by the process and outlive a node: not ours to shut down. */
        @Override
        public boolean shutdownGracefully() {
            return true;
        }

        @Override
        public boolean shutdownGracefully(long timeout, TimeUnit unit) {
            return true;
        }
    }

    /** A jraft processor whose requests run on the network thread, one at a time. */
    static final class OneAtATimeOnNetworkThread<T> implements RpcProcessor<T> {
        private static final Executor RUN_HERE = Runnable::run;
        private final RpcProcessor<T> processor;
        private final ExecutorSelector selector;

        OneAtATimeOnNetworkThread(RpcProcessor<T> processor) {
            this.processor = processor;
            this.selector = (requestClass, header) -> {
                // As jraft's own selector does before the first pipelined request.
                RpcFactoryHelper.rpcFactory().ensurePipeline();
                return RUN_HERE;
            };
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

        @Override
        public Executor executor() {
            return RUN_HERE;
        }

        @Override
        public ExecutorSelector executorSelector() {
            return selector;
        }
    }
}
