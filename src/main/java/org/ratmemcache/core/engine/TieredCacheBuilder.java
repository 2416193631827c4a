package org.ratmemcache.core.engine;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.function.BiFunction;

import org.ratmemcache.core.CacheStats;
import org.ratmemcache.core.Clock;
import org.ratmemcache.core.compress.ValueCompression;
import org.ratmemcache.core.disk.DiskTier;
import org.ratmemcache.core.disk.DiskTierException;
import org.ratmemcache.core.memory.Epochs;
import org.ratmemcache.core.memory.Eviction;
import org.ratmemcache.core.memory.EvictorThread;
import org.ratmemcache.core.memory.ItemView;
import org.ratmemcache.core.memory.KeyStripes;
import org.ratmemcache.core.memory.MemoryTier;

/**
 * Settings of a {@link TieredCache}, each with memcached's default, and the assembly of its parts:
 * the one place that tells a memory-only cache from one with a disk tier.
 */
public final class TieredCacheBuilder {

    private Clock clock = Clock.SYSTEM;
    private long maxMemory = 64L << 20;
    private long maxEntries = Long.MAX_VALUE;
    private Eviction eviction = Eviction.HYBRID;
    private EvictorThread evictorThread = EvictorThread.OWN;
    private long itemSizeMax = 1L << 20;
    private Duration sweepInterval = Duration.ofSeconds(30);
    private DiskTier disk;
    private boolean writeThrough;
    private long largeValueThreshold = Long.MAX_VALUE;
    private int diskThreads = 4;
    private long writeBackMaxChanges = 100_000;
    private long writeBackMaxBytes = 64L << 20;
    private Duration writeBackMaxLag = Duration.ofMillis(100);
    private Duration writeTimeout = Duration.ofSeconds(1);
    private long maxDiskSize;
    private ValueCompression compression = ValueCompression.OFF;

    TieredCacheBuilder() {
    }

    public TieredCacheBuilder clock(Clock clock) {
        this.clock = clock;
        return this;
    }

    /** The L1 byte budget, memcached's {@code -m}; default 64 MiB. */
    public TieredCacheBuilder maxMemory(long bytes) {
        this.maxMemory = bytes;
        return this;
    }

    /** The L1 entry bound; default none. */
    public TieredCacheBuilder maxEntries(long entries) {
        this.maxEntries = entries;
        return this;
    }

    /** Which items L1 gives up first; default {@link Eviction#HYBRID}. */
    public TieredCacheBuilder eviction(Eviction eviction) {
        this.eviction = eviction;
        return this;
    }

    /** Which thread keeps L1 within its bounds; default its own ({@link EvictorThread#OWN}). */
    public TieredCacheBuilder evictorThread(EvictorThread thread) {
        this.evictorThread = thread;
        return this;
    }

    /** The largest item, memcached's {@code -I}; default 1 MiB. */
    public TieredCacheBuilder itemSizeMax(long bytes) {
        this.itemSizeMax = bytes;
        return this;
    }

    /** How often expired items are swept; zero turns the sweeper off. Default 30 seconds. */
    public TieredCacheBuilder sweepInterval(Duration interval) {
        if (interval.isNegative()) {
            throw new IllegalArgumentException("sweep interval must not be negative: " + interval);
        }
        this.sweepInterval = interval;
        return this;
    }

    /** An L2 tier below memory; the cache takes it over and closes it. Default none. */
    public TieredCacheBuilder disk(DiskTier disk) {
        this.disk = disk;
        return this;
    }

    /** Acknowledge a write only once it is in L2's write-ahead log. Default false: write-back. */
    public TieredCacheBuilder writeThrough(boolean writeThrough) {
        this.writeThrough = writeThrough;
        return this;
    }

    /** Values longer than this skip L1 and live in L2 only. Default: none skips. */
    public TieredCacheBuilder largeValueThreshold(long bytes) {
        this.largeValueThreshold = bytes;
        return this;
    }

    /** Threads that read L2 for commands memory cannot answer. Default 4. */
    public TieredCacheBuilder diskThreads(int threads) {
        this.diskThreads = threads;
        return this;
    }

    /** Bounds of the write-back queue: past any, writers are held back. Default 100,000, 64 MiB, 100 ms. */
    public TieredCacheBuilder writeBackLimits(long changes, long bytes, Duration lag) {
        this.writeBackMaxChanges = changes;
        this.writeBackMaxBytes = bytes;
        this.writeBackMaxLag = lag;
        return this;
    }

    /**
     * The longest a client waits for the disk: a write-through write not on disk by then, and
     * writes while the disk has taken nothing for that long, are answered as failed. Default 1 s.
     */
    public TieredCacheBuilder writeTimeout(Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("the write timeout must be more than 0: " + timeout);
        }
        this.writeTimeout = timeout;
        return this;
    }

    /**
     * The bound on the disk tier's files; past it the oldest records are evicted. Checked every
     * second. Default 0: unbounded.
     */
    public TieredCacheBuilder maxDiskSize(long bytes) {
        this.maxDiskSize = bytes;
        return this;
    }

    /** How values are compressed in memory. Default: not at all. */
    public TieredCacheBuilder compression(ValueCompression compression) {
        this.compression = compression;
        return this;
    }

    /** Builds the cache; with a disk tier, reserves its first block of CAS values there. */
    public TieredCache build() {
        CacheStats stats = new CacheStats();
        if (disk == null) {
            return assemble(stats, DurableState.inMemory(), (state, memory) -> L2.NONE);
        }
        try {
            ExecutorService threads = DiskL2.threads(diskThreads);
            DurableState resumed = DurableState.resume(disk.openingState(), disk::writeState, threads);
            return assemble(stats, resumed, (state, memory) -> {
                DiskUpkeep upkeep = new DiskUpkeep(disk, state, clock, stats, sweepInterval, maxDiskSize);
                WriteBack writeBack = new WriteBack(disk, memory, writeThrough, writeBackMaxChanges, writeBackMaxBytes,
                        writeBackMaxLag, writeTimeout, upkeep);
                return new DiskL2(disk, threads, writeBack, upkeep, writeThrough);
            });
        } catch (DiskTierException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** Memory first (it checks its bounds), then what lies below it and the threads that start. */
    private TieredCache assemble(CacheStats stats, DurableState state, BiFunction<DurableState, MemoryTier, L2> below) {
        EvictionHook evictions = new EvictionHook();
        MemoryTier memory = new MemoryTier(eviction, maxMemory, maxEntries, clock, new Epochs(), new KeyStripes(),
                countEvictions(state, stats, evictions), evictorThread);
        Tiers tiers = new Tiers(memory, below.apply(state, memory), largeValueThreshold, compression);
        ExpirySweeper sweeper = new ExpirySweeper(memory, state, clock, stats, sweepInterval);
        return new TieredCache(clock, stats, tiers, state, sweeper, itemSizeMax, evictions);
    }

    /** Tells an eviction from a reclaim: an evicted item already dead counts as reclaimed. */
    private MemoryTier.Listener countEvictions(DurableState state, CacheStats stats, EvictionHook evictions) {
        return new MemoryTier.Listener() {
            @Override
            public boolean isDead(ItemView item) {
                return state.isDead(item, clock.millis());
            }

            @Override
            public void dropped(ItemView item, boolean dead) {
                if (dead) {
                    stats.reclaimed(item);
                } else {
                    stats.evicted(item);
                    evictions.accept(item);
                }
            }
        };
    }
}
