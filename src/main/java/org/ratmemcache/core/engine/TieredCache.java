package org.ratmemcache.core.engine;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

import org.ratmemcache.core.Arithmetic;
import org.ratmemcache.core.Atomic;
import org.ratmemcache.core.DatabaseSize;
import org.ratmemcache.core.Cache;
import org.ratmemcache.core.CacheStats;
import org.ratmemcache.core.CacheView;
import org.ratmemcache.core.Clock;
import org.ratmemcache.core.Decimal;
import org.ratmemcache.core.DeleteResult;
import org.ratmemcache.core.DeltaResult;
import org.ratmemcache.core.Expiry;
import org.ratmemcache.core.Increment;
import org.ratmemcache.core.Item;
import org.ratmemcache.core.Key;
import org.ratmemcache.core.KeyScan;
import org.ratmemcache.core.Lookup;
import org.ratmemcache.core.MetaDelete;
import org.ratmemcache.core.MetaGet;
import org.ratmemcache.core.StoreMode;
import org.ratmemcache.core.StoreResult;
import org.ratmemcache.core.engine.KeyLocks.Command;
import org.ratmemcache.core.Found;
import org.ratmemcache.core.disk.DiskItem;
import org.ratmemcache.core.memory.Epochs;
import org.ratmemcache.core.memory.ItemView;
import org.ratmemcache.core.memory.MemoryTier;
import org.ratmemcache.core.memory.Reservation;

