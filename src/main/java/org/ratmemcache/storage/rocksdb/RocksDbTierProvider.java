package org.ratmemcache.storage.rocksdb;

import java.nio.file.Path;

import org.ratmemcache.core.DiskTier;
import org.ratmemcache.core.DiskTierException;
import org.ratmemcache.core.DiskTierProvider;

/** The RocksDB tier with default settings, for the library's {@code RatMemCache.builder().l2(path)}. */
public final class RocksDbTierProvider implements DiskTierProvider {

    @Override
    public DiskTier open(Path dataDir) throws DiskTierException {
        return RocksDbTier.open(RocksDbSettings.defaults(dataDir));
    }
}
