package org.ratmemcache.storage.rocksdb;

import java.nio.file.Path;

import org.ratmemcache.core.disk.DiskTier;
import org.ratmemcache.core.disk.DiskTierException;
import org.ratmemcache.core.disk.DiskTierProvider;

/** The RocksDB tier with default settings, for the library's {@code RatMemCache.builder().l2(path)}. */
public final class RocksDbTierProvider implements DiskTierProvider {

    @Override
    public DiskTier open(Path dataDir) throws DiskTierException {
        return RocksDbTier.open(RocksDbSettings.defaults(dataDir));
    }
}
