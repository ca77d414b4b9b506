package io.raftlite.jepsen.nemesis;

import io.raftlite.jepsen.cluster.ClusterEvent;
import io.raftlite.jepsen.cluster.ClusterNode;
import io.raftlite.jepsen.cluster.JepsenCluster;
import io.raftlite.jepsen.cluster.NodeHttp;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * Asks a random running node for a snapshot ({@code POST /snapshot}) and kills it with
 * {@code kill -9} the moment the snapshot is being written; heal starts it again. Tests that a
 * half-written snapshot is never used and that the node rebuilds its database from the last
 * complete snapshot and the log.
 *
 * <p>"The moment" is observed, not guessed: SOFAJRaft writes a snapshot into
 * {@code raft/snapshot/temp} and renames it to {@code snapshot_<index>} when complete, so the
 * nemesis polls the node's data directory for a new {@code temp} and kills as soon as the copy of
 * the database into it has begun (a file appears there).
 * Whether the kill hit a snapshot in progress is then read from the directory ({@code temp} still
 * there) and reported in the description and in {@link #lastEvidence()}; a miss (the snapshot was
 * too quick, or there was nothing new to snapshot) is reported as such, never hidden.
 */
public final class CrashDuringSnapshot implements Nemesis {
    private static final Duration WATCH = Duration.ofSeconds(10);

    private ClusterNode crashed;
    private Evidence lastEvidence;

    /**
     * What the last injection found.
     *
     * @param node the node killed
     * @param inProgress a snapshot was being written when the process died ({@code temp} left behind)
     * @param millisAfterRequest time from sending the request to the kill
     * @param detail the request's answer, the files in {@code temp}, snapshot lines from the node's log
     */
    public record Evidence(String node, boolean inProgress, double millisAfterRequest, String detail) {
    }

    @Override
    public String name() {
        return "crash-during-snapshot";
    }

    /** What the last {@link #inject} found; null before the first. */
    public Evidence lastEvidence() {
        return lastEvidence;
    }

    @Override
    public String inject(JepsenCluster cluster, Random random) {
        List<ClusterNode> pick = Targets.pick(cluster.running(), 1, random);
        if (pick.isEmpty()) {
            return "no running node; nothing done";
        }
        ClusterNode node = pick.get(0);
        Path temp = node.dataDir().resolve("raft").resolve("snapshot").resolve("temp");
        FileTime before = modified(temp);
        long logOffset = size(node.logFile());

        AtomicReference<String> answer = new AtomicReference<>();
        Thread request = new Thread(() -> {
            try {
                NodeHttp.Answer a = node.http().postJson("/snapshot", "", Duration.ofSeconds(60));
                answer.set(a.status() + (a.body().isEmpty() ? "" : " " + a.body().trim()));
            } catch (IOException e) {
                answer.set("no answer (" + e.getClass().getSimpleName() + ")");
            }
        }, "crash-during-snapshot request");
        request.setDaemon(true);
        long sent = System.nanoTime();
        request.start();
        String sawTemp = "no new raft/snapshot/temp within " + WATCH.toSeconds() + "s";
        boolean tempSeen = false;
        while (System.nanoTime() - sent < WATCH.toNanos()) {
            FileTime now = tempSeen ? null : modified(temp);
            if (tempSeen || (now != null && !now.equals(before))) {
                tempSeen = true;
                sawTemp = "raft/snapshot/temp appeared";
                if (hasFiles(temp)) {
                    sawTemp = "raft/snapshot/temp appeared and the copy into it began";
                    break;
                }
            }
            if (answer.get() != null) {
                sawTemp = "the request finished before a snapshot was seen";
                break;
            }
            LockSupport.parkNanos(50_000);
        }
        double millis = (System.nanoTime() - sent) / 1e6;
        crashed = node;
        node.kill();
        try {
            request.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }

        FileTime after = modified(temp);
        boolean inProgress = after != null && !after.equals(before);
        String detail = sawTemp + "; answer: " + (answer.get() == null ? "none" : answer.get())
                + "; temp after the kill: " + (after == null ? "absent" : list(temp))
                + "; log: " + snapshotLogLines(node.logFile(), logOffset);
        lastEvidence = new Evidence(node.id(), inProgress, millis, detail);
        cluster.events().record(name(), ClusterEvent.Kind.NOTE, "evidence for " + node.id() + ": " + detail);
        return String.format("kill -9 %s %.1f ms after POST /snapshot: %s", node.id(), millis,
                inProgress ? "a snapshot was being written (raft/snapshot/temp left behind)"
                        : "no snapshot in progress at the kill (missed)");
    }

    @Override
    public String heal(JepsenCluster cluster) {
        if (crashed == null) {
            return "nothing to restart";
        }
        ClusterNode n = crashed;
        crashed = null;
        return Targets.restart(List.of(n));
    }

    private static FileTime modified(Path p) {
        try {
            return Files.getLastModifiedTime(p);
        } catch (IOException e) {
            return null;
        }
    }

    private static boolean hasFiles(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.findAny().isPresent();
        } catch (IOException e) {
            return false;
        }
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return 0;
        }
    }

    private static String list(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName() + "(" + size(f) + " bytes)").sorted().toList().toString();
        } catch (IOException e) {
            return "unreadable (" + e.getMessage() + ")";
        }
    }

    /** Lines about snapshots the node logged since {@code offset}, at most 4. */
    private static String snapshotLogLines(Path log, long offset) {
        List<String> lines = new ArrayList<>();
        try (InputStream in = Files.newInputStream(log)) {
            in.skipNBytes(Math.min(offset, size(log)));
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            for (String line : text.split("\n")) {
                if (line.toLowerCase().contains("snapshot") && lines.size() < 4) {
                    lines.add(line.length() > 200 ? line.substring(line.length() - 200) : line);
                }
            }
        } catch (IOException e) {
            return "unreadable (" + e.getMessage() + ")";
        }
        return lines.isEmpty() ? "no snapshot lines since the request" : String.join(" | ", lines);
    }
}
