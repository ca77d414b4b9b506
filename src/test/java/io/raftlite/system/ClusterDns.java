package io.raftlite.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Kubernetes DNS for the StatefulSet, as hosts files the pods' JVMs read through
 * {@code -Djdk.net.hosts.file}: every pod's A record ({@code <pod>.<headless FQDN>}) and the
 * headless Service's A records (one per pod, ready or not, as {@code publishNotReadyAddresses}
 * asks). A deleted pod's records disappear; a recreated pod's come back with its new address.
 *
 * <p>Each pod gets its own file because each pod has its own {@code /etc/hosts}: the kubelet writes
 * {@code localhost} and the pod's own name there. The machine's host name is mapped to the pod's
 * address as well, since the simulated JVMs cannot have the pod's name as their host name.
 * Files are replaced atomically, so a JVM never reads half a file.
 */
final class ClusterDns {
    private final Path dir;
    private final String headlessFqdn;
    private final Map<String, String> podFqdns = new LinkedHashMap<>();
    private final Map<String, String> addresses = new TreeMap<>(); // pod name -> IP, pods that exist

    ClusterDns(Path dir, String headlessFqdn) {
        this.dir = dir;
        this.headlessFqdn = headlessFqdn;
    }

    /** The pod exists (again) at {@code ip}: its record and the headless Service's records now say so. */
    synchronized void publish(String podName, String podFqdn, String ip) {
        podFqdns.put(podName, podFqdn);
        addresses.put(podName, ip);
        writeAll();
    }

    /** The pod was deleted: its records are gone until it is recreated. */
    synchronized void withdraw(String podName) {
        addresses.remove(podName);
        writeAll();
    }

    Path hostsFile(String podName) {
        return dir.resolve(podName + ".hosts");
    }

    private void writeAll() {
        for (String pod : podFqdns.keySet()) {
            write(pod);
        }
    }

    private void write(String pod) {
        StringBuilder b = new StringBuilder();
        b.append("# Cluster DNS (simulated): pod records and the headless Service ").append(headlessFqdn).append('\n');
        addresses.forEach((name, ip) -> b.append(ip).append(' ').append(podFqdns.get(name)).append('\n'));
        addresses.forEach((name, ip) -> b.append(ip).append(' ').append(headlessFqdn).append('\n'));
        b.append("# The pod's /etc/hosts, as the kubelet writes it\n");
        b.append("127.0.0.1 localhost\n");
        String own = addresses.get(pod);
        if (own != null) {
            b.append(own).append(' ').append(podFqdns.get(pod)).append(' ').append(pod).append('\n');
            b.append("# Simulation: the JVM's host name is the machine's, not the pod's\n");
            b.append(own).append(' ').append(machineHostName()).append('\n');
        }
        try {
            Path tmp = Files.createTempFile(dir, pod, ".tmp");
            Files.writeString(tmp, b);
            Files.move(tmp, hostsFile(pod), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String machineHostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
