package org.ratmemcache.core;

import java.util.concurrent.atomic.LongAdder;

/**
 * The cache's counters, named after the memcached {@code stats} fields they feed.
 *
 * <p>Counters are {@link LongAdder}s: an increment from any thread is contention-free and
 * allocates nothing once warm. {@link #reset()} is memcached's {@code stats reset}; it leaves
 * gauges such as the item count alone, because those live in the tiers.
 */
public final class CacheStats {

    public final LongAdder getHits = new LongAdder();
    public final LongAdder getMisses = new LongAdder();
    /** Reads that found an item past its expiry (also counted as misses). */
    public final LongAdder getExpired = new LongAdder();
    /** Reads that found an item invalidated by flush_all (also counted as misses). */
    public final LongAdder getFlushed = new LongAdder();
    public final LongAdder touchHits = new LongAdder();
    public final LongAdder touchMisses = new LongAdder();
    public final LongAdder casHits = new LongAdder();
    public final LongAdder casMisses = new LongAdder();
    public final LongAdder casBadval = new LongAdder();
    public final LongAdder incrHits = new LongAdder();
    public final LongAdder incrMisses = new LongAdder();
    public final LongAdder decrHits = new LongAdder();
    public final LongAdder decrMisses = new LongAdder();
    public final LongAdder deleteHits = new LongAdder();
    public final LongAdder deleteMisses = new LongAdder();
    public final LongAdder cmdSet = new LongAdder();
    public final LongAdder cmdFlush = new LongAdder();
    /** Items ever stored. */
    public final LongAdder totalItems = new LongAdder();
    public final LongAdder storeTooLarge = new LongAdder();
    public final LongAdder storeNoMemory = new LongAdder();
    /** Live items removed to make room. */
    public final LongAdder evictions = new LongAdder();
    /** Evicted items that were never read. */
    public final LongAdder evictedUnfetched = new LongAdder();
    /** Expired or flushed items whose memory was taken back. */
    public final LongAdder reclaimed = new LongAdder();
    /** Reclaimed items that were never read. */
    public final LongAdder expiredUnfetched = new LongAdder();
    /** Items reclaimed by the expiry sweeper rather than on access. */
    public final LongAdder crawlerReclaimed = new LongAdder();
    /** Items the expiry sweeper has looked at. */
    public final LongAdder crawlerItemsChecked = new LongAdder();
    /** Completed expiry sweeps. */
    public final LongAdder crawlerRuns = new LongAdder();
    /** Reads answered from memory (L1, or a change not yet on disk) with an item. */
    public final LongAdder l1Hits = new LongAdder();
    /** Reads memory could not answer with an item: misses, and lookups passed on to disk. */
    public final LongAdder l1Misses = new LongAdder();
    /** Reads that memory could not answer and found a live item on disk. */
    public final LongAdder l2Hits = new LongAdder();
    /** Reads that memory could not answer and found nothing live on disk. */
    public final LongAdder l2Misses = new LongAdder();
    /** Items read from disk and put into memory. */
    public final LongAdder promotions = new LongAdder();
    /** Live items deleted from disk to keep it under its size bound. */
    public final LongAdder l2Evictions = new LongAdder();

    /** Store commands by command and outcome, indexed [mode.ordinal()][result.ordinal()]. */
    private final LongAdder[][] stores = new LongAdder[StoreMode.values().length][StoreResult.values().length];

    public CacheStats() {
        for (LongAdder[] byResult : stores) {
            for (int i = 0; i < byResult.length; i++) {
                byResult[i] = new LongAdder();
            }
        }
    }

    /** Counts an expired or flushed item whose memory was taken back. */
    public void reclaimed(Item item) {
        reclaimed.increment();
        if (!item.fetched()) {
            expiredUnfetched.increment();
        }
    }

    /** Counts a live item removed to make room. */
    public void evicted(Item item) {
        evictions.increment();
        if (!item.fetched()) {
            evictedUnfetched.increment();
        }
    }

    /** Counts a store command's outcome. */
    public void stored(StoreMode mode, StoreResult result) {
        stores[mode.ordinal()][result.ordinal()].increment();
    }

    /** How many store commands of this kind had this outcome. */
    public long stores(StoreMode mode, StoreResult result) {
        return stores[mode.ordinal()][result.ordinal()].sum();
    }

    /** memcached's {@code stats reset}: every counter back to zero. */
    public void reset() {
        for (LongAdder[] byResult : stores) {
            for (LongAdder counter : byResult) {
                counter.reset();
            }
        }
        for (LongAdder counter : new LongAdder[] {
                getHits, getMisses, getExpired, getFlushed, touchHits, touchMisses, casHits, casMisses,
                casBadval, incrHits, incrMisses, decrHits, decrMisses, deleteHits, deleteMisses, cmdSet,
                cmdFlush, totalItems, storeTooLarge, storeNoMemory, evictions, evictedUnfetched,
                reclaimed, expiredUnfetched, crawlerReclaimed, crawlerItemsChecked, crawlerRuns, l1Hits, l1Misses, l2Hits, l2Misses,
                promotions, l2Evictions}) {
            counter.reset();
        }
    }
}
