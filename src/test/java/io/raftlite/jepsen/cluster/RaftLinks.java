package io.raftlite.jepsen.cluster;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The network between the nodes' Raft ports: one {@link LinkProxy} per directed link
 * {@code from -> to}, carrying the connections {@code from} opens to {@code to} and the answers on
 * them. The proxy of link {@code ni -> nj} listens on 127.0.i.j at {@code nj}'s Raft port; node
 * {@code ni}'s hosts file maps {@code nj}'s Raft name there.
 *
 * <p>Partitions are expressed as which directed links drop: {@link #partition} cuts every link
 * between different components both ways, {@link #cut} one direction only. Every change is
 * recorded in the event log. Thread-safe.
 */
public final class RaftLinks implements AutoCloseable {
    private final List<String> nodeIds;
    private final Map<String, Map<String, LinkProxy>> links = new LinkedHashMap<>();
    private final EventLog events;

    private RaftLinks(List<String> nodeIds, EventLog events) {
        this.nodeIds = List.copyOf(nodeIds);
        this.events = events;
    }

    /** The loopback address where node {@code fromIndex}'s connections to node {@code toIndex} arrive (1-based). */
    public static InetAddress proxyAddress(int fromIndex, int toIndex) {
        try {
            return InetAddress.getByAddress(new byte[] {127, 0, (byte) fromIndex, (byte) toIndex});
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /**
     * Opens a proxy for every ordered pair of distinct nodes.
     *
     * @param nodeIds the node IDs, {@code n1..nN}, in index order
     * @param raftPorts each node's Raft port, same order
     */
    static RaftLinks open(List<String> nodeIds, List<Integer> raftPorts, EventLog events) throws IOException {
        RaftLinks net = new RaftLinks(nodeIds, events);
        try {
            for (int i = 0; i < nodeIds.size(); i++) {
                Map<String, LinkProxy> out = new LinkedHashMap<>();
                net.links.put(nodeIds.get(i), out);
                for (int j = 0; j < nodeIds.size(); j++) {
                    if (i == j) {
                        continue;
                    }
                    int port = raftPorts.get(j);
                    out.put(nodeIds.get(j), LinkProxy.open(nodeIds.get(i) + "->" + nodeIds.get(j),
                            new InetSocketAddress(proxyAddress(i + 1, j + 1), port),
                            new InetSocketAddress(InetAddress.getLoopbackAddress(), port)));
                }
            }
        } catch (IOException | RuntimeException e) {
            net.close();
            throw e;
        }
        return net;
    }

    public List<String> nodeIds() {
        return nodeIds;
    }

    /** A directed link: the connections {@code from} opens to {@code to}. */
    public record Link(String from, String to) {
        @Override
        public String toString() {
            return from + "->" + to;
        }
    }

    /** Every directed link between a node of {@code a} and a node of {@code b}, both ways. */
    public static Set<Link> between(Collection<String> a, Collection<String> b) {
        Set<Link> out = new java.util.LinkedHashSet<>();
        for (String x : a) {
            for (String y : b) {
                if (!x.equals(y)) {
                    out.add(new Link(x, y));
                    out.add(new Link(y, x));
                }
            }
        }
        return out;
    }

    /** The mode of every link. */
    public synchronized Map<Link, LinkMode> modes() {
        Map<Link, LinkMode> out = new LinkedHashMap<>();
        links.forEach((from, out2) -> out2.forEach((to, p) -> out.put(new Link(from, to), p.mode())));
        return out;
    }

    /**
     * Sets the given links to the given modes, leaving every other link as it is, and records one
     * event {@code why: changes}. Faults that touch only their own links compose: a partition
     * during a delay keeps the delay on the links it does not cut.
     *
     * @return the modes the changed links had before, to give back to {@code apply} for undoing
     */
    public synchronized Map<Link, LinkMode> apply(Map<Link, LinkMode> changes, String why) {
        Map<Link, LinkMode> previous = new LinkedHashMap<>();
        for (Map.Entry<Link, LinkMode> e : changes.entrySet()) {
            LinkProxy p = link(e.getKey().from(), e.getKey().to());
            previous.put(e.getKey(), p.mode());
            p.setMode(e.getValue());
        }
        events.record("links", ClusterEvent.Kind.NETWORK, why + ": " + describe(changes));
        return previous;
    }

    /** {@code n1->n2 DROP, n2->n1 DROP}, or with every link in the same mode {@code 6 links DROP: n1->n2, ...}. */
    private static String describe(Map<Link, LinkMode> changes) {
        if (changes.isEmpty()) {
            return "no links changed";
        }
        Set<LinkMode> distinct = Set.copyOf(changes.values());
        if (distinct.size() == 1) {
            return changes.size() + " link(s) " + distinct.iterator().next() + ": "
                    + changes.keySet().stream().map(Link::toString).collect(Collectors.joining(", "));
        }
        return changes.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
    }

    /** The proxy of link {@code from -> to}. */
    public synchronized LinkProxy link(String from, String to) {
        Map<String, LinkProxy> out = links.get(from);
        LinkProxy p = out == null ? null : out.get(to);
        if (p == null) {
            throw new IllegalArgumentException("no link " + from + "->" + to + " (nodes " + nodeIds + ")");
        }
        return p;
    }

    /** Every link. */
    public synchronized List<LinkProxy> all() {
        List<LinkProxy> all = new ArrayList<>();
        links.values().forEach(out -> all.addAll(out.values()));
        return all;
    }

    /** Sets one direction of one link. */
    public synchronized void set(String from, String to, LinkMode mode) {
        link(from, to).setMode(mode);
        events.record("links", ClusterEvent.Kind.NETWORK, from + "->" + to + " " + mode);
    }

    /** Drops {@code from -> to} only: {@code from} cannot reach {@code to}, nor hear answers on those connections. */
    public synchronized void cut(String from, String to) {
        set(from, to, LinkMode.DROP);
    }

    /**
     * Drops every link between nodes of different components, both ways, and lets links within a
     * component pass. Every node must be in exactly one component.
     *
     * @return the description recorded in the event log
     */
    public synchronized String partition(List<? extends Collection<String>> components) {
        Map<String, Integer> componentOf = new HashMap<>();
        for (int c = 0; c < components.size(); c++) {
            for (String id : components.get(c)) {
                if (componentOf.put(requireNode(id), c) != null) {
                    throw new IllegalArgumentException(id + " is in two components: " + components);
                }
            }
        }
        if (!componentOf.keySet().equals(Set.copyOf(nodeIds))) {
            throw new IllegalArgumentException("components " + components + " do not cover " + nodeIds);
        }
        for (String from : nodeIds) {
            for (String to : nodeIds) {
                if (!from.equals(to)) {
                    link(from, to).setMode(componentOf.get(from).equals(componentOf.get(to)) ? LinkMode.PASS
                            : LinkMode.DROP);
                }
            }
        }
        String text = "partition " + components.stream().map(c -> c.stream().sorted().toList().toString())
                .collect(Collectors.joining(" | "));
        events.record("links", ClusterEvent.Kind.NETWORK, text);
        return text;
    }

    /** Cuts {@code node} off from every other node, both ways. */
    public synchronized String isolate(String node) {
        requireNode(node);
        List<String> rest = nodeIds.stream().filter(n -> !n.equals(node)).toList();
        return partition(List.of(List.of(node), rest));
    }

    /**
     * A bridge: {@code left} and {@code right} cannot reach each other, both reach {@code bridge}.
     * Everything else passes.
     */
    public synchronized String bridge(Collection<String> left, String bridge, Collection<String> right) {
        heal(false);
        for (String a : left) {
            for (String b : right) {
                link(a, b).setMode(LinkMode.DROP);
                link(b, a).setMode(LinkMode.DROP);
            }
        }
        String text = "bridge " + left.stream().sorted().toList() + " <-> " + bridge + " <-> "
                + right.stream().sorted().toList() + " (" + left.stream().sorted().toList() + " and "
                + right.stream().sorted().toList() + " cut from each other)";
        events.record("links", ClusterEvent.Kind.NETWORK, text);
        return text;
    }

    /** Delays every link, both directions, by {@code mode}'s delay and jitter. */
    public synchronized void delayAll(LinkMode mode) {
        if (mode.kind() != LinkMode.Kind.DELAY) {
            throw new IllegalArgumentException("not a delay: " + mode);
        }
        all().forEach(p -> p.setMode(mode));
        events.record("links", ClusterEvent.Kind.NETWORK, "all links " + mode);
    }

    /** Every link passes again; bytes held by dropped links move on. */
    public synchronized void heal() {
        heal(true);
    }

    private void heal(boolean record) {
        all().forEach(p -> p.setMode(LinkMode.PASS));
        if (record) {
            events.record("links", ClusterEvent.Kind.NETWORK, "all links PASS");
        }
    }

    /** Closes every open connection on every link (nodes reconnect through the proxies). */
    public synchronized void closeAllConnections() {
        all().forEach(LinkProxy::closeConnections);
        events.record("links", ClusterEvent.Kind.NETWORK, "closed all connections on all links");
    }

    /** True if every link passes. */
    public synchronized boolean allPassing() {
        return all().stream().allMatch(p -> p.mode().kind() == LinkMode.Kind.PASS);
    }

    /** The links that do not pass, e.g. {@code {n1->n2=DROP, ...}}; empty when all pass. */
    public synchronized Map<String, LinkMode> faults() {
        Map<String, LinkMode> out = new TreeMap<>();
        for (LinkProxy p : all()) {
            if (p.mode().kind() != LinkMode.Kind.PASS) {
                out.put(p.name(), p.mode());
            }
        }
        return out;
    }

    private String requireNode(String id) {
        if (!nodeIds.contains(id)) {
            throw new IllegalArgumentException("unknown node " + id + " (nodes " + nodeIds + ")");
        }
        return id;
    }

    /** Closes every proxy; reports, after closing all of them, the first that could not close cleanly. */
    @Override
    public synchronized void close() {
        RuntimeException first = null;
        for (LinkProxy p : all()) {
            try {
                p.close();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
