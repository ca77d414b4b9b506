package io.raftlite.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The memory defaults a node sets for itself, whatever launches it (docs/architecture.md, start-up
 * and memory): small memtables for the Raft log's RocksDB, SOFAJRaft's object pools off, its shared
 * timers instead of millisecond wheels, and the memtable size as a property.
 */
class ResourceDefaultsIT {
    @TempDir
    Path tmp;

    /** The options RocksDB recorded for the log's data column family, from its OPTIONS file. */
    private static List<String> logColumnFamilyOptions(Path dataDir) throws Exception {
        return Files.readAllLines(optionsFile(dataDir)).stream().map(String::strip).toList();
    }

    /** The newest OPTIONS file RocksDB wrote for the Raft log. */
    private static Path optionsFile(Path dataDir) throws Exception {
        try (var files = Files.list(dataDir.resolve("raft/log"))) {
            return files.filter(f -> f.getFileName().toString().startsWith("OPTIONS-")).sorted().reduce((a, b) -> b)
                    .orElseThrow(() -> new AssertionError("no RocksDB OPTIONS file under " + dataDir.resolve("raft/log")));
        }
    }

    private static String systemProperties(long pid) throws Exception {
        return jcmd(pid, "VM.system_properties");
    }

    private static String jcmd(long pid, String command) throws Exception {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return out;
    }

    @Test
    void raftLogMemtablesAreSmallAndPoolsOff() throws Exception {
        Path data = tmp.resolve("n1");
        try (NodeProcess node = NodeProcess.start(data)) {
            assertThat(logColumnFamilyOptions(data))
                    .contains("write_buffer_size=8388608", "max_write_buffer_number=2")
                    .doesNotContain("write_buffer_size=67108864");
            assertThat(systemProperties(node.pid())).contains("jraft.recyclers.maxCapacityPerThread=0");
            // The node's own timers are SOFAJRaft's shared scheduled executors, not its per-node
            // hashed wheels that tick every millisecond (named JRaft-ElectionTimer-<group/peer> etc.).
            String threads = jcmd(node.pid(), "Thread.print");
            assertThat(threads).contains("JRaft-Global-ElectionTimer")
                    .doesNotContain("\"JRaft-ElectionTimer-", "\"JRaft-VoteTimer-", "\"JRaft-StepDownTimer-",
                            "\"JRaft-SnapshotTimer-");
        }
    }

    @Test
    void memtableSizeIsAProperty() throws Exception {
        Path data = tmp.resolve("n2");
        try (NodeProcess node = NodeProcess.start(data, "--raftlite.raft.log-memtable-bytes=4194304")) {
            assertThat(logColumnFamilyOptions(data)).contains("write_buffer_size=4194304");
        }
    }

    /**
     * The log's write-ahead log is bounded: RocksDB keeps a WAL file until every column family with
     * data in it is flushed, and the configuration family almost never fills, so without a limit
     * every WAL file since the start stayed (on disk, and read again at each start).
     */
    @Test
    void theRaftLogsWriteAheadLogStaysBounded() throws Exception {
        Path data = tmp.resolve("n3");
        long memtable = 1 << 20;
        try (NodeProcess node = NodeProcess.start(data, "--raftlite.raft.log-memtable-bytes=" + memtable)) {
            Api api = new Api(node);
            api.execute("[\"CREATE TABLE blobs (b BLOB)\"]");
            // RANDOMBLOB is rewritten into a literal: each request puts 2 x 300,000 hex digits in the log
            for (int i = 0; i < 40; i++) {
                assertThat(api.execute("[\"INSERT INTO blobs VALUES (randomblob(300000))\"]")).doesNotContain("error");
            }
            long walBytes;
            try (var files = Files.list(data.resolve("raft/log"))) {
                walBytes = files.filter(f -> f.getFileName().toString().endsWith(".log")).mapToLong(f -> f.toFile().length()).sum();
            }
            // about 24 MB went through the log; the limit is 4 memtables, plus the memtable and the
            // write in progress when it is crossed
            assertThat(walBytes).isLessThan(8 * memtable);
            assertThat(Files.readAllLines(optionsFile(data)).stream().map(String::strip))
                    .contains("max_total_wal_size=" + 4 * memtable);
        }
    }
}