/**
 * The cache engine: memcached's command semantics over a memory tier (L1) and, optionally, a disk
 * tier (L2). Each command is written once, here, in terms of the collaborators below; each of
 * those has its own design note.
 *
 * <h2>How a command runs</h2>
 * <ul>
 *   <li>{@link Versions} says where the key's newest version is: its live item in memory, none,
 *       or "only the disk can tell". A get asks it without a lock and answers from memory.</li>
 *   <li>{@link KeyLocks} runs every other command atomically per key: at once under the key's
 *       lock when memory can decide it, else on a disk thread after reading the disk, with later
 *       commands on the key queued behind. The command itself is a lambda here that receives the
 *       key's current item.</li>
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
 * Items never change in place: a write publishes a new item with a new CAS, so a reader always
 * sees a whole item. While the disk tier fails to write, commands that change a key get an error
 * (a change memory alone took would leave the disk with an older version that resurfaces once
 * memory forgets the key); reads go on.
 *
 * <h2>Views and copies</h2>
 * Items in memory are handed out as views ({@link ItemView}), good while the caller's thread is
 * protected ({@link #protect}): the server protects each batch of requests, so its replies copy
 * values straight from item memory. A caller that is not protected gets copies on the heap, and
 * so does any answer that completes later, on another thread.
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
    private final Epochs epochs;
    private final Versions versions;
    private final KeyLocks locks;
    private final MetaReads metaReads;
    private final IncrDecr incrDecr;
    private final AtomicSteps atomicSteps;
    private final Keyspace keyspace;
    private final ExpirySweeper sweeper;
    private final EvictionHook evictions;
    private final EngineView view;
    private final long itemSizeMax;

    TieredCache(Clock clock, CacheStats stats, Tiers tiers, DurableState state, ExpirySweeper sweeper, long itemSizeMax,
            EvictionHook evictions) {
        this.evictions = evictions;
        this.clock = clock;
        this.stats = stats;
        this.tiers = tiers;
        this.state = state;
        this.sweeper = sweeper;
        this.itemSizeMax = itemSizeMax;
        this.epochs = tiers.memory().epochs();
        this.versions = new Versions(tiers, state, stats);
        this.locks = new KeyLocks(tiers.memory().stripes(), epochs, versions, tiers.l2(), clock);
        this.metaReads = new MetaReads(versions, locks, tiers, state, stats, clock);
        this.incrDecr = new IncrDecr(locks, tiers, state, stats, itemSizeMax);
        this.atomicSteps = new AtomicSteps(locks, tiers, state, stats, itemSizeMax);
        this.keyspace = new Keyspace(tiers, state, clock);
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

    @Override
    public int databases() {
        return tiers.l2().databases();
    }

    @Override
    public void protect() {
        epochs.enter();
    }

    @Override
    public void release() {
        epochs.exit();
    }

    @Override
    public void makeRoom(int keyLength, long valueLength) {
        MemoryTier memory = tiers.memory();
        if (!memory.hasRoom(keyLength, valueLength)) {
            int depth = epochs.suspend();
            try {
                memory.awaitRoom(keyLength, valueLength);
            } finally {
                epochs.resume(depth);
            }
        }
    }

    /**
     * Enters the epoch for a command that may write an item of about these lengths; a caller that
     * is not protected first waits for room, should memory be short ({@link #makeRoom}). Returns
     * whether it entered, as {@link Epochs#enterIfOutside}.
     */
    private boolean enterToWrite(int keyLength, long valueLength) {
        readyToWrite(keyLength, valueLength);
        return epochs.enterIfOutside();
    }

    /**
     * Before a command that may put a key into memory, holding no lock: helps the index's growth
     * along (as every writer must, or inserts outrun the move into the grown table and find no
     * slot), then {@link MemoryTier#awaitRoom}, for a caller that is not protected: one that is
     * calls {@link #makeRoom} itself.
     */
    private void readyToWrite(int keyLength, long valueLength) {
        tiers.memory().helpIndex();
        if (!epochs.isProtected()) {
            tiers.memory().awaitRoom(keyLength, valueLength);
        }
    }

    // ---- reads

    @Override
    public Lookup get(Key key) {
        boolean outside = epochs.enterIfOutside();
        try {
            Lookup found = lookUp(key);
            return outside ? Detached.lookup(found) : found;
        } finally {
            if (outside) {
                epochs.exit();
            }
        }
    }

    private Lookup lookUp(Key key) {
        long now = clock.millis();
        switch (versions.find(key, now, Access.FETCH, true)) {
            case Item live -> {
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
                return new Lookup.Pending(locks.runAfterDisk(key, Access.FETCH, Command.detaching(
                        (k, current, at) -> CompletableFuture.completedFuture(current == null ? missed() : fetched(current, at)),
                        Detached::item)));
            }
        }
    }

    @Override
    public CompletableFuture<Item> getAndTouch(Key key, long expiresAt) {
        readyToWrite(key.length(), 0);
        return handOut(() -> locks.run(key, Access.FETCH_AND_CHANGE, Command.detaching((k, current, now) -> {
            if (current == null) {
                stats.touchMisses.increment();
                return Completed.NO_ITEM;
            }
            markFetched(current, now);
            stats.touchHits.increment();
            CompletableFuture<Void> durable = tiers.reexpire(k, current, expiresAt, now);
            return Completed.afterAny(durable, durable == Completed.NOTHING ? current : Detached.item(current));
        }, Detached::item)), Detached::item);
    }

    @Override
    public CompletableFuture<MetaGet.Result> metaGet(Key key, MetaGet read) {
        tiers.memory().helpIndex(); // it may create the item (vivify) or rewrite it (a new TTL, the win token)
        return handOut(() -> metaReads.read(key, read), Detached::metaGet);
    }

    @Override
    public CompletableFuture<Item> peek(Key key) {
        return handOut(() -> locks.run(key, Access.PEEK, Command.detaching(
                (k, current, now) -> current == null ? Completed.NO_ITEM : CompletableFuture.completedFuture(current),
                Detached::item)), Detached::item);
    }

    /** A fetch's hit: noted in the item's read history, counted. */
    private Item fetched(Item item, long now) {
        markFetched(item, now);
        stats.getHits.increment();
        return item;
    }

    private void markFetched(Item item, long now) {
        if (item instanceof ItemView inMemory) {
            tiers.memory().markFetched(inMemory, now);
        }
    }

    private Item missed() {
        stats.getMisses.increment();
        return null;
    }

    // ---- writes

    @Override
    public boolean reserve(Reservation into, Key key, int flags, long expiresAt, long newCas, int valueLength, boolean acrossSections) {
        return tiers.memory().reserve(into, key, flags, expiresAt, newCas != NEXT_CAS, valueLength, acrossSections);
    }

    @Override
    public int longValueThreshold() {
        return tiers.memory().largestSegmentValue();
    }

    @Override
    public void discard(Reservation reserved) {
        tiers.memory().discard(reserved);
    }

    @Override
    public CompletableFuture<StoreResult> store(StoreMode mode, Key key, int flags, long expiresAt, byte[] value, long cas,
            long newCas, Consumer<? super Item> stored) {
        return store(mode, key, flags, expiresAt, new StoreValue().of(value, null), cas, newCas, stored);
    }

    @Override
    public CompletableFuture<StoreResult> store(StoreMode mode, Key key, int flags, long expiresAt, Reservation value,
            long cas, long newCas, Consumer<? super Item> stored) {
        return store(mode, key, flags, expiresAt, reusable.get().value.of(null, value), cas, newCas, stored);
    }

    private CompletableFuture<StoreResult> store(StoreMode mode, Key key, int flags, long expiresAt, StoreValue value,
            long cas, long newCas, Consumer<? super Item> stored) {
        if (Cache.itemSize(key.length(), flags, value.length()) > itemSizeMax) {
            value.discard(tiers.memory());
            return storeTooLarge(mode, key).thenApply(done -> StoreResult.TOO_LARGE);
        }
        if (!tiers.canHold(key.length(), value.length())) {
            value.discard(tiers.memory());
            stats.storeNoMemory.increment();
            stats.stored(mode, StoreResult.NO_MEMORY);
            return Completed.of(StoreResult.NO_MEMORY);
        }
        stats.cmdSet.increment();
        Access access = mode == StoreMode.SET ? Access.OVERWRITE : Access.CHANGE;
        boolean outside = enterToWrite(key.length(), value.length());
        try {
            return counted(mode, locks.run(key, access, reusable.get().store.of(mode, flags, expiresAt, value, cas, newCas, stored)));
        } catch (RuntimeException | Error e) {
            value.discard(tiers.memory());
            throw e;
        } finally {
            if (outside) {
                epochs.exit();
            }
        }
    }

    /**
     * What a thread reuses for the commands it runs, so that a command memory decides at once
     * allocates nothing: each is filled in for the call, and copied when it must wait for the disk.
     */
    private final ThreadLocal<Reusable> reusable = ThreadLocal.withInitial(Reusable::new);

    private final class Reusable {
        final StoreValue value = new StoreValue();
        final Reservation joined = new Reservation();
        final StoreValue joinedValue = new StoreValue();
        final StoreCommand store = new StoreCommand();
        final DeleteCommand delete = new DeleteCommand();
    }

    /**
     * A store's value: bytes on the heap, or reserved in memory and read there. Reserved room is
     * good only for now, so a store that must wait for the disk takes a copy of it first.
     */
    private static final class StoreValue {
        private byte[] bytes;
        private Reservation reserved;

        StoreValue of(byte[] bytes, Reservation reserved) {
            this.bytes = bytes;
            this.reserved = reserved;
            return this;
        }

        long length() {
            return bytes != null ? bytes.length : reserved.length();
        }

        /** The memory the value is in, from {@link #offset}. */
        MemorySegment memory() {
            return bytes != null ? MemorySegment.ofArray(bytes) : reserved.memory();
        }

        long offset() {
            return bytes != null ? 0 : reserved.valueOffset();
        }

        byte[] bytes() {
            if (bytes == null) {
                bytes = reserved.memory().asSlice(reserved.valueOffset(), reserved.length()).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
            }
            return bytes;
        }

        /** The same value as bytes: for a store that runs later, on a disk thread. */
        StoreValue onHeap(MemoryTier memory) {
            byte[] copy = bytes();
            discard(memory);
            bytes = null;
            return new StoreValue().of(copy, null);
        }

        /** Gives up the reserved room, if any; the bytes stay. */
        void discard(MemoryTier memory) {
            if (reserved != null && reserved.isHeld()) {
                memory.discard(reserved);
            }
            reserved = null;
        }
    }

    /** A store, decided under the key's lock on the key's current item. */
    private final class StoreCommand implements Command<StoreResult> {
        private StoreMode mode;
        private int flags;
        private long expiresAt;
        private StoreValue value;
        private long cas;
        private long newCas;
        private Consumer<? super Item> stored;

        StoreCommand of(StoreMode mode, int flags, long expiresAt, StoreValue value, long cas, long newCas,
                Consumer<? super Item> stored) {
            this.mode = mode;
            this.flags = flags;
            this.expiresAt = expiresAt;
            this.value = value;
            this.cas = cas;
            this.newCas = newCas;
            this.stored = stored;
            return this;
        }

        @Override
        public Command<StoreResult> forDisk() {
            return new StoreCommand().of(mode, flags, expiresAt, value.onHeap(tiers.memory()), cas, newCas, stored);
        }

        @Override
        public CompletableFuture<StoreResult> apply(Key key, Item current, long now) {
            try {
                return decide(key, current, now);
            } finally {
                value.discard(tiers.memory()); // whatever was not published
            }
        }

        private CompletableFuture<StoreResult> decide(Key key, Item current, long now) {
            return switch (mode) {
                case SET -> storeNew(key, flags, expiresAt, value, newCas, 0, stored, now);
                case ADD -> {
                    if (current == null) {
                        yield storeNew(key, flags, expiresAt, value, newCas, 0, stored, now);
                    }
                    tiers.memory().bump(key); // a failed add still bumps the item, as in memcached
                    yield Completed.of(StoreResult.NOT_STORED);
                }
                case REPLACE -> current == null ? Completed.of(StoreResult.NOT_STORED)
                        : storeNew(key, flags, expiresAt, value, newCas, 0, stored, now);
                case APPEND, PREPEND -> concatenate(mode, key, current, value, cas, newCas, now, stored);
                case APPEND_OR_ADD, PREPEND_OR_ADD -> current == null
                        ? storeNew(key, flags, expiresAt, value, newCas, 0, stored, now)
                        : concatenate(mode, key, current, value, cas, newCas, now, stored);
                case CAS, CAS_OR_STALE -> compareAndSet(mode, key, current, flags, expiresAt, value, cas, newCas, now, stored);
            };
        }
    }

    @Override
    public CompletableFuture<Void> storeTooLarge(StoreMode mode, Key key) {
        stats.storeTooLarge.increment();
        stats.stored(mode, StoreResult.TOO_LARGE);
        if (mode != StoreMode.SET) {
            return Completed.NOTHING;
        }
        return guarded(() -> locks.run(key, Access.OVERWRITE, (k, current, now) -> tiers.remove(k)));
    }

    @Override
    public CompletableFuture<DeleteResult> delete(Key key, long cas) {
        boolean outside = epochs.enterIfOutside();
        try {
            return locks.run(key, Access.CHANGE, reusable.get().delete.of(cas));
        } finally {
            if (outside) {
                epochs.exit();
            }
        }
    }

    /** delete: the key's live item removed if {@code cas} is 0 or its CAS. */
    private final class DeleteCommand implements Command<DeleteResult> {
        private long cas;

        DeleteCommand of(long cas) {
            this.cas = cas;
            return this;
        }

        @Override
        public Command<DeleteResult> forDisk() {
            return new DeleteCommand().of(cas);
        }

        @Override
        public CompletableFuture<DeleteResult> apply(Key key, Item current, long now) {
            if (current == null) {
                stats.deleteMisses.increment();
                return Completed.of(DeleteResult.NOT_FOUND);
            }
            if (cas != 0 && cas != current.cas()) {
                return Completed.of(DeleteResult.EXISTS);
            }
            return Completed.after(deleted(key, current), DeleteResult.DELETED);
        }
    }

    @Override
    public CompletableFuture<DeleteResult> metaDelete(Key key, MetaDelete request) {
        tiers.memory().helpIndex(); // an invalidation rewrites the item
        if (!request.keepsItem()) {
            return guarded(() -> ifCasMatches(key, request.cas(), this::deleted));
        }
        return guarded(() -> ifCasMatches(key, request.cas(), (k, current) -> {
            long now = clock.millis();
            Item kept = current;
            if (request.dropValue()) {
                // memcached stores an empty item in its place: counted as a store, and, unless it is
                // also invalidated, as a delete
                long expiresAt = request.expiresAt() == Expiry.UNCHANGED ? Expiry.NEVER : request.expiresAt();
                long version = state.nextCas(now);
                long cas = request.newCas() == NEXT_CAS ? current.cas() : request.newCas();
                kept = tiers.write(k, request.flags(), expiresAt, version, cas, 0, now, false, new byte[0]);
                stats.totalItems.increment();
                if (kept == null) {
                    return tiers.remove(k);
                }
            }
            if (request.invalidate()) {
                long expiresAt = request.expiresAt() == Expiry.UNCHANGED ? kept.expiresAt() : request.expiresAt();
                long version = state.nextCas(now);
                long cas = request.newCas() == NEXT_CAS ? version : request.newCas();
                if (Expiry.isExpired(expiresAt, now)) {
                    return tiers.remove(k);
                }
                kept = tiers.rewrite(k, kept, expiresAt, version, cas, MemoryTier.marks(true, false, kept.form()));
                return kept == null ? tiers.remove(k) : tiers.durable(kept);
            }
            stats.deleteHits.increment();
            return Expiry.isExpired(kept.expiresAt(), now) ? tiers.remove(k) : tiers.durable(kept);
        }));
    }

    @Override
    public CompletableFuture<DeltaResult> delta(Key key, Arithmetic op) {
        readyToWrite(key.length(), Decimal.MAX_UNSIGNED_64_DIGITS);
        return handOut(() -> incrDecr.apply(key, op), Detached::delta);
    }

    @Override
    public CompletableFuture<DeltaResult> delta(Key key, Arithmetic.Direction direction, long delta) {
        boolean outside = enterToWrite(key.length(), Decimal.MAX_UNSIGNED_64_DIGITS);
        try {
            CompletableFuture<DeltaResult> answer = incrDecr.apply(key, direction, delta);
            return outside ? detachedNow(answer, Detached::delta) : answer;
        } finally {
            if (outside) {
                epochs.exit();
            }
        }
    }

    @Override
    public CompletableFuture<Increment> increment(Key key, long increment) {
        boolean outside = enterToWrite(key.length(), Decimal.MAX_REDIS_LENGTH);
        try {
            CompletableFuture<Increment> answer = incrDecr.increment(key, increment);
            return outside ? detachedNow(answer, IncrDecr::detached) : answer;
        } finally {
            if (outside) {
                epochs.exit();
            }
        }
    }

    @Override
    public <T> CompletableFuture<T> atomically(List<Key> keys, Atomic<T> step) {
        readyToWrite(keys.getFirst().length(), 0);
        return guarded(() -> atomicSteps.run(keys, step));
    }

    @Override
    public CompletableFuture<KeyScan> scan(int database, long cursor, int count) {
        return inspect(() -> keyspace.scan(database, cursor, count));
    }

    @Override
    public CompletableFuture<DatabaseSize> size(int database) {
        return inspect(() -> keyspace.size(database));
    }

    /**
     * A pass over a keyspace, off the caller's thread: on a disk thread, or without a disk on the
     * common pool (a pass over every item in memory is no work for an event loop).
     */
    private <T> CompletableFuture<T> inspect(L2.DiskTask<T> task) {
        if (tiers.l2().holdsEveryKey()) {
            return tiers.l2().inspect(task);
        }
        return CompletableFuture.supplyAsync(() -> KeySerializer.unchecked(task));
    }

    @Override
    public CompletableFuture<Boolean> touch(Key key, long expiresAt) {
        readyToWrite(key.length(), 0);
        return guarded(() -> locks.run(key, Access.CHANGE, (k, current, now) -> {
            if (current == null) {
                stats.touchMisses.increment();
                return Completed.FALSE;
            }
            stats.touchHits.increment();
            return Completed.after(tiers.reexpire(k, current, expiresAt, now), true);
        }));
    }

    @Override
    public CompletableFuture<Void> flushAll(long atMillis) {
        stats.cmdFlush.increment();
        long now = clock.millis();
        state.flush(atMillis, now);
        return flushed(atMillis <= now);
    }

    @Override
    public CompletableFuture<Void> flushDatabase(int database) {
        stats.cmdFlush.increment();
        state.flushDatabase(database, clock.millis());
        return flushed(true);
    }

    @Override
    public CompletableFuture<Void> flushEverything() {
        stats.cmdFlush.increment();
        state.flushEverything(clock.millis());
        return flushed(true);
    }

    /** After a flush: the space given back soon if it took effect now; durable as the policy says. */
    private CompletableFuture<Void> flushed(boolean now) {
        if (now) {
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
     * then the CAS reservation and the flush horizon, and closes the tiers.
     */
    @Override
    public void close() {
        sweeper.close();
        tiers.l2().drain();
        state.saveQuietly();
        tiers.l2().close();
        tiers.memory().close();
    }

    // ---- protection of what is handed out

    /** Runs {@code call} inside the epoch; for a caller that is not protected itself, its answer is copied. */
    private <T> CompletableFuture<T> handOut(java.util.function.Supplier<CompletableFuture<T>> call, java.util.function.UnaryOperator<T> detach) {
        boolean outside = epochs.enterIfOutside();
        try {
            CompletableFuture<T> answer = call.get();
            return outside ? detachedNow(answer, detach) : answer;
        } finally {
            if (outside) {
                epochs.exit();
            }
        }
    }

    /** An answer already there, with its items copied (and so its own): for a caller that is not protected. */
    private static <T> CompletableFuture<T> detachedNow(CompletableFuture<T> answer, java.util.function.UnaryOperator<T> detach) {
        if (!answer.isDone() || answer.isCompletedExceptionally()) {
            return answer;
        }
        T value = answer.getNow(null);
        T copy = value == null ? null : detach.apply(value);
        return copy == value ? answer : CompletableFuture.completedFuture(copy);
    }

    /** Runs {@code call}, whose answer holds no item, inside the epoch. */
    private <T> CompletableFuture<T> guarded(java.util.function.Supplier<CompletableFuture<T>> call) {
        boolean outside = epochs.enterIfOutside();
        try {
            return call.get();
        } finally {
            if (outside) {
                epochs.exit();
            }
        }
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
     * Stores a new version of the key with a new CAS (the cache's next, or {@code newCas} if the
     * client chose one), hands it to {@code stored}, and completes with STORED once durable.
     */
    private CompletableFuture<StoreResult> storeNew(Key key, int flags, long expiresAt, StoreValue value, long newCas, int marks,
            Consumer<? super Item> stored, long now) {
        long version = state.nextCas(now);
        long cas = newCas == NEXT_CAS ? version : newCas;
        stats.totalItems.increment();
        if (Expiry.isExpired(expiresAt, now)) {
            // stored already expired (exptime < 0): the key simply ends up empty
            stored.accept(new DiskItem(key.toStored(), value.bytes(), flags, expiresAt, cas, now, false, false, false, version));
            return Completed.after(tiers.remove(key), StoreResult.STORED);
        }
        Item item = value.reserved != null
                ? tiers.publish(key, value.reserved, flags, expiresAt, version, cas, marks, now)
                : tiers.write(key, flags, expiresAt, version, cas, marks, now, false, value.bytes);
        value.reserved = null;
        if (item == null) {
            stats.storeNoMemory.increment();
            return Completed.of(StoreResult.NO_MEMORY);
        }
        stored.accept(item);
        return Completed.after(tiers.durable(item), StoreResult.STORED);
    }

    /** Append and prepend: the joined value is written into room in memory, or, when memory has none now, on the heap. */
    private CompletableFuture<StoreResult> concatenate(StoreMode mode, Key key, Item old, StoreValue data, long cas, long newCas,
            long now, Consumer<? super Item> stored) {
        if (old == null) {
            return Completed.of(StoreResult.NOT_STORED);
        }
        if (cas != 0 && cas != old.cas()) {
            return Completed.of(StoreResult.EXISTS);
        }
        if (Cache.itemSize(key.length(), old.flags(), (long) old.valueLength() + data.length()) > itemSizeMax) {
            return Completed.of(StoreResult.NOT_STORED); // memcached cannot allocate the joined item either
        }
        boolean after = mode == StoreMode.APPEND || mode == StoreMode.APPEND_OR_ADD;
        Reusable mine = reusable.get();
        if (tiers.reserveJoined(mine.joined, key, old, after, data.memory(), data.offset(), (int) data.length(), newCas != NEXT_CAS)) {
            StoreValue joined = mine.joinedValue.of(null, mine.joined);
            try {
                return storeNew(key, old.flags(), old.expiresAt(), joined, newCas, 0, stored, now);
            } finally {
                joined.discard(tiers.memory());
            }
        }
        byte[] first = after ? old.value() : data.bytes();
        byte[] second = after ? data.bytes() : old.value();
        byte[] joined = java.util.Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, joined, first.length, second.length);
        return storeNew(key, old.flags(), old.expiresAt(), new StoreValue().of(joined, null), newCas, 0, stored, now);
    }

    /**
     * cas, and the meta protocol's {@code ms C I}: with {@link StoreMode#CAS_OR_STALE}, a CAS older
     * than the item's still stores, but as a stale item that keeps the old expiry and win token.
     */
    private CompletableFuture<StoreResult> compareAndSet(StoreMode mode, Key key, Item old, int flags, long expiresAt,
            StoreValue value, long cas, long newCas, long now, Consumer<? super Item> stored) {
        if (old == null) {
            stats.casMisses.increment();
            return Completed.of(StoreResult.NOT_FOUND);
        }
        if (old.cas() == cas) {
            stats.casHits.increment();
            return storeNew(key, flags, expiresAt, value, newCas, 0, stored, now);
        }
        if (mode == StoreMode.CAS_OR_STALE && Long.compareUnsigned(cas, old.cas()) < 0) {
            stats.casHits.increment();
            return storeNew(key, flags, old.expiresAt(), value, newCas, MemoryTier.marks(true, old.winTokenSent()), stored, now);
        }
        stats.casBadval.increment();
        return Completed.of(StoreResult.EXISTS);
    }

    /**
     * The meta protocol's md: {@code change} applied to the key's live item if {@code cas} is 0 or
     * its CAS; a CAS that does not match counts as a delete miss, as memcached's meta commands count it.
     */
    private CompletableFuture<DeleteResult> ifCasMatches(Key key, long cas,
            java.util.function.BiFunction<Key, Item, CompletableFuture<Void>> change) {
        return locks.run(key, Access.CHANGE, (k, current, now) -> {
            if (current == null) {
                stats.deleteMisses.increment();
                return Completed.of(DeleteResult.NOT_FOUND);
            }
            if (cas != 0 && cas != current.cas()) {
                stats.deleteMisses.increment();
                return Completed.of(DeleteResult.EXISTS);
            }
            return Completed.after(change.apply(k, current), DeleteResult.DELETED);
        });
    }

    private CompletableFuture<Void> deleted(Key key, Item current) {
        stats.deleteHits.increment();
        return tiers.remove(key);
    }
}
