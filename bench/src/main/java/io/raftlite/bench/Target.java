package io.raftlite.bench;

import java.net.URI;
import java.util.List;

/**
 * The server a run talks to: a label for the report (raftlite, rqlite, ...), the protocol, the
 * HTTP address of the node that receives the load, and the pids of every node of the cluster,
 * whose CPU time and memory are sampled.
 */
public record Target(String system, Protocol protocol, String host, int port, List<Integer> pids) {

    public Target {
        pids = List.copyOf(pids);
    }

    public String url() {
        return "http://" + host + ":" + port;
    }

    public CpuSampler cpuSampler() {
        return new CpuSampler(pids);
    }

    /** Parses http://host:port (a path, if any, is ignored; no TLS). */
    public static Target of(String system, Protocol protocol, String url, List<Integer> pids) {
        URI u = URI.create(url.contains("://") ? url : "http://" + url);
        if (!"http".equals(u.getScheme()) || u.getHost() == null) {
            throw new IllegalArgumentException("need an http://host:port URL, got " + url);
        }
        return new Target(system, protocol, u.getHost(), u.getPort() < 0 ? 80 : u.getPort(), pids);
    }
}
