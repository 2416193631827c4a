package org.ratmemcache.core;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

import org.ratmemcache.core.memory.Eviction;

/**
 * The cache as operations see it, read-only: its counters, what each tier holds, key listings and
 * a key's whereabouts. The stats command, the admin API, the metrics and the health checks read
 * the cache through this interface alone; commands go through {@link Cache}. Nothing here counts
 * as a read or changes an item.
 */
public interface CacheView {

    Clock clock();

    /** The counters behind memcached's stats; {@link CacheStats#reset()} is {@code stats reset}. */
    CacheStats stats();

    /**
     * Items held, live or awaiting reclaim: memcached's curr_items. With a disk tier, the items on
     * disk (every item is there, the tiers being inclusive), exact as of the last write-back batch.
     */
    long itemCount();

    /** The largest item accepted, as {@link Cache#itemSizeMax()}. */
    long itemSizeMax();

    /** Whether expired items are swept in the background (memcached's LRU crawler). */
    boolean sweeps();

    /** The memory tier, L1. */
    MemoryFigures memory();

    /** The disk tier, L2, when the cache has one. */
    Optional<DiskFigures> disk();

    /**
     * One page of the live keys that start with {@code prefix}, after {@code after} (from the
     * start when null), across both tiers, in unsigned byte order. A page looks at no more than
     * {@code limit} candidates from each tier, however many keys the cache holds.
     */
    CompletableFuture<KeyPage> keys(byte[] prefix, Key after, int limit);

    /** Where {@code key}'s live item is held, if it has one; may read the disk. */
    CompletableFuture<Optional<Placement>> locate(Key key);

    /** What the memory tier holds against its bounds. */
    interface MemoryFigures {

        /** Items held, live or expired. */
        long items();

        /** Bytes charged to the budget: keys, values and per-item overhead. memcached's bytes. */
        long bytes();

        /** The byte budget: memcached's limit_maxbytes. */
        long maxBytes();

        /** The item bound; {@link Long#MAX_VALUE} when there is none. */
        long maxItems();

        /** Value bytes held, as clients see them (before compression). */
        long rawValueBytes();

        /** Value bytes held, as stored (after compression). */
        long storedValueBytes();

        /** Recorded reads that were dropped instead of reordering the eviction policy. */
        long droppedReads();

        /** Whether the tier has ever held an item, as memcached's slab pages, once allocated, stay. */
        boolean everHeldItems();

        /** When the item the policy would evict next was last read or stored. */
        OptionalLong coldestAccessedAt();

        /** The policy that picks which items go first. */
        Eviction eviction();

        /** Bytes of the index that finds the items, off the heap: memcached's hash_bytes. */
        long indexBytes();

        /** Slots of the index: 2 to memcached's hash_power_level, rounded up to a power of two. */
        long indexSlots();

        /** Whether the index is moving to a larger table: memcached's hash_is_expanding. */
        boolean indexGrowing();
    }

    /** What the disk tier holds, and how its writes go. */
    interface DiskFigures {

        /** Items stored, live or awaiting reclaim, as of the last write. */
        long items();

        /** Bytes of the stored keys and records, as of the last write. */
        long dataBytes();

        /** Bytes the tier's files take on disk. */
        long diskUsage();

        /** The tier's own figures, by name (lower case, underscores). */
        Map<String, Long> statistics();

        /** Changes waiting to be written. */
        int writeBackQueue();

        /** How long the oldest waiting change has waited, in milliseconds. */
        long writeBackLagMillis();

        /** Why the tier fails to write, until it writes again. */
        Optional<Throwable> writeFailure();

        /** Batch writes that failed since the start, retries included. */
        long writeFailures();
    }
}
