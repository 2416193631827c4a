package org.ratmemcache.core.engine;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;

import org.ratmemcache.core.Arithmetic;
import org.ratmemcache.core.Cache;
import org.ratmemcache.core.CacheStats;
import org.ratmemcache.core.CacheView;
import org.ratmemcache.core.Clock;
import org.ratmemcache.core.DeleteResult;
import org.ratmemcache.core.DeltaResult;
import org.ratmemcache.core.Expiry;
import org.ratmemcache.core.Item;
import org.ratmemcache.core.Key;
import org.ratmemcache.core.Lookup;
import org.ratmemcache.core.MetaDelete;
import org.ratmemcache.core.MetaGet;
import org.ratmemcache.core.StoreMode;
import org.ratmemcache.core.StoreResult;
import org.ratmemcache.core.compress.ValueCompression;
import org.ratmemcache.core.memory.Entry;
import org.ratmemcache.core.memory.Found;
import org.ratmemcache.core.memory.MemoryTier;

/**
 * The cache engine: memcached's command semantics over a memory tier (L1) and, optionally, a disk
 * tier (L2). Each command is written once, here, in terms of the collaborators below; each of
 * those has its own design note.
 *
 * <h2>How a command runs</h2>
 * <ul>
 *   <li>{@link Versions} says where the key's newest version is: its live entry in memory, none,
 *       or "only the disk can tell". A get asks it without a lock and answers from memory.</li>
 *   <li>{@link KeyLocks} runs every other command atomically per key: at once under the key's
 *       lock when memory can decide it, else on a disk thread after reading the disk, with later
 *       commands on the key queued behind. The command itself is a lambda here that receives the
 *       key's current entry.</li>
 *   <li>{@link Tiers} writes the new version: into memory if it fits, and on its way to disk.</li>
 *   <li>{@link DurableState} hands out CAS values and keeps the flush horizon, across restarts.</li>
 *   <li>{@link MetaReads} is the meta protocol's mg, {@link IncrDecr} incr and decr;
 *       {@link EngineView} the read-only view for operations; {@link ExpirySweeper} and
 *       {@link DiskUpkeep} reclaim in the background.</li>
 * </ul>
 * Below memory lies an {@link L2}: a {@link DiskL2}, or {@link L2#NONE} for a memory-only cache,
 * so nothing here asks which. {@link TieredCacheBuilder} assembles the two kinds.
 *
 * <h2>Items and failures</h2>
 * Items never change in place: a write installs a new entry with a new CAS, so a reader always
 * sees a whole item. While the disk tier fails to write, commands that change a key get an error
 * (a change memory alone took would leave the disk with an older version that resurfaces once
 * memory forgets the key); reads go on.
 *
 * <h2>Expiry, flush and time</h2>
 * Expired and flushed items are never returned; they are removed when met, and in the background.
 * {@link FlushHorizon} explains how flush_all invalidates without touching the items. All time
 * comes from the {@link Clock} given to the builder, so tests move it by hand.
 */
public final class TieredCache implements Cache, AutoCloseable {

    private final Clock clock;
    private final CacheStats stats;
    private final Tiers tiers;
    private final DurableState state;
    private final Versions versions;
    private final KeyLocks locks;
    private final MetaReads metaReads;
    private final IncrDecr incrDecr;
    private final ExpirySweeper sweeper;
    private final EvictionHook evictions;
    private final EngineView view;
    private final ValueCompression compression;
    private final long itemSizeMax;

    TieredCache(Clock clock, CacheStats stats, Tiers tiers, DurableState state, ExpirySweeper sweeper,
            ValueCompression compression, long itemSizeMax, EvictionHook evictions) {
        this.evictions = evictions;
        this.clock = clock;
        this.stats = stats;
        this.tiers = tiers;
        this.state = state;
        this.sweeper = sweeper;
        this.compression = compression;
        this.itemSizeMax = itemSizeMax;
        this.versions = new Versions(tiers, state, stats, compression);
        this.locks = new KeyLocks(versions, tiers.l2(), clock);
        this.metaReads = new MetaReads(versions, locks, tiers, state, stats, clock);
        this.incrDecr = new IncrDecr(locks, tiers, state, stats, compression);
        this.view = new EngineView(clock, stats, tiers, versions, sweeper, itemSizeMax);
    }

    public static TieredCacheBuilder builder() {
        return new TieredCacheBuilder();
    }

