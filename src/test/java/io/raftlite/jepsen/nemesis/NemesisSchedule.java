package io.raftlite.jepsen.nemesis;

import io.raftlite.jepsen.cluster.ClusterEvent;
import io.raftlite.jepsen.cluster.JepsenCluster;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs faults on a background thread while the clients work: quiet for {@code healFor}, then a
 * nemesis drawn from the choices with the seeded {@link Random} for {@code faultFor}, healed, and so
 * on until {@link #close()}, which heals the fault in progress before returning. Every start,
 * stop and failure goes to the cluster's event log; {@link #cycles()} and {@link #problems()}
 * summarize them for the run report.
 *
 * <p>A nemesis that throws does not end the schedule: the failure is recorded as a
 * {@link ClusterEvent.Kind#PROBLEM} (a node that did not come back is a finding, not a harness
 * error) and the next cycle starts after the quiet period.
 */
public final class NemesisSchedule implements AutoCloseable {
    private static final Duration CLOSE_WAIT = Duration.ofMinutes(5);

    private final JepsenCluster cluster;
    private final List<Nemesis> choices;
    private final Duration faultFor;
    private final Duration healFor;
    private final Random random;
    private final long seed;
    private final CountDownLatch stop = new CountDownLatch(1);
    private final List<Cycle> cycles = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();
    private Thread thread;
    private boolean closed;

    /**
     * One fault of the schedule.
     *
     * @param nemesis its name
     * @param started when it was in effect
     * @param startDescription what it did
     * @param healed when it was healed (null if healing failed)
     * @param healDescription what healing did, or why it failed
     */
    public record Cycle(String nemesis, Instant started, String startDescription, Instant healed,
            String healDescription) {
    }

    /**
     * @param choices the nemeses to draw from, one per cycle (use {@link Combined} for simultaneous faults)
     * @param faultFor how long each fault lasts
     * @param healFor how long the cluster is left alone between faults (and before the first)
     * @param seed seeds every random choice of the schedule and of the nemeses
     */
    public NemesisSchedule(JepsenCluster cluster, List<Nemesis> choices, Duration faultFor, Duration healFor,
            long seed) {
        if (choices.isEmpty()) {
            throw new IllegalArgumentException("no nemesis to schedule");
        }
        this.cluster = cluster;
        this.choices = List.copyOf(choices);
        this.faultFor = faultFor;
        this.healFor = healFor;
        this.seed = seed;
        this.random = new Random(seed);
    }

    /** Starts the schedule's thread. */
    public synchronized NemesisSchedule start() {
        if (thread != null) {
            throw new IllegalStateException("already started");
        }
        cluster.events().record("schedule", ClusterEvent.Kind.NOTE, "nemesis schedule: " + choices.stream()
                .map(Nemesis::name).toList() + ", fault " + faultFor.toMillis() + " ms, quiet " + healFor.toMillis()
                + " ms, seed " + seed);
        thread = new Thread(this::run, "nemesis-schedule");
        thread.setDaemon(true);
        thread.start();
        return this;
    }

    private void run() {
        while (!waitOrStop(healFor)) {
            Nemesis nemesis = choices.get(random.nextInt(choices.size()));
            Instant started = null;
            String description;
            try {
                description = nemesis.start(cluster, random);
                started = Instant.now();
            } catch (RuntimeException e) {
                description = "start failed: " + e;
                problem(nemesis, description);
            }
            waitOrStop(faultFor);
            Instant healed = null;
            String healDescription;
            try {
                healDescription = nemesis.stop(cluster);
                healed = Instant.now();
            } catch (RuntimeException e) {
                healDescription = "heal failed: " + e;
                synchronized (this) {
                    problems.add(nemesis.name() + ": " + healDescription);
                }
            }
            synchronized (this) {
                cycles.add(new Cycle(nemesis.name(), started, description, healed, healDescription));
            }
        }
    }

    private void problem(Nemesis nemesis, String text) {
        cluster.events().record(nemesis.name(), ClusterEvent.Kind.PROBLEM, text);
        synchronized (this) {
            problems.add(nemesis.name() + ": " + text);
        }
    }

    /** Waits {@code d}; true if the schedule was told to stop (at once or during the wait). */
    private boolean waitOrStop(Duration d) {
        try {
            return stop.await(d.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    /** The faults run so far. */
    public synchronized List<Cycle> cycles() {
        return List.copyOf(cycles);
    }

    /** Faults that could not be started or healed, in words. */
    public synchronized List<String> problems() {
        return List.copyOf(problems);
    }

    /**
     * Ends the fault in progress early, heals it, and stops the schedule. Waits for the heal (a node
     * restart may take a while).
     *
     * @throws IllegalStateException if the schedule's thread did not end within 5 minutes
     */
    @Override
    public void close() {
        stop.countDown();
        Thread t;
        synchronized (this) {
            t = thread;
            if (t == null || closed) {
                return;
            }
            closed = true;
        }
        try {
            t.join(CLOSE_WAIT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (t.isAlive()) {
            throw new IllegalStateException("nemesis schedule did not stop within " + CLOSE_WAIT);
        }
        cluster.events().record("schedule", ClusterEvent.Kind.NOTE, "nemesis schedule stopped after "
                + cycles().size() + " fault(s), " + problems().size() + " problem(s)");
    }
}
