package org.ratmemcache.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.LongConsumer;

import org.ratmemcache.core.compress.ValueCompression;
import org.ratmemcache.core.memory.Entry;
import org.ratmemcache.core.memory.Eviction;
import org.ratmemcache.core.memory.MemoryTier;

/**
 * The cache engine: memcached's semantics over a memory tier (L1) and, optionally, a disk tier
 * (L2).
 *
 * <h2>Tiers</h2>
 * The tiers are inclusive: every change goes to L2 (through {@link WriteBack}), and L1 holds
 * the hot subset. A key's newest version is, in this order: its L1 entry; else its change still
 * waiting for the disk; else its L2 record. A value above the large-value threshold skips L1.
 * An item read from L2 is promoted into L1 when it fits.
 *
 * <h2>Atomicity and order</h2>
 * <ul>
 *   <li>Every command that reads and then writes a key (set, add, replace, append, prepend, cas,
 *       incr, decr, touch, gat, delete) runs under that key's <em>stripe lock</em>: one of
 *       {@value #LOCK_STRIPES} monitors picked by key hash, held for a map lookup and an insert,
 *       never across I/O. So the mutations of one key are serialised across connections.</li>
 *   <li>A plain get takes no lock: a map lookup and a lock-free note of the access.</li>
 *   <li>When memory cannot decide a command (its key is in neither L1 nor the write queue, and
 *       the L2 Bloom filter cannot rule it out), the command becomes a {@link KeySerializer}
 *       task: it reads L2 on a disk thread, then decides under the stripe lock. Until it has,
 *       the key is busy, and every later command on that key queues behind it. Nothing waits on
 *       an event loop.</li>
 *   <li>Items never change in place; a write installs a new item with a new CAS, so a reader
 *       always sees a whole item.</li>
 * </ul>
 *
 * <h2>A failing disk</h2>
 * When the disk tier fails to write (a full disk, an I/O error), commands that change a key get
 * an error until it writes again: letting them change memory alone would leave the disk with an
 * older version that resurfaces once memory forgets the key. Reads go on, from memory and from
 * the disk. Queued changes are retried, and the tier recovers by itself when the disk does.
 *
 * <h2>Expiry and flush</h2>
 * Expired and flushed items are never returned. They are removed when an access finds them, and
 * from L1 by the sweeper every sweep interval. {@link FlushHorizon} explains how flush_all
 * invalidates without touching the items; its state and the CAS reservation survive restarts
 * through {@link DiskTier#writeState}.
 *
 * <h2>Time</h2>
 * All time comes from the {@link Clock} given to the builder, so tests move it by hand.
 */
public final class TieredCache implements Cache, AutoCloseable {

    /** Key stripes guarding read-modify-write; a power of two, 16 KiB of monitors in all. */
    static final int LOCK_STRIPES = 1024;