    /** The read-only view of this cache, for the stats command, the admin API, metrics and health. */
    public CacheView view() {
        return view;
    }

    /** The memory tier, for tests that check which tier holds an item. */
    public MemoryTier memory() {
        return tiers.memory();
    }

    @Override
    public Clock clock() {
        return clock;
    }

    @Override
    public long itemSizeMax() {
        return itemSizeMax;
    }

    // ---- reads

    @Override
    public Lookup get(Key key) {
        long now = clock.millis();
        switch (versions.find(key, now, Access.FETCH)) {
            case Entry live -> {
                stats.l1Hits.increment();
                return fetched(live, now);
            }
            case Found.Absent absent -> {
                stats.l1Misses.increment();
                stats.getMisses.increment();
                return Lookup.MISS;
            }
            case Found.OnDisk onDisk -> {
                stats.l1Misses.increment();
                return new Lookup.Pending(locks.runAfterDisk(key, Access.FETCH,
                        (k, current, at) -> CompletableFuture.completedFuture(current == null ? missed() : fetched(current, at))));
            }
        }
    }

    @Override
    public CompletableFuture<Item> getAndTouch(Key key, long expiresAt) {
        return locks.run(key, Access.FETCH_AND_CHANGE, (k, current, now) -> {
            if (current == null) {
                stats.touchMisses.increment();
                return Completed.NO_ITEM;
            }
            current.markFetched(now);
            stats.touchHits.increment();
            return Completed.afterAny(tiers.reexpire(current, expiresAt, now), (Item) current);
        });
    }

    @Override
    public CompletableFuture<MetaGet.Result> metaGet(Key key, MetaGet read) {
        return metaReads.read(key, read);
    }

    @Override
    public CompletableFuture<Item> peek(Key key) {
        return locks.run(key, Access.PEEK, (k, current, now) -> current == null ? Completed.NO_ITEM : CompletableFuture.completedFuture(current));
    }

    /** A fetch's hit: noted in the item's read history, bumped, counted. */
    private Item fetched(Entry entry, long now) {
        entry.markFetched(now);
        tiers.memory().recordAccess(entry);
        stats.getHits.increment();
        return entry;
    }

    private Item missed() {
        stats.getMisses.increment();
        return null;
    }

    // ---- writes

    @Override
    public CompletableFuture<StoreResult> store(StoreMode mode, Key key, int flags, long expiresAt, byte[] value, long cas,
            long newCas, Consumer<? super Item> stored) {
        if (Cache.itemSize(key.length(), flags, value.length) > itemSizeMax) {
            return storeTooLarge(mode, key).thenApply(done -> StoreResult.TOO_LARGE);
        }
        if (!tiers.canHold(key.length(), value.length)) {
            stats.storeNoMemory.increment();
            stats.stored(mode, StoreResult.NO_MEMORY);
            return Completed.of(StoreResult.NO_MEMORY);
        }
        stats.cmdSet.increment();
        Access access = mode == StoreMode.SET ? Access.OVERWRITE : Access.CHANGE;
        return locks.run(key, access, (k, current, now) -> counted(mode, switch (mode) {
            case SET -> stored(newVersion(k, current, flags, expiresAt, value, newCas, now), stored, now);
            case ADD -> {
                if (current == null) {
                    yield stored(newVersion(k, null, flags, expiresAt, value, newCas, now), stored, now);
                }
                if (tiers.memory().get(k) == current) {
                    tiers.memory().recordAccess(current); // a failed add still bumps the item, as in memcached
                }
                yield Completed.of(StoreResult.NOT_STORED);
            }
            case REPLACE -> current == null ? Completed.of(StoreResult.NOT_STORED)
                    : stored(newVersion(k, current, flags, expiresAt, value, newCas, now), stored, now);
            case APPEND, PREPEND -> concatenate(mode, current, value, cas, newCas, now, stored);
            case APPEND_OR_ADD, PREPEND_OR_ADD -> current == null
                    ? stored(newVersion(k, null, flags, expiresAt, value, newCas, now), stored, now)
                    : concatenate(mode, current, value, cas, newCas, now, stored);
            case CAS, CAS_OR_STALE -> compareAndSet(mode, k, current, flags, expiresAt, value, cas, newCas, now, stored);
        }));
    }

