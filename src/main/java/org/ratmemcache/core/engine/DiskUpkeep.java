package org.ratmemcache.core.engine;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.ratmemcache.core.CacheStats;
import org.ratmemcache.core.Clock;
import org.ratmemcache.core.disk.DiskTier;
import org.ratmemcache.core.disk.DiskTierException;
import org.ratmemcache.core.disk.Removals;

/**
 * The disk tier's upkeep, run by the write-back thread between batches so that the tier keeps a
 * single writer: it deletes expired and flushed records every sweep interval (and soon after a
 * flush), a bounded number per round so that writes are not held up, and evicts the oldest
 * records while the disk is over its size bound.
 *
 * <p>Files shrink only once RocksDB's compaction has dropped what was deleted, so after an
 * eviction the size is left to settle before it is measured again.
 */
final class DiskUpkeep implements Consumer<Removals> {

    private static final System.Logger LOG = System.getLogger(DiskUpkeep.class.getName());

    /** Records reclaimed per round at most. */
    static final int RECLAIM_BUDGET = 10_000;
    /** How often the disk's size is checked against its bound. */
    private static final long SIZE_CHECK_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** After an eviction, time for compaction to give the space back before the next check. */
    private static final long SETTLE_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final DiskTier disk;
    private final DurableState state;
    private final Clock clock;
    private final CacheStats stats;
    private final long sweepNanos;
    private final long maxDiskSize;
    /** Set by any thread; the rest is the writer thread's own. */
    private volatile boolean reclaimRequested = true;
    private long nextReclaim;
    private long nextSizeCheck;
    private long dataAtLastSizeCheck;

    /**
     * @param sweepInterval how often expired records are reclaimed; zero only when asked
     * @param maxDiskSize   the bound on the tier's files; 0 for none
     */
    DiskUpkeep(DiskTier disk, DurableState state, Clock clock, CacheStats stats, Duration sweepInterval, long maxDiskSize) {
        this.disk = disk;
        this.state = state;
        this.clock = clock;
        this.stats = stats;
        this.sweepNanos = sweepInterval.toNanos();
        this.maxDiskSize = maxDiskSize;
    }

    /** Reclaims at the next round rather than at the next sweep interval. */
    void reclaimSoon() {
        reclaimRequested = true;
    }

    /** One round, each removal as {@code removals} (the write-back queue) lets it go. */
    @Override
    public void accept(Removals removals) {
        try {
            long nanos = System.nanoTime();
            reclaim(nanos, removals);
            keepUnderBound(nanos, removals);
        } catch (DiskTierException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "disk maintenance failed: " + e.getMessage());
        }
    }

    private void reclaim(long nanos, Removals removals) throws DiskTierException {
        if (!reclaimRequested && (sweepNanos == 0 || nanos - nextReclaim < 0)) {
            return;
        }
        reclaimRequested = false;
        nextReclaim = nanos + sweepNanos;
        int reclaimed = disk.reclaim(clock.millis(), state.flushLimits(), RECLAIM_BUDGET, removals);
        stats.reclaimed.add(reclaimed);
        stats.crawlerReclaimed.add(reclaimed);
        if (reclaimed == RECLAIM_BUDGET) {
            reclaimRequested = true; // more to do, after the next batch
        }
    }

    /**
     * Checks the tier's own bounds every round, and the disk's every second and at once whenever a
     * tenth of the bound has been written since.
     */
    private void keepUnderBound(long nanos, Removals removals) throws DiskTierException {
        long data = disk.dataBytes();
        double own = disk.overOwnBound();
        if (own > 0) {
            stats.l2Evictions.add(disk.evictOldest((long) Math.ceil(data * own), removals));
            data = disk.dataBytes();
        }
        if (maxDiskSize <= 0 || (nanos - nextSizeCheck < 0 && data - dataAtLastSizeCheck <= maxDiskSize / 10)) {
            return;
        }
        nextSizeCheck = nanos + SIZE_CHECK_NANOS;
        dataAtLastSizeCheck = data;
        long usage = disk.diskUsage();
        if (usage > maxDiskSize) {
            // Evict the same share of the data as the files exceed 90% of the bound, then let it settle.
            double excess = 1 - maxDiskSize * 0.9 / usage;
            stats.l2Evictions.add(disk.evictOldest((long) (data * excess), removals));
            dataAtLastSizeCheck = disk.dataBytes();
            nextSizeCheck = nanos + SETTLE_NANOS;
        }
    }
}
