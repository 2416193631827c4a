package org.ratmemcache.storage.rocksdb;

import java.nio.file.Path;

/**
 * How the RocksDB tier is opened.
 *
 * @param dataDir              the directory holding the database
 * @param clearOnStartup       delete whatever the directory holds before opening
 * @param writeBufferSize      bytes a memtable collects before it is flushed to a file
 * @param maxWriteBufferNumber memtables kept in memory, the active one included; times
 *                             {@code writeBufferSize}, the budget of every column family's memtables
 * @param blockCacheSize       bytes of uncompressed blocks cached in memory, beside that budget
 * @param compression          block compression of the files on disk
 * @param backgroundThreads    RocksDB's threads for flushes and compactions
 * @param fsync                sync the write-ahead log on every write, so that writes survive a
 *                             power loss and not only a crash of the process
 */
public record RocksDbSettings(Path dataDir, boolean clearOnStartup, long writeBufferSize, int maxWriteBufferNumber,
        long blockCacheSize, Compression compression, int backgroundThreads, boolean fsync) {

    /** Block compression codecs RocksDB offers here. */
    public enum Compression { LZ4, ZSTD, NONE }

    /** RocksDB's own defaults, scaled for a cache: 64 MiB memtables, 2 of them, 64 MiB of block cache. */
    public static RocksDbSettings defaults(Path dataDir) {
        return new RocksDbSettings(dataDir, false, 64L << 20, 2, 64L << 20, Compression.LZ4, 2, false);
    }
}
