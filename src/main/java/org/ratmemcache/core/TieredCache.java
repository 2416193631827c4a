package org.ratmemcache.core;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.ratmemcache.core.memory.Entry;
import org.ratmemcache.core.memory.Eviction;
import org.ratmemcache.core.memory.MemoryTier;

/**
 * The cache engine: memcached's semantics over the memory tier (L1).
 *
 * <h2>Atomicity</h2>
 * <ul>
 *   <li>Every command that reads and then writes a key (set, add, replace, append, prepend, cas,
 *       incr, decr, touch, gat, delete) runs under that key's <em>stripe lock</em>: one of
 *       {@value #LOCK_STRIPES} monitors picked by key hash. So the mutations of one key are
 *       serialised across connections, and mutations of different keys rarely wait for each
 *       other. A stripe is held for a map lookup and an insert, never across I/O.</li>
 *   <li>A plain get takes no lock: a map lookup and a lock-free note of the access.</li>
 *   <li>Items never change in place; a write installs a new item with a new CAS. A reader
 *       therefore always sees a whole item, old or new.</li>
 * </ul>
 * A tier that must wait for I/O (the RocksDB L2) keeps this contract by running the whole
 * read-modify-write of that key off the event loop, holding the key's stripe there.
 *
 * <h2>Expiry and flush</h2>
 * Expired and flushed items are never returned. They are removed when an access finds them, and
 * by the sweeper, which walks the tier every sweep interval. {@link FlushHorizon} explains how
 * flush_all invalidates without touching the items.
 *
 * <h2>Time</h2>
 * All time comes from the {@link Clock} given to the builder, so tests move it by hand.
 */
public final class TieredCache implements Cache, AutoCloseable {

    /** Key stripes guarding read-modify-write; a power of two, 16 KiB of monitors in all. */
    static final int LOCK_STRIPES = 1024;

    private final Clock clock;
    private final MemoryTier memory;
    private final CasSequence casSequence = new CasSequence(0);
    private final FlushHorizon flush = new FlushHorizon(casSequence);
    private final CacheStats stats = new CacheStats();
    private final long itemSizeMax;
    private final Object[] stripes = new Object[LOCK_STRIPES];
    private final ScheduledExecutorService sweeper;

    private TieredCache(Builder b) {
        this.clock = b.clock;
        this.itemSizeMax = b.itemSizeMax;
        this.memory = new MemoryTier(b.eviction, b.maxMemory, b.maxEntries, this::onEvicted);
        Arrays.setAll(stripes, i -> new Object());
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
        Entry entry = live(key, now, true);
        if (entry == null) {
            stats.getMisses.increment();
            return null;
        }
        entry.markFetched(now);
        memory.recordAccess(entry);
        stats.getHits.increment();
        return entry;
    }

    @Override
    public Item getAndTouch(Key key, long expiresAt) {
        long now = clock.millis();
        synchronized (stripe(key)) {
            Entry entry = live(key, now, true);
            if (entry == null) {
                stats.touchMisses.increment();
                return null;
            }
            entry.markFetched(now);
            replaceExpiry(entry, expiresAt, now);
            stats.touchHits.increment();
            return entry;
        }
    }

    @Override
    public boolean touch(Key key, long expiresAt) {
        long now = clock.millis();
        synchronized (stripe(key)) {
            Entry entry = live(key, now, false);
            if (entry == null) {
                stats.touchMisses.increment();
                return false;
            }
            replaceExpiry(entry, expiresAt, now);
            stats.touchHits.increment();
            return true;
        }
    }

    @Override
    public StoreResult store(StoreMode mode, Key key, int flags, long expiresAt, byte[] value, long cas) {
        if (Cache.itemSize(key.length(), flags, value.length) > itemSizeMax) {
            refuseTooLarge(mode, key);
            return StoreResult.TOO_LARGE;
        }
        if (MemoryTier.weigh(key.length(), value.length) > memory.maxBytes()) {
            stats.storeNoMemory.increment();
            return StoreResult.NO_MEMORY;
        }
        stats.cmdSet.increment();
        long now = clock.millis();
        synchronized (stripe(key)) {
            Entry old = live(key, now, false);
            return switch (mode) {
                case SET -> install(key, old, flags, expiresAt, value, now);
                case ADD -> {
                    if (old == null) {
                        yield install(key, null, flags, expiresAt, value, now);
                    }
                    memory.recordAccess(old); // a failed add still bumps the item, as in memcached
                    yield StoreResult.NOT_STORED;
                }
                case REPLACE -> old == null ? StoreResult.NOT_STORED : install(key, old, flags, expiresAt, value, now);
                case APPEND, PREPEND -> concatenate(mode, old, value, cas, now);
                case CAS -> compareAndSet(key, old, flags, expiresAt, value, cas, now);
            };
        }
    }

    @Override
    public void refuseTooLarge(StoreMode mode, Key key) {
        stats.storeTooLarge.increment();
        if (mode == StoreMode.SET) {
            synchronized (stripe(key)) {
                Entry stale = memory.get(key);
                if (stale != null) {
                    memory.remove(stale);
                }
            }
        }
    }

    @Override
    public boolean delete(Key key) {
        long now = clock.millis();
        synchronized (stripe(key)) {
            Entry entry = live(key, now, false);
            if (entry == null || !memory.remove(entry)) {
                stats.deleteMisses.increment();
                return false;
            }
            stats.deleteHits.increment();
            return true;
        }
    }

