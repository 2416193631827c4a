package org.ratmemcache.config;

import java.time.Duration;

import io.quarkus.runtime.configuration.MemorySize;

/**
 * The bounds SmallRye Config's converters do not know: each broken setting stops startup with one
 * line naming its key, before anything is allocated or bound.
 */
public final class ConfigChecks {

    /** memcached's -I floor and ceiling. */
    private static final long ITEM_SIZE_MIN = 1024;
    private static final long ITEM_SIZE_MAX = 1024L * 1024 * 1024;

    private ConfigChecks() {
    }

    public static void check(RatMemCacheConfig config) {
        RatMemCacheConfig.Server server = config.server();
        range("ratmemcache.server.port", server.port(), 0, 65535);
        server.ioThreads().ifPresent(threads -> range("ratmemcache.server.io-threads", threads, 1, 1024));
        range("ratmemcache.server.max-connections", server.maxConnections(), 1, Integer.MAX_VALUE);
        notNegative("ratmemcache.server.idle-timeout", server.idleTimeout());
        notNegative("ratmemcache.server.drain-timeout", server.drainTimeout());
        range("ratmemcache.server.item-size-max", server.itemSizeMax().asLongValue(), ITEM_SIZE_MIN, ITEM_SIZE_MAX);

        RatMemCacheConfig.L1 l1 = config.l1();
        positive("ratmemcache.l1.max-memory", l1.maxMemory());
        l1.maxEntries().ifPresent(entries -> range("ratmemcache.l1.max-entries", entries, 1, Long.MAX_VALUE));

        RatMemCacheConfig.Ttl ttl = config.ttl();
        notNegative("ratmemcache.ttl.cleanup-interval", ttl.cleanupInterval());
        notNegative("ratmemcache.ttl.default-ttl", ttl.defaultTtl());
        notNegative("ratmemcache.ttl.max-ttl", ttl.maxTtl());

        range("ratmemcache.compression.threshold", config.compression().threshold().asLongValue(), 0, Integer.MAX_VALUE);

        RatMemCacheConfig.L2 l2 = config.l2();
        if (l2.enabled()) {
            range("ratmemcache.l2.worker-threads", l2.workerThreads(), 1, 1024);
            range("ratmemcache.l2.background-threads", l2.backgroundThreads(), 1, 1024);
            range("ratmemcache.l2.max-write-buffer-number", l2.maxWriteBufferNumber(), 1, 64);
            range("ratmemcache.l2.write-back-queue-items", l2.writeBackQueueItems(), 1, Long.MAX_VALUE);
            l2.writeBackQueueSize().ifPresent(size -> positive("ratmemcache.l2.write-back-queue-size", size));
            l2.writeBufferSize().ifPresent(size -> positive("ratmemcache.l2.write-buffer-size", size));
            l2.blockCacheSize().ifPresent(size -> positive("ratmemcache.l2.block-cache-size", size));
            if (l2.writeTimeout().isNegative() || l2.writeTimeout().isZero()) {
                throw new InvalidSettingException("ratmemcache.l2.write-timeout", "must be more than 0s, was " + l2.writeTimeout());
            }
            if (l2.writeBackMaxLag().isNegative() || l2.writeBackMaxLag().isZero()) {
                throw new InvalidSettingException("ratmemcache.l2.write-back-max-lag", "must be more than 0s, was " + l2.writeBackMaxLag());
            }
        }
    }

    private static void range(String key, long value, long min, long max) {
        if (value < min || value > max) {
            throw new InvalidSettingException(key, max == Long.MAX_VALUE || max == Integer.MAX_VALUE
                    ? "must be at least " + min + ", was " + value
                    : "must be within " + min + ".." + max + ", was " + value);
        }
    }

    private static void positive(String key, MemorySize size) {
        if (size.asLongValue() <= 0) {
            throw new InvalidSettingException(key, "must be more than 0 bytes, was " + size.asLongValue());
        }
    }

    private static void notNegative(String key, Duration duration) {
        if (duration.isNegative()) {
            throw new InvalidSettingException(key, "must not be negative, was " + duration);
        }
    }
}
