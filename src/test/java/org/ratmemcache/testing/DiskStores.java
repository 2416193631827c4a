package org.ratmemcache.testing;

import java.nio.file.Path;

import org.ratmemcache.core.disk.DiskTier;
import org.ratmemcache.core.disk.DiskTierException;
import org.ratmemcache.storage.log.LogSettings;
import org.ratmemcache.storage.log.LogTier;
import org.ratmemcache.storage.rocksdb.RocksDbSettings;
import org.ratmemcache.storage.rocksdb.RocksDbTier;

/** The disk tier's stores, each opened small for tests, with its own count of its records one by one. */
public enum DiskStores {
    ROCKSDB {
        @Override
        public DiskTier open(Path dir, boolean compressed) throws DiskTierException {
            return RocksDbTier.open(new RocksDbSettings(dir, false, 1L << 20, 2, 1L << 20,
                    compressed ? RocksDbSettings.Compression.LZ4 : RocksDbSettings.Compression.NONE, 1, false));
        }

        @Override
        public long[] recount(DiskTier disk) throws DiskTierException {
            return ((RocksDbTier) disk).recount();
        }
    },
    LOG {
        @Override
        public DiskTier open(Path dir, boolean compressed) throws DiskTierException {
            return LogTier.open(new LogSettings(dir, false, 1L << 20, 16L << 20, false));
        }

        @Override
        public long[] recount(DiskTier disk) throws DiskTierException {
            return ((LogTier) disk).recount();
        }
    };

    /** Opens the store in {@code dir}: 1 MiB memtables or segments; {@code compressed} only matters to RocksDB. */
    public abstract DiskTier open(Path dir, boolean compressed) throws DiskTierException;

    /** Records and bytes, counted one by one. */
    public abstract long[] recount(DiskTier disk) throws DiskTierException;
}
