package org.ratmemcache.admin;

/**
 * What {@code GET /admin/stats} answers: the cache as a whole, each tier, the connections, and
 * the process' memory and disk.
 */
public record AdminStats(String version, long uptimeSeconds, Double hitRate, long hits, long misses, long items,
        Connections connections, MemoryTier l1, DiskTier l2, Memory memory, Disk disk) {

    public record Connections(int current, long total, long rejected, int max) {
    }

    /** L1: what memory holds, and how reads and evictions went. */
    public record MemoryTier(long items, long bytes, long maxBytes, Long maxItems, String eviction, long hits, long misses,
            long evictions) {
    }

    /** L2: what the disk tier holds, and how reads, evictions, promotions and writes went. */
    public record DiskTier(boolean enabled, Long items, Long bytes, long hits, long misses, long evictions, long promotions,
            String writePolicy, int writeBackQueue, long writeFailures, boolean healthy, String error) {
    }

    /** The JVM's memory: the heap the L1 lives in, and what Netty and RocksDB take beside it. */
    public record Memory(long heapUsedBytes, long heapMaxBytes, long nonHeapUsedBytes, long directBufferBytes) {
    }

    /** The data directory: its files against the bound, and the room left on its file system. */
    public record Disk(String dataDir, long usedBytes, long maxBytes, long freeBytes) {
    }
}
