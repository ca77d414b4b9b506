package io.raftlite.it;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Ports for the processes and listeners a test starts.
 *
 * <p>Asking the kernel for port 0 and closing the socket is not enough on a busy machine: the kernel
 * hands out that same range for every outgoing connection, and can hand the same port to two
 * callers in a row, so a node's HTTP port could equal its own Raft port (a CI run failed that way:
 * "Port 43417 was already in use" by the node's own Raft server). So ports come from below
 * Linux's ephemeral range (32768 and up), where no outgoing connection lands, each at most once per
 * test JVM, and only after a bind on every address shows it is free now.
 */
public final class FreePorts {

    /** First and last+1 port handed out: under the ephemeral range, above the benchmark's 19xxx. */
    private static final int FIRST = 20_000;
    private static final int END = 32_000;
    private static final AtomicInteger NEXT = new AtomicInteger(
            ThreadLocalRandom.current().nextInt(END - FIRST));

    private FreePorts() {
    }

    /** A port no other caller in this JVM has had, free on every address when this returns. */
    public static int next() {
        for (int attempt = 0; attempt < END - FIRST; attempt++) {
            int port = FIRST + Math.floorMod(NEXT.getAndIncrement(), END - FIRST);
            if (bindable(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no free port in " + FIRST + "-" + (END - 1));
    }

    private static boolean bindable(int port) {
        return bindable(new InetSocketAddress(port)) && bindable(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    }

    private static boolean bindable(InetSocketAddress address) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(address);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
