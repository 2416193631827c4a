package org.ratmemcache.core.disk;

import java.nio.file.Path;

/**
 * Opens a disk tier in a directory, for {@link org.ratmemcache.core.RatMemCache.Builder#l2(Path)}: the core does not
 * know RocksDB, the storage module registers its provider through the ServiceLoader.
 */
public interface DiskTierProvider {

    /** Opens (creating if needed) the disk tier that lives in {@code dataDir}, with default settings. */
    DiskTier open(Path dataDir) throws DiskTierException;
}