    private static final System.Logger LOG = System.getLogger(TieredCache.class.getName());

    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);
    private static final CompletableFuture<Boolean> TRUE = CompletableFuture.completedFuture(true);
    private static final CompletableFuture<Boolean> FALSE = CompletableFuture.completedFuture(false);
    private static final CompletableFuture<Item> NO_ITEM = CompletableFuture.completedFuture(null);
    private static final CompletableFuture<DeltaResult> DELTA_NOT_FOUND = CompletableFuture.completedFuture(DeltaResult.NOT_FOUND);
    private static final CompletableFuture<DeltaResult> DELTA_NON_NUMERIC = CompletableFuture.completedFuture(DeltaResult.NON_NUMERIC);
    private static final CompletableFuture<DeltaResult> DELTA_CAS_MISMATCH = CompletableFuture.completedFuture(DeltaResult.CAS_MISMATCH);
    @SuppressWarnings("unchecked")
    private static final CompletableFuture<DeleteResult>[] DELETE_RESULTS = Arrays.stream(DeleteResult.values())
            .map(CompletableFuture::completedFuture).toArray(CompletableFuture[]::new);
    /** Hands a stored CAS to no one. */
    private static final LongConsumer NO_CAS_WANTED = cas -> { };
    @SuppressWarnings("unchecked")
    private static final CompletableFuture<StoreResult>[] STORE_RESULTS = Arrays.stream(StoreResult.values())
            .map(CompletableFuture::completedFuture).toArray(CompletableFuture[]::new);
    /** Records reclaimed from disk per maintenance round, so that writes are not held up. */
    private static final int DISK_RECLAIM_BUDGET = 10_000;
    /** How often the disk's size is checked against its bound. */
    private static final long DISK_SIZE_CHECK_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** After an eviction, time for compaction to give the space back before the next check. */
    private static final long DISK_SETTLE_NANOS = TimeUnit.SECONDS.toNanos(5);
    /** {@link #known}'s answer when only the disk can tell. */
    private static final Entry UNKNOWN = new Entry(Key.of(new byte[0]), new byte[0], 0, 0, 0, 0);

    private final Clock clock;
    private final MemoryTier memory;
    private final DiskTier disk;
    private final WriteBack writeBack;
    private final KeySerializer serializer;
    private final ExecutorService diskThreads;
    private final CasSequence casSequence;
    private final FlushHorizon flush;
    private final CacheStats stats = new CacheStats();
    private final long itemSizeMax;
    private final long largeValueThreshold;
    private final ValueCompression compression;
    private final boolean writeThrough;
    private final Object[] stripes = new Object[LOCK_STRIPES];
    private final ScheduledExecutorService sweeper;
    private final long sweepNanos;
    private final long maxDiskSize;
    /** Disk maintenance state, touched by the writer thread only (but the request flag). */
    private volatile boolean diskReclaimRequested = true;
    private long nextDiskReclaim;
    private long nextDiskSizeCheck;
    private long dataAtLastSizeCheck;
    /** What the disk tier held at opening; the flush horizon until it exists. */
    private final PersistedState opening;
    private long casReservedOnDisk;

    private TieredCache(Builder b) throws DiskTierException {
        this.clock = b.clock;
        this.itemSizeMax = b.itemSizeMax;
        this.largeValueThreshold = b.largeValueThreshold;
        this.compression = b.compression;
        this.writeThrough = b.writeThrough;
        this.memory = new MemoryTier(b.eviction, b.maxMemory, b.maxEntries, this::onEvicted);
        this.disk = b.disk;
        this.sweepNanos = b.sweepInterval.toNanos();
        this.maxDiskSize = b.maxDiskSize;
        this.opening = disk == null ? PersistedState.EMPTY : disk.openingState();
        Arrays.setAll(stripes, i -> new Object());
        if (disk == null) {
            this.diskThreads = null;
            this.serializer = null;
            this.writeBack = null;
            this.casSequence = new CasSequence(0);
            this.flush = new FlushHorizon(casSequence);
        } else {
            this.diskThreads = boundedPool(b.diskThreads);
            this.serializer = new KeySerializer(diskThreads);
            this.casReservedOnDisk = opening.casReserved();
            this.casSequence = new CasSequence(opening.casReserved(), this::persistState, diskThreads);
            this.flush = new FlushHorizon(casSequence, opening.flushCasLimit(), opening.flushPendingAt(),
                    () -> diskThreads.execute(this::persistStateQuietly));
            this.writeBack = new WriteBack(disk, b.writeThrough, b.writeBackMaxChanges, b.writeBackMaxBytes, b.writeBackMaxLag,
                    this::maintainDisk);
        }
        if (b.sweepInterval.isZero()) {
            this.sweeper = null;
        } else {
            this.sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "ratmemcache-expiry-sweeper");
                t.setDaemon(true);
                return t;
            });
            long period = b.sweepInterval.toMillis();
            sweeper.scheduleWithFixedDelay(this::sweep, period, period, TimeUnit.MILLISECONDS);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public Clock clock() {
        return clock;
    }

    @Override
    public Item get(Key key) {
        long now = clock.millis();
        Entry entry = memory.get(key);
        if (entry == null && disk != null) {
            WriteBack.Change change = writeBack.pending(key);
            if (change != null) {
                entry = change.entry();
            } else if (serializer.isBusy(key) || disk.mayContain(key)) {
                stats.l1Misses.increment();
                return ON_DISK;
            }
        }
        Entry live = entry == null ? null : live(entry, now, true);
        (live == null ? stats.l1Misses : stats.l1Hits).increment();
        return countGet(live, now);
    }

    @Override
    public CompletableFuture<Item> load(Key key) {
        long now = clock.millis();
        synchronized (stripe(key)) {
            if (disk == null || !serializer.isBusy(key)) {
                Entry known = known(key, now, true);
                if (known != UNKNOWN) {
                    Item item = countGet(known, now);
                    return item == null ? NO_ITEM : CompletableFuture.completedFuture(item);
                }
            }
            return serializer.enqueue(key, () -> {
                Entry current = resolve(key, true);
                synchronized (stripe(key)) {
                    return countGet(current, clock.millis());
                }
            });
        }
    }

    @Override
    public CompletableFuture<Item> getAndTouch(Key key, long expiresAt) {
        return mutate(key, true, false, (current, now) -> {
            if (current == null) {
                stats.touchMisses.increment();
                return NO_ITEM;
            }
            current.markFetched(now);
            stats.touchHits.increment();
            CompletableFuture<Void> durable = replaceExpiry(current, expiresAt, now);
            return durable.isDone() ? CompletableFuture.completedFuture(current) : durable.thenApply(done -> current);
        });
    }

    @Override
    public CompletableFuture<Boolean> touch(Key key, long expiresAt) {
        return mutate(key, false, false, (current, now) -> {
            if (current == null) {
                stats.touchMisses.increment();
                return FALSE;
            }
            stats.touchHits.increment();
            return hit(replaceExpiry(current, expiresAt, now));
        });
    }

    @Override
    public CompletableFuture<StoreResult> store(StoreMode mode, Key key, int flags, long expiresAt, byte[] value, long cas) {
        return store(mode, key, flags, expiresAt, value, cas, NO_CAS_WANTED);
    }

    @Override
    public CompletableFuture<StoreResult> store(StoreMode mode, Key key, int flags, long expiresAt, byte[] value, long cas,
            LongConsumer storedCas) {
        if (Cache.itemSize(key.length(), flags, value.length) > itemSizeMax) {
            return refuseTooLarge(mode, key).thenApply(done -> StoreResult.TOO_LARGE);
        }
        if (disk == null && MemoryTier.weigh(key.length(), value.length) > memory.maxBytes()) {
            stats.storeNoMemory.increment();
            stats.stored(mode, StoreResult.NO_MEMORY);
            return STORE_RESULTS[StoreResult.NO_MEMORY.ordinal()];
        }
        stats.cmdSet.increment();
        return mutate(key, false, mode == StoreMode.SET, (current, now) -> counted(mode, switch (mode) {
            case SET -> stored(newVersion(key, current, flags, expiresAt, value, now), storedCas, now);
            case ADD -> {
                if (current == null) {
                    yield stored(newVersion(key, null, flags, expiresAt, value, now), storedCas, now);
                }
                if (memory.get(key) == current) {
                    memory.recordAccess(current); // a failed add still bumps the item, as in memcached
                }
                yield STORE_RESULTS[StoreResult.NOT_STORED.ordinal()];
            }
            case REPLACE -> current == null ? STORE_RESULTS[StoreResult.NOT_STORED.ordinal()]
                    : stored(newVersion(key, current, flags, expiresAt, value, now), storedCas, now);
            case APPEND, PREPEND -> concatenate(mode, current, value, cas, now, storedCas);
            case CAS, CAS_OR_STALE -> compareAndSet(mode, key, current, flags, expiresAt, value, cas, now, storedCas);
        }));
    }

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

    @Override
    public CompletableFuture<Void> refuseTooLarge(StoreMode mode, Key key) {
        stats.storeTooLarge.increment();
        stats.stored(mode, StoreResult.TOO_LARGE);
        if (mode != StoreMode.SET) {
            return DONE;
        }
        return mutate(key, false, true, (current, now) -> remove(key));
    }

    @Override
    public CompletableFuture<DeleteResult> delete(Key key, long cas) {
        return mutate(key, false, false, (current, now) -> {
            if (current == null) {
                stats.deleteMisses.increment();
                return DELETE_RESULTS[DeleteResult.NOT_FOUND.ordinal()];
            }
            if (cas != 0 && cas != current.cas()) {
                return DELETE_RESULTS[DeleteResult.EXISTS.ordinal()];
            }
            stats.deleteHits.increment();
            return deleted(remove(key));
        });
    }

    @Override
    public CompletableFuture<DeleteResult> invalidate(Key key, long cas, long expiresAt) {
        return mutate(key, false, false, (current, now) -> {
            if (current == null) {
                stats.deleteMisses.increment();
                return DELETE_RESULTS[DeleteResult.NOT_FOUND.ordinal()];
            }
            if (cas != 0 && cas != current.cas()) {
                return DELETE_RESULTS[DeleteResult.EXISTS.ordinal()];
            }
            long newExpiresAt = expiresAt == Expiry.UNCHANGED ? current.expiresAt() : expiresAt;
            return deleted(install(current.invalidated(nextCas(now), newExpiresAt)));
        });
    }

    @Override
    public CompletableFuture<DeltaResult> delta(Key key, Arithmetic op) {
        return mutate(key, false, false, (current, now) -> {
            if (current == null) {
                return op.creates() ? createNumber(key, op, now) : deltaMiss(op);
            }
            if (op.cas() != 0 && op.cas() != current.cas()) {
                return DELTA_CAS_MISMATCH;
            }
            byte[] value = current.value();
            Decimal number = new Decimal();
            if (!number.parseUnsigned64(value, 0, value.length)) {
                return DELTA_NON_NUMERIC;
            }
            long before = number.value();
            long delta = op.delta();
            long after = op.increment() ? before + delta : Long.compareUnsigned(delta, before) > 0 ? 0 : before - delta;
            // memcached rewrites a number that got shorter in place, padding it with spaces.
            byte[] digits = new byte[Math.max(Decimal.length(after), value.length)];
            Arrays.fill(digits, Decimal.write(after, digits, 0), digits.length, (byte) ' ');
            long expiresAt = op.newExpiresAt() == Expiry.UNCHANGED ? current.expiresAt() : op.newExpiresAt();
            Entry updated = new Entry(current.key(), digits, current.flags(), expiresAt, nextCas(now), now);
            stats.totalItems.increment();
            (op.increment() ? stats.incrHits : stats.decrHits).increment();
            return applied(install(updated), new DeltaResult.Applied(after, updated, false, current.expiresAt()));
        });
    }

    private CompletableFuture<DeltaResult> deltaMiss(Arithmetic op) {
        (op.increment() ? stats.incrMisses : stats.decrMisses).increment();
        return DELTA_NOT_FOUND;
    }

    /** A miss that creates the number, as memcached does it: an add of the initial value. */
    private CompletableFuture<DeltaResult> createNumber(Key key, Arithmetic op, long now) {
        byte[] digits = new byte[Decimal.length(op.initial())];
        Decimal.write(op.initial(), digits, 0);
        stats.totalItems.increment();
        if (Expiry.isExpired(op.createExpiresAt(), now)) {
            // created already expired: the key ends up empty, but the caller still learns the value
            Entry gone = new Entry(key.toStored(), digits, 0, op.createExpiresAt(), nextCas(now), now);
            return applied(remove(key), new DeltaResult.Applied(op.initial(), gone, true, Expiry.NEVER));
        }
        Entry created = Entry.of(key.toStored(), digits, 0, op.createExpiresAt(), nextCas(now), now, compression);
        return applied(install(created), new DeltaResult.Applied(op.initial(), created, true, Expiry.NEVER));
    }

    private static CompletableFuture<DeltaResult> applied(CompletableFuture<Void> durable, DeltaResult result) {
        return durable.isDone() ? CompletableFuture.completedFuture(result) : durable.thenApply(done -> result);
    }

    @Override
    public CompletableFuture<Void> metaGet(Key key, MetaGet request) {
        if (!request.mayChange()) {
            // The common read takes no lock, unless it may hand out a stale item's win token.
            Item item = readLockFree(key, request);
            if (item != ON_DISK && (item == null || !needsWinToken(item))) {
                return DONE;
            }
        }
        // A plain read goes on while the disk fails; a win it hands out reaches the disk once it works.
        return mutate(key, true, false, !request.mayChange(), (current, now) -> {
            metaRead(key, current, request, now);
            return DONE;
        });
    }

    /**
     * The lock-free half of {@link #metaGet}: the key's live item from memory, noted into
     * {@code request}, or {@link #ON_DISK}. A stale item that still has its win token is returned
     * without being noted, for the locked half.
     */
    private Item readLockFree(Key key, MetaGet request) {
        long now = clock.millis();
        Entry entry = memory.get(key);
        if (entry == null && disk != null) {
            WriteBack.Change change = writeBack.pending(key);
            if (change == null) {
                return serializer.isBusy(key) || disk.mayContain(key) ? ON_DISK : countMetaMiss(request);
            }
            entry = change.entry();
        }
        Entry live = entry == null ? null : live(entry, now, true);
        if (live == null) {
            return countMetaMiss(request);
        }
        if (!needsWinToken(live)) {
            noteHit(live, request, now);
        }
        return live;
    }

    private Item countMetaMiss(MetaGet request) {
        (request.touches() ? stats.touchMisses : stats.getMisses).increment();
        return null;
    }

    private static boolean needsWinToken(Item item) {
        return item.stale() && !item.winTokenSent();
    }

    /** The locked half of {@link #metaGet}: vivify, touch and win, as memcached's mg does. */
    private void metaRead(Key key, Entry current, MetaGet request, long now) {
        if (current == null) {
            if (!request.vivifies()) {
                countMetaMiss(request);
                return;
            }
            Entry created = new Entry(key.toStored(), new byte[0], 0, request.vivifyExpiresAt, nextCas(now), now);
            stats.totalItems.increment();
            request.created = true;
            request.won = true;
            noteHit(created, request, now);
            install(created.withWinTokenSent());
            return;
        }
        noteHit(current, request, now);
        long expiresAt = current.expiresAt();
        if (request.touches() && request.touchBeforeRecache) {
            expiresAt = request.touchExpiresAt;
        }
        boolean tokenFree = !current.winTokenSent();
        // compared in whole seconds, as memcached's clock ticks
        boolean recache = request.recacheBelow != MetaGet.NONE && expiresAt != Expiry.NEVER
                && expiresAt / 1000 < request.recacheBelow / 1000;
        request.won = tokenFree && (recache || current.stale());
        if (request.touches()) {
            expiresAt = request.touchExpiresAt;
        }
        if (request.won || expiresAt != current.expiresAt()) {
            Entry changed = request.won ? current.withWinTokenSent() : current;
            replaceExpiry(changed, expiresAt, now);
        }
    }

    /** Notes a hit into {@code request} (read history as it was), then counts and bumps it. */
    private void noteHit(Entry entry, MetaGet request, long now) {
        request.item = entry;
        request.fetchedBefore = entry.fetched();
        request.accessedBefore = entry.accessedAt();
        request.expiresBefore = request.created ? Expiry.NEVER : entry.expiresAt();
        request.winTokenSentBefore = entry.winTokenSent();
        (request.touches() ? stats.touchHits : stats.getHits).increment();
        if (request.bump) {
            entry.markFetched(now);
            memory.recordAccess(entry);
        }
    }

    @Override
    public CompletableFuture<Item> peek(Key key) {
        synchronized (stripe(key)) {
            if (disk == null || !serializer.isBusy(key)) {
                Entry known = known(key, clock.millis(), false);
                if (known != UNKNOWN) {
                    return known == null ? NO_ITEM : CompletableFuture.completedFuture(known);
                }
            }
            return serializer.<Item>enqueue(key, () -> resolve(key, false));
        }
    }

    /**
     * {@code key}'s live item, or {@code null}, without reading it into memory, bumping it or
     * counting the read: for inspection (the admin API, the library's containsKey), never for
     * serving. Memory answers at once; only a key it does not know goes to a disk thread.
     */
    public CompletableFuture<Item> inspect(Key key) {
        Key stored = key.toStored();
        long now = clock.millis();
        Entry inMemory = memory.get(stored);
        if (inMemory != null || disk == null) {
            return CompletableFuture.completedFuture(inMemory == null || isDead(inMemory, now) ? null : inMemory);
        }
        return CompletableFuture.supplyAsync(() -> newestLive(stored, clock.millis()), diskThreads);
    }

    /** Where {@code key}'s live item is held, as {@link #inspect} finds it, and whether the disk has that version. */
    public CompletableFuture<Placement> locate(Key key) {
        Key stored = key.toStored();
        if (disk == null) {
            return CompletableFuture.completedFuture(place(stored, clock.millis()));
        }
        return CompletableFuture.supplyAsync(() -> place(stored, clock.millis()), diskThreads);
    }

    /**
     * One page of the live keys that start with {@code prefix}, after {@code after} (from the start
     * when null), across both tiers, in unsigned byte order. It looks at no more than {@code limit}
     * candidates from each tier, so a page costs memory for {@code limit} keys and at most
     * {@code limit} disk reads (for keys memory does not hold), however many keys the cache holds.
     */
    public CompletableFuture<KeyPage> keys(byte[] prefix, Key after, int limit) {
        if (disk == null) {
            return CompletableFuture.completedFuture(keyPage(prefix, after, limit));
        }
        return CompletableFuture.supplyAsync(() -> keyPage(prefix, after, limit), diskThreads);
    }

    private KeyPage keyPage(byte[] prefix, Key after, int limit) {
        // One more than a page from each tier: more than `limit` candidates means more pages.
        TreeSet<Key> candidates = new TreeSet<>(memory.keysAfter(prefix, after, limit + 1));
        if (disk != null) {
            try {
                candidates.addAll(disk.keysAfter(prefix, after, limit + 1));
            } catch (DiskTierException e) {
                throw new CompletionException(e);
            }
        }
        // The first `limit` candidates are the union's smallest keys; past them a tier may hold
        // smaller keys it did not list, so the page ends at the last candidate examined.
        long now = clock.millis();
        List<Key> live = new ArrayList<>(Math.min(limit, candidates.size()));
        Key last = null;
        int examined = 0;
        for (Key key : candidates) {
            if (examined++ == limit) {
                break;
            }
            last = key;
            if (newestLive(key, now) != null) {
                live.add(key);
            }
        }
        return new KeyPage(live, candidates.size() > limit ? last : null);
    }

    /** {@link #locate}, on the caller's thread: with a disk tier, a disk thread. */
    private Placement place(Key key, long now) {
        Item newest = newestLive(key, now);
        if (newest == null) {
            return Placement.NONE;
        }
        DiskItem onDisk = disk == null ? null : newest instanceof DiskItem read ? read : readDisk(key);
        return new Placement(newest, memory.get(key) == newest, onDisk != null && onDisk.cas() == newest.cas());
    }

    /**
     * The key's newest version if it is live, else {@code null}: memory's, else the one waiting for
     * the disk, else the disk's (read only then). On the caller's thread: with a disk tier, a disk thread.
     */
    private Item newestLive(Key key, long now) {
        Item newest = memory.get(key);
        if (newest == null && disk != null) {
            WriteBack.Change change = writeBack.pending(key);
            newest = change != null ? change.entry() : readDisk(key);
        }
        return newest == null || isDead(newest, now) ? null : newest;
    }

    private DiskItem readDisk(Key key) {
        try {
            return disk.read(key);
        } catch (DiskTierException e) {
            throw new CompletionException(e);
        }
    }

    @Override
    public CompletableFuture<Void> flushAll(long atMillis) {
        stats.cmdFlush.increment();
        long now = clock.millis();
        flush.flush(atMillis, now);
        if (atMillis <= now) {
            // give the memory and the disk back now rather than at the next sweep
            if (sweeper != null) {
                sweeper.execute(this::sweep);
            }
            diskReclaimRequested = true;
        }
        return writeThrough ? CompletableFuture.runAsync(this::persistStateQuietly, diskThreads) : DONE;
    }

    @Override
    public boolean writesBackedUp() {
        return writeBack != null && writeBack.isFull();
    }

    @Override
    public void whenWritable(Runnable action) {
        if (writeBack == null) {
            action.run();
        } else {
            writeBack.whenDrained(action);
        }
    }

    /**
     * Removes every expired or flushed item from memory. The sweeper calls this every sweep
     * interval; it takes no stripe lock, since each removal is conditional on the exact entry it
     * examined.
     */
    public void sweep() {
        long now = clock.millis();
        long checked = 0;
        for (Entry entry : memory.view()) {
            checked++;
            if (isDead(entry, now) && memory.remove(entry)) {
                stats.crawlerReclaimed.increment();
                countReclaimed(entry);
            }
        }
        stats.crawlerItemsChecked.add(checked);
        stats.crawlerRuns.increment();
    }

    @Override
    public long itemSizeMax() {
        return itemSizeMax;
    }

    /** Whether a sweeper reclaims expired items in the background (memcached's LRU crawler). */
    public boolean sweeps() {
        return sweeper != null;
    }

    @Override
    public CacheStats stats() {
        return stats;
    }

    /** With a disk tier, the items on disk (exact as of the last write-back batch); else in memory. */
    @Override
    public long itemCount() {
        return disk == null ? memory.entries() : disk.itemCount();
    }

    @Override
    public long bytes() {
        return memory.bytes();
    }

    @Override
    public long maxBytes() {
        return memory.maxBytes();
    }

    /** The memory tier, for statistics and tests. */
    public MemoryTier memory() {
        return memory;
    }

    /** The disk tier, or {@code null} when the cache is memory only. */
    public DiskTier disk() {
        return disk;
    }

    /** Changes waiting for the disk tier. */
    public int writeBackQueueDepth() {
        return writeBack == null ? 0 : writeBack.pendingChanges();
    }

    /** Why the disk tier fails to write, until it writes again; else null. */
    public Throwable diskFailure() {
        return writeBack == null ? null : writeBack.failure();
    }

    /** Batch writes the disk tier failed, retries included, since the start. */
    public long diskWriteFailures() {
        return writeBack == null ? 0 : writeBack.failedAttempts();
    }

    /** How long the oldest change has waited for the disk tier, in milliseconds. */
    public long writeBackLagMillis() {
        return writeBack == null ? 0 : writeBack.lagMillis();
    }

    /**
     * Closes the cache in order: stops the sweeper, writes every pending change to the disk tier
     * and its state, then closes the tier.
     */
    @Override
    public void close() {
        if (sweeper != null) {
            sweeper.shutdownNow();
        }
        if (disk != null) {
            writeBack.close();
            diskThreads.shutdown();
            try {
                diskThreads.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            persistStateQuietly();
            disk.close();
        }
    }

    /**
     * The disk tier's upkeep, run by the write-back thread between batches: deletes expired and
     * flushed records every sweep interval (and right after a flush), a bounded number at a
     * time, and evicts the oldest records when the disk is over its bound.
     */
    private void maintainDisk() {
        try {
            long nanos = System.nanoTime();
            if (diskReclaimRequested || (sweepNanos > 0 && nanos - nextDiskReclaim >= 0)) {
                diskReclaimRequested = false;
                nextDiskReclaim = nanos + sweepNanos;
                int reclaimed = disk.reclaim(clock.millis(), flush.casLimit(), DISK_RECLAIM_BUDGET);
                stats.reclaimed.add(reclaimed);
                stats.crawlerReclaimed.add(reclaimed);
                if (reclaimed == DISK_RECLAIM_BUDGET) {
                    diskReclaimRequested = true; // more to do, after the next batch
                }
            }
            long data = disk.dataBytes();
            // Check every second, and at once whenever a tenth of the bound has been written since.
            if (maxDiskSize > 0 && (nanos - nextDiskSizeCheck >= 0 || data - dataAtLastSizeCheck > maxDiskSize / 10)) {
                nextDiskSizeCheck = nanos + DISK_SIZE_CHECK_NANOS;
                dataAtLastSizeCheck = data;
                long usage = disk.diskUsage();
                if (usage > maxDiskSize) {
                    // Files shrink only once compaction has dropped what was deleted: evict the same
                    // share of the data as the files exceed 90% of the bound, then let it settle.
                    double excess = 1 - maxDiskSize * 0.9 / usage;
                    stats.l2Evictions.add(disk.evictOldest((long) (data * excess)));
                    dataAtLastSizeCheck = disk.dataBytes();
                    nextDiskSizeCheck = nanos + DISK_SETTLE_NANOS;
                }
            }
        } catch (DiskTierException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "disk maintenance failed: " + e.getMessage());
        }
    }

    /**
     * Runs a read-modify-write of {@code key}: at once under its stripe lock when memory knows the
     * key (or when {@code blind}, which needs no old value), else as a disk task that reads L2
     * first. {@code read} counts expired and flushed items found, as a fetch would.
     */
    private <T> CompletableFuture<T> mutate(Key key, boolean read, boolean blind, Mutation<T> mutation) {
        return mutate(key, read, blind, false, mutation);
    }

    /** {@link #mutate}; {@code evenIfDiskFails} runs it while the disk tier cannot write, too. */
    private <T> CompletableFuture<T> mutate(Key key, boolean read, boolean blind, boolean evenIfDiskFails,
            Mutation<T> mutation) {
        Throwable diskFailure = writeBack == null || evenIfDiskFails ? null : writeBack.failure();
        if (diskFailure != null) {
            // A change that cannot reach the disk would leave it stale under a newer version in memory.
            return CompletableFuture.failedFuture(new DiskTierException("the disk tier fails to write: "
                    + diskFailure.getMessage(), diskFailure));
        }
        long now = clock.millis();
        synchronized (stripe(key)) {
            if (disk == null || !serializer.isBusy(key)) {
                Entry current = known(key, now, read, !blind);
                if (current != UNKNOWN || blind) {
                    return mutation.apply(current == UNKNOWN ? null : current, now);
                }
            }
            return serializer.enqueue(key, () -> {
                Entry current = resolve(key, read);
                synchronized (stripe(key)) {
                    return mutation.apply(current, clock.millis());
                }
            }).thenCompose(Function.identity());
        }
    }

    /**
     * On a disk thread, for the key's queued task: the key's live entry or {@code null}. Memory
     * first, since a task queued earlier may have changed the key and not reached the disk yet;
     * then the disk. The key is busy meanwhile, so nothing else changes it between the two.
     */
    private Entry resolve(Key key, boolean read) throws DiskTierException {
        synchronized (stripe(key)) {
            Entry known = known(key, clock.millis(), read);
            if (known != UNKNOWN) {
                return known;
            }
        }
        DiskItem onDisk = disk.read(key);
        synchronized (stripe(key)) {
            return fromDisk(onDisk, clock.millis(), read);
        }
    }

    /** A read-modify-write step; {@code current} is the key's live entry or {@code null}. */
    @FunctionalInterface
    private interface Mutation<T> {
        CompletableFuture<T> apply(Entry current, long now);
    }

    /**
     * What memory knows of the key: its live entry, {@code null} for none, or {@link #UNKNOWN}
     * when only the disk can tell. Caller holds the key's stripe.
     */
    private Entry known(Key key, long now, boolean countRead) {
        return known(key, now, countRead, true);
    }

    /** {@link #known}; without {@code askDisk}, a key memory does not hold is {@link #UNKNOWN} at once. */
    private Entry known(Key key, long now, boolean countRead, boolean askDisk) {
        Entry entry = memory.get(key);
        if (entry != null) {
            return live(entry, now, countRead);
        }
        if (disk == null) {
            return null;
        }
        WriteBack.Change change = writeBack.pending(key);
        if (change != null) {
            return change.entry() == null ? null : live(change.entry(), now, countRead);
        }
        return !askDisk || disk.mayContain(key) ? UNKNOWN : null;
    }

    /**
     * The entry for an item read from disk, promoted into memory when it fits; {@code null} when
     * there is none or it is dead (a dead record is deleted). Caller holds the key's stripe, and
     * the key is busy, so nothing newer exists in memory.
     */
    private Entry fromDisk(DiskItem onDisk, long now, boolean countRead) {
        if (onDisk == null) {
            stats.l2Misses.increment();
            return null;
        }
        boolean flushed = flush.covers(onDisk.cas(), now);
        if (flushed || Expiry.isExpired(onDisk.expiresAt(), now)) {
            if (countRead) {
                (flushed ? stats.getFlushed : stats.getExpired).increment();
            }
            stats.l2Misses.increment();
            stats.reclaimed.increment();
            writeBack.delete(onDisk.key());
            return null;
        }
        stats.l2Hits.increment();
        Entry entry = Entry.of(onDisk, compression);
        if (fitsInMemory(entry.key().length(), entry.valueLength())) {
            memory.put(entry);
            stats.promotions.increment();
        }
        return entry;
    }

    private Item countGet(Entry entry, long now) {
        if (entry == null) {
            stats.getMisses.increment();
            return null;
        }
        entry.markFetched(now);
        memory.recordAccess(entry);
        stats.getHits.increment();
        return entry;
    }

    /** A new version of the key, with a new CAS; {@code old} is its current entry, if any. */
    private Entry newVersion(Key key, Entry old, int flags, long expiresAt, byte[] value, long now) {
        Key stored = old != null ? old.key() : key.toStored();
        return Entry.of(stored, value, flags, expiresAt, nextCas(now), now, compression);
    }

    /** Stores {@code entry}, tells {@code storedCas} its CAS, and completes with STORED once durable. */
    private CompletableFuture<StoreResult> stored(Entry entry, LongConsumer storedCas, long now) {
        stats.totalItems.increment();
        storedCas.accept(entry.cas());
        // Stored already expired (exptime < 0), the key simply ends up empty.
        CompletableFuture<Void> durable = Expiry.isExpired(entry.expiresAt(), now) ? remove(entry.key()) : install(entry);
        return durable == DONE ? STORE_RESULTS[StoreResult.STORED.ordinal()]
                : durable.thenApply(done -> StoreResult.STORED);
    }

    /** Makes {@code entry} its key's newest version: in memory if it fits, and on its way to disk. */
    private CompletableFuture<Void> install(Entry entry) {
        if (fitsInMemory(entry.key().length(), entry.valueLength())) {
            memory.put(entry);
        } else {
            Entry stale = memory.get(entry.key());
            if (stale != null) {
                memory.remove(stale);
            }
        }
        return writeBack == null ? DONE : writeBack.put(entry);
    }

    /** Removes the key from memory and, on its way, from disk. */
    private CompletableFuture<Void> remove(Key key) {
        Entry entry = memory.get(key);
        if (entry != null) {
            memory.remove(entry);
        }
        return writeBack == null ? DONE : writeBack.delete(key);
    }

    private CompletableFuture<StoreResult> concatenate(StoreMode mode, Entry old, byte[] data, long cas, long now,
            LongConsumer storedCas) {
        if (old == null) {
            return STORE_RESULTS[StoreResult.NOT_STORED.ordinal()];
        }
        if (cas != 0 && cas != old.cas()) {
            return STORE_RESULTS[StoreResult.EXISTS.ordinal()];
        }
        byte[] current = old.value();
        if (Cache.itemSize(old.key().length(), old.flags(), (long) current.length + data.length) > itemSizeMax) {
            return STORE_RESULTS[StoreResult.NOT_STORED.ordinal()]; // memcached cannot allocate the joined item either
        }
        byte[] joined = new byte[current.length + data.length];
        byte[] first = mode == StoreMode.APPEND ? current : data;
        byte[] second = mode == StoreMode.APPEND ? data : current;
        System.arraycopy(first, 0, joined, 0, first.length);
        System.arraycopy(second, 0, joined, first.length, second.length);
        return stored(newVersion(old.key(), old, old.flags(), old.expiresAt(), joined, now), storedCas, now);
    }

    /**
     * cas, and the meta protocol's {@code ms C I}: with {@link StoreMode#CAS_OR_STALE}, a CAS older
     * than the item's still stores, but as a stale item that keeps the old expiry and win token.
     */
    private CompletableFuture<StoreResult> compareAndSet(StoreMode mode, Key key, Entry old, int flags, long expiresAt,
            byte[] value, long cas, long now, LongConsumer storedCas) {
        if (old == null) {
            stats.casMisses.increment();
            return STORE_RESULTS[StoreResult.NOT_FOUND.ordinal()];
        }
        if (old.cas() == cas) {
            stats.casHits.increment();
            return stored(newVersion(key, old, flags, expiresAt, value, now), storedCas, now);
        }
        if (mode == StoreMode.CAS_OR_STALE && Long.compareUnsigned(cas, old.cas()) < 0) {
            stats.casHits.increment();
            Entry stale = newVersion(key, old, flags, old.expiresAt(), value, now).withMarks(true, old.winTokenSent());
            return stored(stale, storedCas, now);
        }
        stats.casBadval.increment();
        return STORE_RESULTS[StoreResult.EXISTS.ordinal()];
    }

    /** Touch: the same item with a new expiry, or gone if that expiry has already passed. */
    private CompletableFuture<Void> replaceExpiry(Entry entry, long expiresAt, long now) {
        return Expiry.isExpired(expiresAt, now) ? remove(entry.key()) : install(entry.withExpiry(expiresAt));
    }

    /**
     * The entry if it is live; else {@code null}, after removing it from memory. {@code countRead}
     * counts it as get_expired or get_flushed, as a memcached fetch would.
     */
    private Entry live(Entry entry, long now, boolean countRead) {
        boolean flushed = flush.covers(entry.cas(), now);
        if (!flushed && !Expiry.isExpired(entry.expiresAt(), now)) {
            return entry;
        }
        if (countRead) {
            (flushed ? stats.getFlushed : stats.getExpired).increment();
        }
        if (memory.remove(entry)) {
            countReclaimed(entry);
        }
        return null;
    }

    private boolean fitsInMemory(int keyLength, int valueLength) {
        return valueLength <= largeValueThreshold && MemoryTier.weigh(keyLength, valueLength) <= memory.maxBytes();
    }

    private boolean isDead(Item item, long now) {
        return flush.covers(item.cas(), now) || Expiry.isExpired(item.expiresAt(), now);
    }

    private void onEvicted(Entry entry) {
        if (isDead(entry, clock.millis())) {
            countReclaimed(entry);
        } else {
            stats.evictions.increment();
            if (!entry.fetched()) {
                stats.evictedUnfetched.increment();
            }
        }
    }

    private void countReclaimed(Entry entry) {
        stats.reclaimed.increment();
        if (!entry.fetched()) {
            stats.expiredUnfetched.increment();
        }
    }

    /** A CAS for an item stored now: a flush that has come due fires first, so it never covers it. */
    private long nextCas(long now) {
        flush.advance(now);
        return casSequence.next();
    }

    /** {@code DELETED} once {@code durable} completes. */
    private static CompletableFuture<DeleteResult> deleted(CompletableFuture<Void> durable) {
        return durable == DONE ? DELETE_RESULTS[DeleteResult.DELETED.ordinal()]
                : durable.thenApply(done -> DeleteResult.DELETED);
    }

    /** {@code true} once {@code durable} completes. */
    private static CompletableFuture<Boolean> hit(CompletableFuture<Void> durable) {
        return durable == DONE ? TRUE : durable.thenApply(done -> true);
    }

    /** Writes the CAS reservation and the flush horizon; one writer at a time. */
    private synchronized void persistState(long casReserved) throws DiskTierException {
        casReservedOnDisk = Math.max(casReservedOnDisk, casReserved);
        FlushHorizon horizon = flush; // null while the constructor reserves the first CAS block
        disk.writeState(new PersistedState(casReservedOnDisk,
                horizon == null ? opening.flushCasLimit() : horizon.casLimit(),
                horizon == null ? opening.flushPendingAt() : horizon.pendingAt()));
    }

    /** {@link #persistState} for executors: a failure is logged and completes a waiting future. */
    private void persistStateQuietly() {
        try {
            persistState(0);
        } catch (DiskTierException e) {
            LOG.log(System.Logger.Level.ERROR, "saving the flush horizon and CAS reservation failed: " + e.getMessage());
            throw new CompletionException(e);
        }
    }

    private Object stripe(Key key) {
        int h = key.hashCode();
        return stripes[(h ^ (h >>> 16)) & (LOCK_STRIPES - 1)];
    }

    private static ExecutorService boundedPool(int threads) {
        AtomicInteger count = new AtomicInteger();
        return new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "ratmemcache-l2-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Settings of a {@link TieredCache}; every one has memcached's default. */
    public static final class Builder {
        private Clock clock = Clock.SYSTEM;
        private long maxMemory = 64L << 20;
        private long maxEntries = Long.MAX_VALUE;
        private Eviction eviction = Eviction.LRU;
        private long itemSizeMax = 1L << 20;
        private Duration sweepInterval = Duration.ofSeconds(30);
        private DiskTier disk;
        private boolean writeThrough;
        private long largeValueThreshold = Long.MAX_VALUE;
        private int diskThreads = 4;
        private long writeBackMaxChanges = 100_000;
        private long writeBackMaxBytes = 64L << 20;
        private Duration writeBackMaxLag = Duration.ofMillis(100);
        private long maxDiskSize;
        private ValueCompression compression = ValueCompression.OFF;

        private Builder() {
        }

        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /** The L1 byte budget, memcached's {@code -m}; default 64 MiB. */
        public Builder maxMemory(long bytes) {
            this.maxMemory = bytes;
            return this;
        }

        /** The L1 entry bound; default none. */
        public Builder maxEntries(long entries) {
            this.maxEntries = entries;
            return this;
        }

        public Builder eviction(Eviction eviction) {
            this.eviction = eviction;
            return this;
        }

        /** The largest item, memcached's {@code -I}; default 1 MiB. */
        public Builder itemSizeMax(long bytes) {
            this.itemSizeMax = bytes;
            return this;
        }

        /** How often expired items are swept; zero turns the sweeper off. Default 30 seconds. */
        public Builder sweepInterval(Duration interval) {
            if (interval.isNegative()) {
                throw new IllegalArgumentException("sweep interval must not be negative: " + interval);
            }
            this.sweepInterval = interval;
            return this;
        }

        /** An L2 tier below memory; the cache takes it over and closes it. Default none. */
        public Builder disk(DiskTier disk) {
            this.disk = disk;
            return this;
        }

        /** Acknowledge a write only once it is in L2's write-ahead log. Default false: write-back. */
        public Builder writeThrough(boolean writeThrough) {
            this.writeThrough = writeThrough;
            return this;
        }

        /** Values longer than this skip L1 and live in L2 only. Default: none skips. */
        public Builder largeValueThreshold(long bytes) {
            this.largeValueThreshold = bytes;
            return this;
        }

        /** Threads that read L2 for commands memory cannot answer. Default 4. */
        public Builder diskThreads(int threads) {
            this.diskThreads = threads;
            return this;
        }

        /** Bounds of the write-back queue: past any, writers are held back. Default 100,000, 64 MiB, 100 ms. */
        public Builder writeBackLimits(long changes, long bytes, Duration lag) {
            this.writeBackMaxChanges = changes;
            this.writeBackMaxBytes = bytes;
            this.writeBackMaxLag = lag;
            return this;
        }

        /**
         * The bound on the disk tier's files; past it the oldest records are evicted. Checked every
         * second. Default 0: unbounded.
         */
        public Builder maxDiskSize(long bytes) {
            this.maxDiskSize = bytes;
            return this;
        }

        /** How values are compressed in memory. Default: not at all. */
        public Builder compression(ValueCompression compression) {
            this.compression = compression;
            return this;
        }

        /** Builds the cache; with a disk tier, reserves its first block of CAS values there. */
        public TieredCache build() {
            try {
                return new TieredCache(this);
            } catch (DiskTierException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        }
    }
}
