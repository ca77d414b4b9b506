package io.raftlite.jepsen.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The timestamped record of everything done to a cluster during a run, in order: node kills and
 * restarts, pauses, link changes and the nemeses' start and stop. Kept in memory for the runner and
 * appended, one line per event, to {@code events.log} in the run directory so that a failed run can
 * be read against the nodes' logs. Listeners see each event as it is recorded (on the recording
 * thread). Thread-safe.
 */
public final class EventLog {
    private final Path file;
    private final List<ClusterEvent> events = new ArrayList<>();
    private final List<Consumer<ClusterEvent>> listeners = new CopyOnWriteArrayList<>();

    /** @param file where lines are appended; null to keep events in memory only */
    public EventLog(Path file) {
        this.file = file;
    }

    /** Records an event now and tells the listeners. */
    public ClusterEvent record(String source, ClusterEvent.Kind kind, String message) {
        ClusterEvent event;
        synchronized (events) {
            event = new ClusterEvent(events.size() + 1L, Instant.now(), System.nanoTime(), source, kind, message);
            events.add(event);
            if (file != null) {
                try {
                    Files.writeString(file, event.line() + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                            StandardOpenOption.APPEND);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot append to " + file, e);
                }
            }
        }
        for (Consumer<ClusterEvent> l : listeners) {
            l.accept(event);
        }
        return event;
    }

    /** The events so far, oldest first. */
    public List<ClusterEvent> events() {
        synchronized (events) {
            return List.copyOf(events);
        }
    }

    /** Events of one kind so far. */
    public List<ClusterEvent> events(ClusterEvent.Kind kind) {
        return events().stream().filter(e -> e.kind() == kind).toList();
    }

    /** Calls {@code listener} for every event recorded from now on. */
    public void addListener(Consumer<ClusterEvent> listener) {
        listeners.add(listener);
    }

    public void removeListener(Consumer<ClusterEvent> listener) {
        listeners.remove(listener);
    }

    /** The file events are appended to, or null. */
    public Path file() {
        return file;
    }
}