    @Override
    public CompletableFuture<Void> storeTooLarge(StoreMode mode, Key key) {
        stats.storeTooLarge.increment();
        stats.stored(mode, StoreResult.TOO_LARGE);
        if (mode != StoreMode.SET) {
            return Completed.NOTHING;
        }
        return locks.run(key, Access.OVERWRITE, (k, current, now) -> tiers.remove(k));
    }

    @Override
    public CompletableFuture<DeleteResult> delete(Key key, long cas) {
        return ifCasMatches(key, cas, Mismatch.NOT_COUNTED, this::deleted);
    }

    @Override
    public CompletableFuture<DeleteResult> metaDelete(Key key, MetaDelete request) {
        if (!request.keepsItem()) {
            return ifCasMatches(key, request.cas(), Mismatch.COUNTED_AS_MISS, this::deleted);
        }
        return ifCasMatches(key, request.cas(), Mismatch.COUNTED_AS_MISS, current -> {
            long now = clock.millis();
            Entry kept = current;
            if (request.dropValue()) {
                // memcached stores an empty item in its place: counted as a store, and, unless it is
                // also invalidated, as a delete
                long expiresAt = request.expiresAt() == Expiry.UNCHANGED ? Expiry.NEVER : request.expiresAt();
                kept = new Entry(current.key(), new byte[0], request.flags(), expiresAt, state.nextCas(now), now)
                        .withCas(request.newCas() == NEXT_CAS ? current.cas() : request.newCas());
                stats.totalItems.increment();
            }
            if (request.invalidate()) {
                long expiresAt = request.expiresAt() == Expiry.UNCHANGED ? kept.expiresAt() : request.expiresAt();
                kept = kept.invalidated(state.nextCas(now), expiresAt).withCasIfChosen(request.newCas());
            } else {
                stats.deleteHits.increment();
            }
            return Expiry.isExpired(kept.expiresAt(), now) ? tiers.remove(kept.key()) : tiers.install(kept);
        });
    }

    @Override
    public CompletableFuture<DeltaResult> delta(Key key, Arithmetic op) {
        return incrDecr.apply(key, op);
    }

    @Override
    public CompletableFuture<Boolean> touch(Key key, long expiresAt) {
        return locks.run(key, Access.CHANGE, (k, current, now) -> {
            if (current == null) {
                stats.touchMisses.increment();
                return Completed.FALSE;
            }
            stats.touchHits.increment();
            return Completed.after(tiers.reexpire(current, expiresAt, now), true);
        });
    }

    @Override
    public CompletableFuture<Void> flushAll(long atMillis) {
        stats.cmdFlush.increment();
        long now = clock.millis();
        state.flush(atMillis, now);
        if (atMillis <= now) {
            // give the memory and the disk back now rather than at the next sweep
            sweeper.sweepSoon();
            tiers.l2().reclaimSoon();
        }
        return tiers.l2().writesThrough() ? state.saved() : Completed.NOTHING;
    }

    @Override
    public boolean writesBackedUp() {
        return tiers.l2().backedUp();
    }

    @Override
    public void whenWritable(Runnable action) {
        tiers.l2().whenDrained(action);
    }

    @Override
    public void onEviction(Consumer<? super Item> listener) {
        evictions.set(listener);
    }

    @Override
    public boolean crawlNow() {
        return sweeper.sweepSoon();
    }

    @Override
    public boolean sweepInBackground(boolean on) {
        return sweeper.run(on);
    }

    @Override
    public void resizeMemory(long maxBytes) {
        tiers.memory().resize(maxBytes);
    }

    @Override
    public List<? extends Item> memoryItems(int limit) {
        return tiers.memory().keptLongest(limit);
    }

    /** One sweep of expired and flushed items from memory, now, on this thread. */
    public void sweep() {
        sweeper.sweep();
    }

    /**
     * Closes the cache in order: stops the sweeper, writes every waiting change to the disk tier,
     * then the CAS reservation and the flush horizon, and closes the tier.
     */
    @Override
    public void close() {
        sweeper.close();
        tiers.l2().drain();
        state.saveQuietly();
        tiers.l2().close();
    }

    // ---- the steps of the commands above

    /** Counts a store's outcome: at once when it is known, else when its write completes. */
    private CompletableFuture<StoreResult> counted(StoreMode mode, CompletableFuture<StoreResult> outcome) {
        if (outcome.isDone()) {
            if (!outcome.isCompletedExceptionally()) {
                stats.stored(mode, outcome.join());
            }
        } else {
            outcome.thenAccept(stored -> stats.stored(mode, stored));
        }
        return outcome;
    }

