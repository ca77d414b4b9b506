package io.raftlite.store;

import com.alipay.sofa.jraft.storage.impl.RocksDBLogStorage;
import com.alipay.sofa.jraft.util.StorageOptionsFactory;
import org.rocksdb.ColumnFamilyOptions;

/**
 * The memory the Raft log's RocksDB may hold in memtables. SOFAJRaft's default lets each of the
 * log's column families grow three memtables of 64 MiB before writes stall, sized for a server
 * that owns its machine; that alone can take a node past its whole memory budget under a write
 * load. The log is written once, read back soon (replication, apply) and deleted after the next
 * snapshot, so small memtables that flush often cost little.
 *
 * <p>SOFAJRaft keeps these options in a process-wide table: the first node started in a JVM
 * decides them, later ones (tests that start several stores in one JVM) get the same.
 */
final class LogStorageOptions {
    private static boolean registered;

    private LogStorageOptions() {
    }

    /**
     * Limits each column family of the log to two memtables of {@code memtableBytes} each.
     * Must run before the first Raft node of the process starts.
     */
    static synchronized void limitMemtables(long memtableBytes) {
        if (registered) {
            return;
        }
        ColumnFamilyOptions options = StorageOptionsFactory.getDefaultRocksDBColumnFamilyOptions();
        options.setWriteBufferSize(memtableBytes);
        options.setMaxWriteBufferNumber(2);
        StorageOptionsFactory.registerRocksDBColumnFamilyOptions(RocksDBLogStorage.class, options);
        registered = true;
    }
}
