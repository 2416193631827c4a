package org.ratmemcache.config;

import io.quarkus.runtime.configuration.MemorySize;

/**
 * The memory the L2 tier adds to L1's: the write-back queue (on the heap), and RocksDB's memtables
 * and block cache, or the log's directory of the keys (native). Each one not set is derived from {@code l1.max-memory}, memcached's
 * {@code -m}, so that {@code -m} stays the one number an operator sets:
 * <ul>
 *   <li>write-back queue: a quarter of {@code -m}, 4–64 MiB (at 100 ms of lag, the queue is
 *       full only past 40 MB/s of writes even at its smallest);</li>
 *   <li>memtable: an eighth of {@code -m}, 4–64 MiB, times {@code l2.max-write-buffer-number};</li>
 *   <li>block cache: an eighth of {@code -m}, 8–256 MiB (L1 holds the hot items already; the
 *       cache mostly keeps RocksDB's index and filter blocks);</li>
 *   <li>the log's key directory: a quarter of {@code -m}, 16 MiB–1 GiB, about 43 bytes a key
 *       on disk at its fullest (32-byte slots, three quarters used), so the disk holds at most
 *       as many keys as that: about 390,000 at {@code -m 64}, 6.2 million at {@code -m 1024}.</li>
 * </ul>
 * At the default {@code -m 64}: 16 MiB of queue, 2 × 8 MiB of memtables and 8 MiB of block cache;
 * at {@code -m 1024}: 64 MiB, 2 × 64 MiB and 128 MiB. The launcher sizes the heap with the same
 * rule for the queue.
 */
public record L2Memory(long writeBackQueueBytes, long writeBufferBytes, long blockCacheBytes, long directoryBytes) {

    private static final long MIB = 1L << 20;

    /** The settings given, and the derived defaults for the others. */
    public static L2Memory of(long maxMemory, RatMemCacheConfig.L2 l2) {
        L2Memory derived = derived(maxMemory);
        return new L2Memory(
                l2.writeBackQueueSize().map(MemorySize::asLongValue).orElse(derived.writeBackQueueBytes),
                l2.writeBufferSize().map(MemorySize::asLongValue).orElse(derived.writeBufferBytes),
                l2.blockCacheSize().map(MemorySize::asLongValue).orElse(derived.blockCacheBytes),
                l2.directorySize().map(MemorySize::asLongValue).orElse(derived.directoryBytes));
    }

    /** Everything derived from {@code maxMemory}, as when none is set. */
    public static L2Memory derived(long maxMemory) {
        return new L2Memory(clamp(maxMemory / 4, 4 * MIB, 64 * MIB), clamp(maxMemory / 8, 4 * MIB, 64 * MIB),
                clamp(maxMemory / 8, 8 * MIB, 256 * MIB), clamp(maxMemory / 4, 16 * MIB, 1024 * MIB));
    }

    private static long clamp(long value, long min, long max) {
        return Math.max(min, Math.min(max, value));
    }
}