    /**
     * A new version of the key, with a new CAS (the cache's next, or {@code newCas} if the client
     * chose one); {@code old} is its current entry, if any.
     */
    private Entry newVersion(Key key, Entry old, int flags, long expiresAt, byte[] value, long newCas, long now) {
        Key stored = old != null ? old.key() : key.toStored();
        return Entry.of(stored, value, flags, expiresAt, state.nextCas(now), now, compression).withCasIfChosen(newCas);
    }

    /** Stores {@code entry}, hands it to {@code stored}, and completes with STORED once durable. */
    private CompletableFuture<StoreResult> stored(Entry entry, Consumer<? super Item> stored, long now) {
        stats.totalItems.increment();
        stored.accept(entry);
        // Stored already expired (exptime < 0), the key simply ends up empty.
        CompletableFuture<Void> durable = Expiry.isExpired(entry.expiresAt(), now) ? tiers.remove(entry.key()) : tiers.install(entry);
        return Completed.after(durable, StoreResult.STORED);
    }

    private CompletableFuture<StoreResult> concatenate(StoreMode mode, Entry old, byte[] data, long cas, long newCas,
            long now, Consumer<? super Item> stored) {
        if (old == null) {
            return Completed.of(StoreResult.NOT_STORED);
        }
        if (cas != 0 && cas != old.cas()) {
            return Completed.of(StoreResult.EXISTS);
        }
        byte[] current = old.value();
        if (Cache.itemSize(old.key().length(), old.flags(), (long) current.length + data.length) > itemSizeMax) {
            return Completed.of(StoreResult.NOT_STORED); // memcached cannot allocate the joined item either
        }
        byte[] joined = new byte[current.length + data.length];
        boolean after = mode == StoreMode.APPEND || mode == StoreMode.APPEND_OR_ADD;
        byte[] first = after ? current : data;
        byte[] second = after ? data : current;
        System.arraycopy(first, 0, joined, 0, first.length);
        System.arraycopy(second, 0, joined, first.length, second.length);
        return stored(newVersion(old.key(), old, old.flags(), old.expiresAt(), joined, newCas, now), stored, now);
    }

    /**
     * cas, and the meta protocol's {@code ms C I}: with {@link StoreMode#CAS_OR_STALE}, a CAS older
     * than the item's still stores, but as a stale item that keeps the old expiry and win token.
     */
    private CompletableFuture<StoreResult> compareAndSet(StoreMode mode, Key key, Entry old, int flags, long expiresAt,
            byte[] value, long cas, long newCas, long now, Consumer<? super Item> stored) {
        if (old == null) {
            stats.casMisses.increment();
            return Completed.of(StoreResult.NOT_FOUND);
        }
        if (old.cas() == cas) {
            stats.casHits.increment();
            return stored(newVersion(key, old, flags, expiresAt, value, newCas, now), stored, now);
        }
        if (mode == StoreMode.CAS_OR_STALE && Long.compareUnsigned(cas, old.cas()) < 0) {
            stats.casHits.increment();
            Entry stale = newVersion(key, old, flags, old.expiresAt(), value, newCas, now).withMarks(true, old.winTokenSent());
            return stored(stale, stored, now);
        }
        stats.casBadval.increment();
        return Completed.of(StoreResult.EXISTS);
    }

    /** How a delete counts a CAS that does not match: memcached's meta commands count it as a miss. */
    private enum Mismatch { NOT_COUNTED, COUNTED_AS_MISS }

    /** A delete or an invalidation: {@code change} applied to the key's live item if {@code cas} is 0 or its CAS. */
    private CompletableFuture<DeleteResult> ifCasMatches(Key key, long cas, Mismatch mismatch,
            Function<Entry, CompletableFuture<Void>> change) {
        return locks.run(key, Access.CHANGE, (k, current, now) -> {
            if (current == null) {
                stats.deleteMisses.increment();
                return Completed.of(DeleteResult.NOT_FOUND);
            }
            if (cas != 0 && cas != current.cas()) {
                if (mismatch == Mismatch.COUNTED_AS_MISS) {
                    stats.deleteMisses.increment();
                }
                return Completed.of(DeleteResult.EXISTS);
            }
            return Completed.after(change.apply(current), DeleteResult.DELETED);
        });
    }

    private CompletableFuture<Void> deleted(Entry current) {
        stats.deleteHits.increment();
        return tiers.remove(current.key());
    }
}
