package io.raftlite.jepsen.nemesis;

import io.raftlite.jepsen.cluster.JepsenCluster;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;

/**
 * Several nemeses at once, e.g. a partition while the leader is paused and every link is slow:
 * started in the order given, healed in reverse, so that each heals the state it found.
 */
public final class Combined implements Nemesis {
    private final List<Nemesis> parts;
    private final List<Nemesis> started = new ArrayList<>();

    public Combined(List<Nemesis> parts) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("nothing to combine");
        }
        this.parts = List.copyOf(parts);
    }

    public static Combined of(Nemesis... parts) {
        return new Combined(List.of(parts));
    }

    public List<Nemesis> parts() {
        return parts;
    }

    @Override
    public String name() {
        return parts.stream().map(Nemesis::name).collect(Collectors.joining("+"));
    }

    /** Injects every part; if one fails, it and the parts before it are healed before the failure is thrown. */
    @Override
    public String inject(JepsenCluster cluster, Random random) {
        List<String> done = new ArrayList<>();
        for (Nemesis n : parts) {
            started.add(n); // healed even if its inject fails half way
            try {
                done.add(n.name() + ": " + n.inject(cluster, random));
            } catch (RuntimeException e) {
                try {
                    heal(cluster);
                } catch (RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
        }
        return String.join("; ", done);
    }

    /** Heals the injected parts in reverse order; all are tried, the first failure is thrown. */
    @Override
    public String heal(JepsenCluster cluster) {
        List<String> done = new ArrayList<>();
        RuntimeException failure = null;
        for (int i = started.size() - 1; i >= 0; i--) {
            Nemesis n = started.get(i);
            try {
                done.add(n.name() + ": " + n.heal(cluster));
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        started.clear();
        if (failure != null) {
            throw failure;
        }
        return done.isEmpty() ? "nothing to heal" : String.join("; ", done);
    }
}
