package org.ratmemcache.core.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

import org.ratmemcache.core.CacheStats;
import org.ratmemcache.core.CacheView;
import org.ratmemcache.core.Clock;
import org.ratmemcache.core.Item;
import org.ratmemcache.core.Key;
import org.ratmemcache.core.KeyPage;
import org.ratmemcache.core.Placement;
import org.ratmemcache.core.disk.DiskItem;
import org.ratmemcache.core.disk.DiskTierException;
import org.ratmemcache.core.memory.ItemView;
import org.ratmemcache.core.memory.MemoryTier;

/**
 * The engine as operations read it ({@link CacheView}): figures straight from the tiers, and
 * listings and placements that read the disk on a disk thread, never on the caller's. Nothing
 * here counts a read, promotes an item or reclaims one.
 */
final class EngineView implements CacheView {

    private final Clock clock;
    private final CacheStats stats;
    private final MemoryTier memory;
    private final L2 l2;
    private final Versions versions;
    private final ExpirySweeper sweeper;
    private final long itemSizeMax;

    EngineView(Clock clock, CacheStats stats, Tiers tiers, Versions versions, ExpirySweeper sweeper, long itemSizeMax) {
        this.clock = clock;
        this.stats = stats;
        this.memory = tiers.memory();
        this.l2 = tiers.l2();
        this.versions = versions;
        this.sweeper = sweeper;
        this.itemSizeMax = itemSizeMax;
    }

    @Override
    public Clock clock() {
        return clock;
    }

    @Override
    public CacheStats stats() {
        return stats;
    }

    @Override
    public long itemCount() {
        return l2.figures().map(DiskFigures::items).orElseGet(memory::items);
    }

    @Override
    public long itemSizeMax() {
        return itemSizeMax;
    }

    @Override
    public boolean sweeps() {
        return sweeper.running();
    }

    @Override
    public MemoryFigures memory() {
        return memory;
    }

    @Override
    public Optional<DiskFigures> disk() {
        return l2.figures();
    }

    @Override
    public CompletableFuture<KeyPage> keys(byte[] prefix, Key after, int limit) {
        return l2.inspect(() -> keyPage(prefix, after, limit));
    }

    @Override
    public CompletableFuture<Optional<Placement>> locate(Key key) {
        Key stored = key.toStored();
        return l2.inspect(() -> place(stored, clock.millis()));
    }

    private KeyPage keyPage(byte[] prefix, Key after, int limit) throws DiskTierException {
        // One more than a page from each tier: more than `limit` candidates means more pages.
        TreeSet<Key> candidates = new TreeSet<>(memory.keysAfter(prefix, after, limit + 1));
        candidates.addAll(l2.keysAfter(prefix, after, limit + 1));
        // The first `limit` candidates are the union's smallest keys; past them a tier may hold
        // smaller keys it did not list, so the page ends at the last candidate examined.
        long now = clock.millis();
        List<Key> live = new ArrayList<>(Math.min(limit, candidates.size()));
        Key last = null;
        int examined = 0;
        memory.epochs().enter();
        try {
            for (Key key : candidates) {
                if (examined++ == limit) {
                    break;
                }
                last = key;
                if (versions.newestLive(key, now) != null) {
                    live.add(key);
                }
            }
        } finally {
            memory.epochs().exit();
        }
        return new KeyPage(live, candidates.size() > limit ? last : null);
    }

    private Optional<Placement> place(Key key, long now) throws DiskTierException {
        memory.epochs().enter();
        try {
            Item newest = versions.newestLive(key, now);
            if (newest == null) {
                return Optional.empty();
            }
            boolean inMemory = newest instanceof ItemView;
            DiskItem onDisk = newest instanceof DiskItem read ? read : l2.read(key);
            return Optional.of(new Placement(Detached.item(newest), inMemory, onDisk != null && onDisk.version() == newest.version()));
        } finally {
            memory.epochs().exit();
        }
    }
}