    @Override
    public DeltaResult delta(Key key, boolean increment, long delta) {
        long now = clock.millis();
        synchronized (stripe(key)) {
            Entry old = live(key, now, false);
            if (old == null) {
                (increment ? stats.incrMisses : stats.decrMisses).increment();
                return DeltaResult.NOT_FOUND;
            }
            byte[] current = old.value();
            Decimal number = new Decimal();
            if (!number.parseUnsigned64(current, 0, current.length)) {
                return DeltaResult.NON_NUMERIC;
            }
            long value = number.value();
            long result = increment ? value + delta : Long.compareUnsigned(delta, value) > 0 ? 0 : value - delta;
            // memcached rewrites a number that got shorter in place, padding it with spaces.
            byte[] digits = new byte[Math.max(Decimal.length(result), current.length)];
            Arrays.fill(digits, Decimal.write(result, digits, 0), digits.length, (byte) ' ');
            Entry updated = new Entry(old.key(), digits, old.flags(), old.expiresAt(), nextCas(now), now);
            memory.put(updated);
            stats.totalItems.increment();
            (increment ? stats.incrHits : stats.decrHits).increment();
            return new DeltaResult.Applied(result, updated);
        }
    }

    @Override
    public void flushAll(long atMillis) {
        stats.cmdFlush.increment();
        long now = clock.millis();
        flush.flush(atMillis, now);
        if (atMillis <= now && sweeper != null) {
            sweeper.execute(this::sweep); // give the memory back now rather than at the next sweep
        }
    }

    /**
     * Removes every expired or flushed item. The sweeper calls this every sweep interval; it
     * takes no stripe lock, since each removal is conditional on the exact entry it examined.
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

    @Override
    public long itemCount() {
        return memory.entries();
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

    /** Stops the sweeper. The cache stays usable; nothing is lost. */
    @Override
    public void close() {
        if (sweeper != null) {
            sweeper.shutdownNow();
        }
    }

    private StoreResult install(Key key, Entry old, int flags, long expiresAt, byte[] value, long now) {
        Key stored = old != null ? old.key() : key.toStored();
        stats.totalItems.increment();
        if (Expiry.isExpired(expiresAt, now)) {
            // Stored already expired (exptime < 0): the key simply ends up empty.
            if (old != null) {
                memory.remove(old);
            }
            return StoreResult.STORED;
        }
        memory.put(new Entry(stored, value, flags, expiresAt, nextCas(now), now));
        return StoreResult.STORED;
    }

    private StoreResult concatenate(StoreMode mode, Entry old, byte[] data, long cas, long now) {
        if (old == null) {
            return StoreResult.NOT_STORED;
        }
        if (cas != 0 && cas != old.cas()) {
            return StoreResult.EXISTS;
        }
        byte[] current = old.value();
        if (Cache.itemSize(old.key().length(), old.flags(), (long) current.length + data.length) > itemSizeMax) {
            return StoreResult.NOT_STORED; // memcached cannot allocate the joined item either
        }
        byte[] joined = new byte[current.length + data.length];
        byte[] first = mode == StoreMode.APPEND ? current : data;
        byte[] second = mode == StoreMode.APPEND ? data : current;
        System.arraycopy(first, 0, joined, 0, first.length);
        System.arraycopy(second, 0, joined, first.length, second.length);
        return install(old.key(), old, old.flags(), old.expiresAt(), joined, now);
    }

    private StoreResult compareAndSet(Key key, Entry old, int flags, long expiresAt, byte[] value, long cas, long now) {
        if (old == null) {
            stats.casMisses.increment();
            return StoreResult.NOT_FOUND;
        }
        if (old.cas() != cas) {
            stats.casBadval.increment();
            return StoreResult.EXISTS;
        }
        stats.casHits.increment();
        return install(key, old, flags, expiresAt, value, now);
    }

    /** Touch: the same item with a new expiry, or gone if that expiry has already passed. */
    private void replaceExpiry(Entry entry, long expiresAt, long now) {
        if (Expiry.isExpired(expiresAt, now)) {
            memory.remove(entry);
        } else {
            memory.put(entry.withExpiry(expiresAt));
        }
    }

    /**
     * The live entry under {@code key}, or {@code null}. A dead entry found on the way is removed;
     * {@code countRead} counts it as get_expired or get_flushed, as a memcached fetch would.
     */
    private Entry live(Key key, long now, boolean countRead) {
        Entry entry = memory.get(key);
        if (entry == null) {
            return null;
        }
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

    private boolean isDead(Entry entry, long now) {
        return flush.covers(entry.cas(), now) || Expiry.isExpired(entry.expiresAt(), now);
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

    private Object stripe(Key key) {
        int h = key.hashCode();
        return stripes[(h ^ (h >>> 16)) & (LOCK_STRIPES - 1)];
    }

    /** Settings of a {@link TieredCache}; every one has memcached's default. */
    public static final class Builder {
        private Clock clock = Clock.SYSTEM;
        private long maxMemory = 64L << 20;
        private long maxEntries = Long.MAX_VALUE;
        private Eviction eviction = Eviction.LRU;
        private long itemSizeMax = 1L << 20;
        private Duration sweepInterval = Duration.ofSeconds(30);

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

        public TieredCache build() {
            return new TieredCache(this);
        }
    }
}
