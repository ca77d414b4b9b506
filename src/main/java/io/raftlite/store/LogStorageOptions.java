package io.raftlite.store;

import com.alipay.sofa.jraft.storage.impl.RocksDBLogStorage;
import com.alipay.sofa.jraft.util.StorageOptionsFactory;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;

/**
 * How much memory and write-ahead log the Raft log's RocksDB may hold.
 *
 * <p>Memtables: SOFAJRaft's default lets each of the log's column families grow three memtables of
 * 64 MiB before writes stall, sized for a server that owns its machine; that alone can take a node
 * past its whole memory budget under a write load. The log is written once, read back soon
 * (replication, apply) and deleted after the next snapshot, so small memtables that flush often
 * cost little.
 *
 * <p>Write-ahead log: the log has two column families, the entries and the (rarely written)
 * configuration entries. RocksDB deletes a WAL file only once every column family with data in it
 * has been flushed, and the configuration family's memtable fills so slowly that, with SOFAJRaft's
 * limit of 1 GiB of WAL, every WAL file since the last configuration change is kept: on disk, and
 * read again at every start (27 files, 180 MB, a third of a second, after a minute of benchmark
 * load). A limit of a few memtables makes RocksDB flush the configuration family when the WAL
 * grows past it, so old files go.
 *
 * <p>SOFAJRaft keeps these options in a process-wide table: the first node started in a JVM
 * decides them, later ones (tests that start several stores in one JVM) get the same.
 */
final class LogStorageOptions {
    /** WAL the log may keep, in memtables: two of the entries' family plus room to switch. */
    private static final int WAL_MEMTABLES = 4;

    private static boolean registered;

    private LogStorageOptions() {
    }

    /**
     * Limits each column family of the log to two memtables of {@code memtableBytes} each, and the
     * log's WAL to {@link #WAL_MEMTABLES} times that. Must run before the first Raft node of the
     * process starts.
     */
    static synchronized void limit(long memtableBytes) {
        if (registered) {
            return;
        }
        ColumnFamilyOptions options = StorageOptionsFactory.getDefaultRocksDBColumnFamilyOptions();
        options.setWriteBufferSize(memtableBytes);
        options.setMaxWriteBufferNumber(2);
        StorageOptionsFactory.registerRocksDBColumnFamilyOptions(RocksDBLogStorage.class, options);
        DBOptions db = StorageOptionsFactory.getDefaultRocksDBOptions();
        db.setMaxTotalWalSize(WAL_MEMTABLES * memtableBytes);
        StorageOptionsFactory.registerRocksDBOptions(RocksDBLogStorage.class, db);
        registered = true;
    }
}
