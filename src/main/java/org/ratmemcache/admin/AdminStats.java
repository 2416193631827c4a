package org.ratmemcache.admin;

import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.util.Optional;

import org.ratmemcache.config.RatMemCacheConfig;
import org.ratmemcache.core.CacheStats;
import org.ratmemcache.core.CacheView;
import org.ratmemcache.server.CommandLatency;
import org.ratmemcache.server.ConnectionCounts;
import org.ratmemcache.server.MemcachedServer;
import org.ratmemcache.server.ServerStats;

/**
 * What {@code GET /admin/stats} answers: the cache as a whole, each tier, the connections, and
 * the process' memory and disk.
 */
public record AdminStats(String version, long uptimeSeconds, Double hitRate, long hits, long misses, long items,
        Connections connections, Connections respConnections, Commands commands, MemoryTier l1, DiskTier l2, Memory memory,
        Disk disk) {

    /** Reads every figure now. */
    static AdminStats read(CacheView cache, MemcachedServer server, RatMemCacheConfig config) {
        CacheStats stats = cache.stats();
        long hits = stats.getHits.sum();
        long misses = stats.getMisses.sum();
        return new AdminStats(server.settings().version(), server.uptimeSeconds(),
                hits + misses == 0 ? null : (double) hits / (hits + misses), hits, misses, cache.itemCount(),
                Connections.of(server), Connections.ofResp(server), Commands.of(server.stats()), MemoryTier.of(cache, config.l1()),
                DiskTier.of(cache, config.l2()),
                Memory.now(), cache.disk().map(disk -> Disk.of(disk, config.l2())).orElse(null));
    }

    /** A listener's connections: open, admitted and turned away since the start, and its limit. */
    public record Connections(int current, long total, long rejected, int max) {

        /** memcached's listeners. */
        static Connections of(MemcachedServer server) {
            return of(server.stats().memcachedConnections(), server.settings().maxConnections());
        }

        /** The Redis protocol's listener; null when it is not served. */
        static Connections ofResp(MemcachedServer server) {
            return server.settings().resp()
                    .map(resp -> of(server.stats().respConnections(), resp.settings().maxConnections())).orElse(null);
        }

        private static Connections of(ConnectionCounts counts, int max) {
            return new Connections(counts.current(), counts.total(), counts.rejected(), max);
        }
    }

    /** Commands executed since the start, by protocol: memcached's text (with meta) and binary, and Redis's. */
    public record Commands(long text, long binary, long resp) {

        static Commands of(ServerStats stats) {
            return new Commands(stats.commands(CommandLatency.Protocol.TEXT), stats.commands(CommandLatency.Protocol.BINARY),
                    stats.commands(CommandLatency.Protocol.RESP));
        }
    }

    /** L1: what memory holds, and how reads and evictions went. */
    public record MemoryTier(long items, long bytes, long maxBytes, Long maxItems, String eviction, long hits, long misses,
            long evictions) {

        static MemoryTier of(CacheView cache, RatMemCacheConfig.L1 l1) {
            CacheStats stats = cache.stats();
            return new MemoryTier(cache.memory().items(), cache.memory().bytes(), cache.memory().maxBytes(),
                    l1.maxEntries().isPresent() ? l1.maxEntries().getAsLong() : null, l1.eviction().name().toLowerCase(),
                    stats.l1Hits.sum(), stats.l1Misses.sum(), stats.evictions.sum());
        }
    }

    /** L2: what the disk tier holds, and how reads, evictions, promotions and writes went. */
    public record DiskTier(boolean enabled, Long items, Long bytes, long hits, long misses, long evictions, long promotions,
            String writePolicy, int writeBackQueue, long writeBackLagMillis, long writeFailures, boolean healthy, String error) {

        static DiskTier of(CacheView cache, RatMemCacheConfig.L2 l2) {
            CacheStats stats = cache.stats();
            Optional<CacheView.DiskFigures> disk = cache.disk();
            Optional<Throwable> failure = disk.flatMap(CacheView.DiskFigures::writeFailure);
            return new DiskTier(disk.isPresent(), disk.map(CacheView.DiskFigures::items).orElse(null),
                    disk.map(CacheView.DiskFigures::dataBytes).orElse(null),
                    stats.l2Hits.sum(), stats.l2Misses.sum(), stats.l2Evictions.sum(), stats.promotions.sum(),
                    l2.writePolicy().name().toLowerCase().replace('_', '-'), disk.map(CacheView.DiskFigures::writeBackQueue).orElse(0),
                    disk.map(CacheView.DiskFigures::writeBackLagMillis).orElse(0L),
                    disk.map(CacheView.DiskFigures::writeFailures).orElse(0L), failure.isEmpty(),
                    failure.map(Throwable::getMessage).orElse(null));
        }
    }

    /** The JVM's memory: the heap the L1 lives in, and what Netty and RocksDB take beside it. */
    public record Memory(long heapUsedBytes, long heapMaxBytes, long nonHeapUsedBytes, long directBufferBytes) {

        static Memory now() {
            MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
            long direct = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                    .filter(pool -> pool.getName().equals("direct")).mapToLong(BufferPoolMXBean::getMemoryUsed).sum();
            return new Memory(memory.getHeapMemoryUsage().getUsed(), memory.getHeapMemoryUsage().getMax(),
                    memory.getNonHeapMemoryUsage().getUsed(), direct);
        }
    }

    /** The data directory: its files against the bound, and the room left on its file system. */
    public record Disk(String dataDir, long usedBytes, long maxBytes, long freeBytes) {

        static Disk of(CacheView.DiskFigures disk, RatMemCacheConfig.L2 l2) {
            long free;
            try {
                free = Files.getFileStore(l2.dataDir()).getUsableSpace();
            } catch (IOException e) {
                free = -1;
            }
            return new Disk(l2.dataDir().toAbsolutePath().toString(), disk.diskUsage(), l2.maxDiskSize().asLongValue(), free);
        }
    }
}
