package org.ratmemcache.storage.log;

import java.nio.file.Path;

import org.ratmemcache.core.disk.DiskTier;
import org.ratmemcache.core.disk.DiskTierException;
import org.ratmemcache.core.disk.DiskTierProvider;

/** The log tier with default settings, for the library's {@code RatMemCache.builder().l2(path)}. */
public final class LogTierProvider implements DiskTierProvider {

    @Override
    public DiskTier open(Path dataDir) throws DiskTierException {
        return LogTier.open(LogSettings.defaults(dataDir));
    }
}
