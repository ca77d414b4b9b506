package io.raftlite.cluster;

import io.raftlite.store.Store;
import org.springframework.context.SmartLifecycle;

/**
 * On shutdown, a leader hands leadership over before the web server stops taking requests. Spring
 * stops lifecycles from the highest phase down; the web server's graceful shutdown runs at
 * {@code DEFAULT_PHASE - 1024}, so this one, just above it, runs first. Requests that arrive meanwhile
 * are forwarded to the new leader like on any follower, instead of failing in the window between the
 * web server's stop and the store's close (which would otherwise do the hand-over).
 */
class ShutdownHandover implements SmartLifecycle {
    private final Store store;
    private volatile boolean running;

    ShutdownHandover(Store store) {
        this.store = store;
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        store.handOverLeadership();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 512;
    }
}
