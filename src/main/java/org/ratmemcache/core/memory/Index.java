package org.ratmemcache.core.memory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongUnaryOperator;

import org.ratmemcache.core.Key;

/**
 * The memory tier's index: where each key's item lies in item memory.
 *
 * <h2>Layout</h2>
 * A table of 64-byte buckets off the heap, one cache line each: a header of eight overflow
 * counters and seven slots. A slot holds a 12-bit tag from the key's hash, 8 bits of the eviction
 * policy's own (a use count, an access bit), and the item's 44-bit {@link Locations location}; 0
 * is empty. A key lives in its home bucket ({@link KeyHash} mapped onto the table) or, when that
 * is full, in a later one of its probe sequence (a step of its own, double hashing). Every bucket
 * a key passed counts it, in the counter of its lane (three bits of its hash), and a lookup stops
 * at the first bucket whose counter for its lane is 0: F14's outbound overflow counts, split
 * eight ways. Under a cache's churn most buckets have had some key pass them; one count per
 * bucket then sent nine misses in ten on to further buckets at 82 % load, eight lanes stop two in
 * three at home (BENCHMARKS.md, "The index under churn"). A miss thus reads one or two cache
 * lines, and a hit compares the key only where the tag matches.
 *
 * <h2>Concurrency</h2>
 * <ul>
 *   <li>Readers take no lock: slots are read with acquire semantics, and the item they point to
 *       stays valid while the reader is inside its {@link Epochs epoch}.</li>
 *   <li>Every change is a compare-and-set of one slot. The engine serialises the changes of one
 *       key (its stripe lock), so two writers never insert the same key; writers of different
 *       keys in one bucket race only for empty slots. The evictor moves and removes items
 *       without that lock: a writer whose compare-and-set fails finds the item moved or gone and
 *       acts on that.</li>
 *   <li>An insert counts itself in the overflow counts of the full buckets it passes before it
 *       publishes its slot, and a removal empties its slot before it uncounts them, so a lookup
 *       never stops short of a key that is there.</li>
 * </ul>
 *
 * <h2>Growth</h2>
 * Past {@value #MAX_LOAD} of its slots the index moves to a table in which its items fill
 * {@value #GROWN_LOAD}: the new table becomes current at once, and a maintainer thread
 * moves the old table's entries over, a bucket at a time, each entry under its key's stripe lock,
 * copying before it removes. Writers take buckets too before they store ({@link #help}), so the
 * move keeps pace with the inserts that fill the new table; whoever moves the last bucket ends
 * the growth.
 * Meanwhile a lookup reads the old table first and the new one second, and writers write the new
 * one and remove the key from the old one afterwards, so a key is always found, and never in an
 * older version than one already read. The old table is freed once no reader can be in it.
 * Growing by a sixth keeps the index 80–92 % full: 10 to 11.5 bytes per item.
 */
final class Index implements AutoCloseable {

    static final int BUCKET_BYTES = 64;
    static final int SLOTS = 7;
    /** The share of slots in use past which the index grows. */
    static final double MAX_LOAD = 0.92;
    /** The share it grows to. */
    static final double GROWN_LOAD = 0.8;
    static final int MIN_BUCKETS = 1024;
    /** An overflow counter that lost count. */
    static final int SATURATED = 0xff;

    private static final int TAG_SHIFT = 52;
    private static final int POLICY_SHIFT = 44;
    static final long LOCATION_MASK = (1L << 44) - 1;
    /** What {@link #put} answers when no slot is left; never a slot, whose location is never 0. */
    static final long FULL = Long.MIN_VALUE;
    static final long POLICY_MASK = 0xffL << POLICY_SHIFT;
    private static final VarHandle SLOT = ValueLayout.JAVA_LONG.varHandle();

    /** What the index needs of item memory: the key stored at a location. */
    interface Keys {

        /** Whether the item at {@code location} has the key {@code key}. */
        boolean matches(long location, Key key);

        /** The {@link org.ratmemcache.core.KeyHash} of the key stored at {@code location}. */
        long hashAt(long location);
    }

    /**
     * One table; {@code live} counts its entries. While it is being moved out of, {@code claimed}
     * is the next bucket a mover takes and {@code moved} how many are done.
     */
    private static final class Table {
        final Arena arena;
        final MemorySegment memory;
        final int buckets;
        final LongAdder live = new LongAdder();
        final java.util.concurrent.atomic.AtomicInteger claimed = new java.util.concurrent.atomic.AtomicInteger();
        final java.util.concurrent.atomic.AtomicInteger moved = new java.util.concurrent.atomic.AtomicInteger();

        Table(int atLeast) {
            this.arena = Arena.ofShared();
            this.buckets = primeFrom(atLeast);
            this.memory = arena.allocate((long) buckets * BUCKET_BYTES, BUCKET_BYTES);
        }

        /** The least prime at or above {@code n}: a step of any size then visits every bucket. */
        static int primeFrom(int n) {
            for (int candidate = Math.max(3, n | 1); ; candidate += 2) {
                boolean prime = true;
                for (int d = 3; (long) d * d <= candidate && prime; d += 2) {
                    prime = candidate % d != 0;
                }
                if (prime) {
                    return candidate;
                }
            }
        }

        long slotCount() {
            return (long) buckets * SLOTS;
        }
    }

    private final Keys keys;
    private final Epochs epochs;
    private final KeyStripes stripes;
    private final Thread maintainer;
    private volatile Table current;
    /** The table being moved into {@link #current}, or null. */
    private volatile Table previous;
    private volatile boolean closed;
    private final Object growth = new Object();
    /** Keys in the index: unlike the tables' counts, not counted twice while an entry is being moved. */
    private final LongAdder keyCount = new LongAdder();

    Index(Keys keys, Epochs epochs, KeyStripes stripes, int initialBuckets) {
        this.keys = keys;
        this.epochs = epochs;
        this.stripes = stripes;
        this.current = new Table(Math.max(MIN_BUCKETS, initialBuckets));
        this.maintainer = Thread.ofPlatform().name("ratmemcache-index").daemon().unstarted(this::maintain);
    }

    // ---- slots

    static long slot(long hash, int policyBits, long location) {
        return tag(hash) << TAG_SHIFT | (long) policyBits << POLICY_SHIFT | location;
    }

    static long location(long slot) {
        return slot & LOCATION_MASK;
    }

    static int policyBits(long slot) {
        return (int) (slot >>> POLICY_SHIFT) & 0xff;
    }

    static long withPolicyBits(long slot, int bits) {
        return slot & ~POLICY_MASK | (long) (bits & 0xff) << POLICY_SHIFT;
    }

    private static long tag(long hash) {
        return hash & 0xfff;
    }

    private static int home(Table table, long hash) {
        return (int) (((hash >>> 32) * table.buckets) >>> 32);
    }

    private static long read(Table table, int bucket, int slot) {
        return (long) SLOT.getAcquire(table.memory, (long) bucket * BUCKET_BYTES + 8L * slot);
    }

    private static boolean cas(Table table, int bucket, int slot, long expected, long value) {
        return SLOT.compareAndSet(table.memory, (long) bucket * BUCKET_BYTES + 8L * slot, expected, value);
    }

    /** How many keys of {@code hash}'s lane passed {@code bucket} full; {@value #SATURATED} when it lost count. */
    private static int overflow(Table table, int bucket, long hash) {
        long counts = (long) SLOT.getAcquire(table.memory, (long) bucket * BUCKET_BYTES);
        return (int) (counts >>> lane(hash)) & 0xff;
    }

    /** The shift of the key's overflow counter in a bucket's header: one of eight, by tag bits. */
    private static int lane(long hash) {
        return (int) (hash & 7) << 3;
    }

    /**
     * Counts a key of {@code hash} passing {@code bucket} ({@code delta} 1) or no longer passing it
     * (-1), in its lane's 8-bit counter. A counter that reaches {@value #SATURATED} stays there:
     * lookups in its lane then always go on, which is slower but never wrong.
     */
    private static void countPassing(Table table, int bucket, long hash, int delta) {
        long at = (long) bucket * BUCKET_BYTES;
        int shift = lane(hash);
        for (long counts = (long) SLOT.getAcquire(table.memory, at); ; counts = (long) SLOT.getAcquire(table.memory, at)) {
            if ((counts >>> shift & 0xff) == SATURATED
                    || SLOT.compareAndSet(table.memory, at, counts, counts + ((long) delta << shift))) {
                return;
            }
        }
    }

    private static void addOverflow(Table table, int from, int to, long hash, int delta) {
        for (int b = from; b != to; b = next(table, b, hash)) {
            countPassing(table, b, hash, delta);
        }
    }

    /**
     * The bucket after {@code bucket} in the key's probe sequence: a step of its own, from hash
     * bits that neither the tag nor the home uses (double hashing, as F14 probes). With linear
     * probing, the keys that overflow one bucket fill its neighbours, whose keys then overflow
     * in turn; under a cache's churn almost every bucket came to have an overflow count, and a
     * miss read hundreds of buckets. The table's bucket count is prime, so every step visits
     * every bucket.
     */
    private static int next(Table table, int bucket, long hash) {
        int step = 1 + (int) Long.remainderUnsigned(hash >>> 12 & 0xffff_ffffL, table.buckets - 1);
        int next = bucket + step;
        return next >= table.buckets ? next - table.buckets : next;
    }

    // ---- lookups, lock-free

    /**
     * The slot of {@code key}'s item, or 0; then, if {@code bump} changes the slot's policy bits,
     * records that (once: a lost race loses only a count). The caller is inside its epoch.
     */
    long get(Key key, LongUnaryOperator bump) {
        Table now = current;
        Table old = previous;
        long found = old != null && old != now ? find(old, key, bump) : 0;
        return found != 0 ? found : find(now, key, bump);
    }

    private long find(Table table, Key key, LongUnaryOperator bump) {
        long hash = key.hash64();
        long tag = tag(hash);
        int bucket = home(table, hash);
        for (int step = 0; step < table.buckets; step++, bucket = next(table, bucket, hash)) {
            for (int s = 1; s <= SLOTS; s++) {
                long slot = read(table, bucket, s);
                if (slot != 0 && slot >>> TAG_SHIFT == tag && keys.matches(location(slot), key)) {
                    if (bump != null) {
                        long bumped = bump.applyAsLong(slot);
                        if (bumped != slot) {
                            cas(table, bucket, s, slot, bumped);
                        }
                    }
                    return slot;
                }
            }
            if (overflow(table, bucket, hash) == 0) {
                return 0;
            }
        }
        return 0;
    }

    // ---- changes under the key's stripe lock

    /**
     * Points {@code key} at {@code location} with the policy bits {@code policyBits}, replacing
     * the key's slot if it has one; returns the slot replaced, 0 if there was none, or
     * {@link #FULL} when no slot is left. The caller holds the key's stripe lock, so only the
     * evictor (which may have moved or dropped the key's item meanwhile) changes the key's slot
     * at the same time: the key is looked up by its bytes, and the swap retried until it holds.
     */
    long put(Key key, long location, int policyBits) {
        long value = slot(key.hash64(), policyBits, location);
        Table now = current;
        long replaced = putIn(now, previous, key, value);
        // The index began to grow meanwhile, and the slot may have gone into the table being
        // moved, behind its mover: the key's lock is ours, so move it now, as the mover would.
        for (Table grown = current; grown != now && replaced != FULL; now = grown, grown = current) {
            putIn(grown, previous, key, value);
        }
        if (replaced == 0) {
            keyCount.increment();
        }
        return replaced;
    }

    /** Puts the slot in {@code now}, then takes any copy of the key out of {@code old}: readers look there first. */
    private long putIn(Table now, Table old, Key key, long value) {
        long replaced = swapKey(now, key, value);
        if (replaced == 0 && !insert(now, key.hash64(), value)) {
            return FULL;
        }
        long removedOld = old != null && old != now ? swapKey(old, key, 0) : 0;
        return replaced != 0 ? replaced : removedOld;
    }

    /** Removes {@code key}'s slot; returns it, or 0 if the key had none. The caller holds the key's stripe lock. */
    long delete(Key key) {
        long removed = 0;
        for (Table now = null; now != current; ) {
            now = current;
            Table old = previous;
            long fromNow = swapKey(now, key, 0);
            long fromOld = old != null && old != now ? swapKey(old, key, 0) : 0;
            removed = removed != 0 ? removed : fromNow != 0 ? fromNow : fromOld;
        }
        if (removed != 0) {
            keyCount.decrement();
        }
        return removed;
    }

    /** Replaces {@code key}'s slot in {@code table} by {@code value} (0 removes it); returns the slot replaced or 0. */
    private long swapKey(Table table, Key key, long value) {
        long hash = key.hash64();
        long tag = tag(hash);
        int home = home(table, hash);
        int bucket = home;
        for (int step = 0; step < table.buckets; step++, bucket = next(table, bucket, hash)) {
            for (int s = 1; s <= SLOTS; s++) {
                for (long slot; (slot = read(table, bucket, s)) != 0 && slot >>> TAG_SHIFT == tag
                        && keys.matches(location(slot), key); ) {
                    if (cas(table, bucket, s, slot, value)) {
                        if (value == 0) {
                            addOverflow(table, home, bucket, hash, -1);
                            table.live.decrement();
                        }
                        return slot;
                    }
                }
            }
            if (overflow(table, bucket, hash) == 0) {
                return 0;
            }
        }
        return 0;
    }

    /**
     * Removes the slot pointing at {@code location}; whoever calls may hold no lock (the evictor).
     * The old table first, then the new: a mover copies before it empties the old slot, so a slot
     * not found in the old table has been copied into the new one. If the index began to grow
     * meanwhile, the tables are looked at again.
     */
    boolean remove(long hash, long location) {
        boolean removed = false;
        for (Table now = null; now != current; ) {
            now = current;
            Table old = previous;
            removed |= old != null && old != now && removeKey(old, hash, location);
            removed |= removeKey(now, hash, location);
        }
        if (removed) {
            keyCount.decrement();
        }
        return removed;
    }

    /**
     * Moves the slot pointing at {@code from} to {@code to} with the given policy bits, if it
     * still points there: the evictor keeping an item it copied. Lock-free, in the order of
     * {@link #remove}, and looked at again as it is.
     */
    boolean move(long hash, long from, long to, int policyBits) {
        boolean moved = false;
        for (Table now = null; now != current; ) {
            now = current;
            Table old = previous;
            moved |= old != null && old != now && moveIn(old, hash, from, to, policyBits);
            moved |= moveIn(now, hash, from, to, policyBits);
        }
        return moved;
    }

    /** The slot pointing at {@code location}, or 0: for the evictor, to read its policy bits. */
    long slotOf(long hash, long location) {
        Table now = current;
        Table old = previous;
        long found = slotIn(now, hash, location);
        return found != 0 || old == null || old == now ? found : slotIn(old, hash, location);
    }

    private long slotIn(Table table, long hash, long location) {
        long tag = tag(hash);
        int bucket = home(table, hash);
        for (int step = 0; step < table.buckets; step++, bucket = next(table, bucket, hash)) {
            for (int s = 1; s <= SLOTS; s++) {
                long slot = read(table, bucket, s);
                if (location(slot) == location && slot >>> TAG_SHIFT == tag) {
                    return slot;
                }
            }
            if (overflow(table, bucket, hash) == 0) {
                return 0;
            }
        }
        return 0;
    }

    /** Points the slot at {@code from} to {@code to} with {@code policyBits}, retrying while only its policy bits move. */
    private boolean moveIn(Table table, long hash, long from, long to, int policyBits) {
        long tag = tag(hash);
        int bucket = home(table, hash);
        for (int step = 0; step < table.buckets; step++, bucket = next(table, bucket, hash)) {
            for (int s = 1; s <= SLOTS; s++) {
                for (long slot; location(slot = read(table, bucket, s)) == from && slot >>> TAG_SHIFT == tag; ) {
                    if (cas(table, bucket, s, slot, withPolicyBits(slot & ~LOCATION_MASK | to, policyBits))) {
                        return true;
                    }
                }
            }
            if (overflow(table, bucket, hash) == 0) {
                return false;
            }
        }
        return false;
    }

    private boolean removeKey(Table table, long hash, long location) {
        long tag = tag(hash);
        int home = home(table, hash);
        int bucket = home;
        for (int step = 0; step < table.buckets; step++, bucket = next(table, bucket, hash)) {
            for (int s = 1; s <= SLOTS; s++) {
                for (long slot; location(slot = read(table, bucket, s)) == location && slot >>> TAG_SHIFT == tag; ) {
                    if (cas(table, bucket, s, slot, 0)) {
                        addOverflow(table, home, bucket, hash, -1);
                        table.live.decrement();
                        return true;
                    }
                }
            }
            if (overflow(table, bucket, hash) == 0) {
                return false;
            }
        }
        return false;
    }

    private boolean insert(Table table, long hash, long value) {
        int home = home(table, hash);
        int bucket = home;
        for (int step = 0; step < table.buckets; step++) {
            for (int s = 1; s <= SLOTS; s++) {
                if (read(table, bucket, s) == 0 && cas(table, bucket, s, 0, value)) {
                    table.live.increment();
                    if (table.live.sum() > MAX_LOAD * table.slotCount()) {
                        grow(table);
                    }
                    return true;
                }
            }
            // full: count ourselves as passing it before publishing further on
            countPassing(table, bucket, hash, 1);
            bucket = next(table, bucket, hash);
            if (bucket == home) {
                break;
            }
        }
        undoPassed(table, home, hash);
        return false;
    }

    /** An insert that found no slot anywhere takes back its counts of every bucket. */
    private static void undoPassed(Table table, int home, long hash) {
        int bucket = home;
        do {
            countPassing(table, bucket, hash, -1);
            bucket = next(table, bucket, hash);
        } while (bucket != home);
    }

    /**
     * Calls {@code visit} with every slot, the old table's first while the index grows (an entry
     * being moved meanwhile may be visited twice, or, once moved, not at all in the old one). A
     * weakly consistent pass for sweeps and listings; the caller is inside its epoch.
     */
    void forEach(java.util.function.LongConsumer visit) {
        Table now = current;
        Table old = previous;
        if (old != null && old != now) {
            forEachIn(old, visit);
        }
        forEachIn(now, visit);
    }

    private static void forEachIn(Table table, java.util.function.LongConsumer visit) {
        for (int bucket = 0; bucket < table.buckets; bucket++) {
            for (int s = 1; s <= SLOTS; s++) {
                long slot = read(table, bucket, s);
                if (slot != 0) {
                    visit.accept(slot);
                }
            }
        }
    }

    // ---- figures

    /** Keys in the index. */
    long entries() {
        return keyCount.sum();
    }

    /** Bytes of the index's tables, off the heap. */
    long bytes() {
        Table old = previous;
        Table now = current;
        return now.memory.byteSize() + (old != null && old != now ? old.memory.byteSize() : 0);
    }

    /** Buckets of the current table. */
    int buckets() {
        return current.buckets;
    }

    /** Whether entries are being moved to a larger table. */
    boolean growing() {
        return previous != null;
    }

    // ---- growth

    private void grow(Table full) {
        synchronized (growth) {
            if (current != full || previous != null || closed) {
                return; // grown already, or growing: the new table has room for a while
            }
            long wanted = (long) Math.ceil(full.live.sum() / (GROWN_LOAD * SLOTS));
            Table bigger = new Table((int) Math.min(Integer.MAX_VALUE / BUCKET_BYTES, Math.max(wanted, full.buckets + 1)));
            previous = full;
            current = bigger;
            if (maintainer.getState() == Thread.State.NEW) {
                maintainer.start();
            } else {
                growth.notifyAll();
            }
        }
    }

    /** The maintainer thread: moves each growth's old table over, then waits for the next. */
    private void maintain() {
        while (!closed) {
            Table old = previous;
            if (old == null) {
                synchronized (growth) {
                    while (previous == null && !closed) {
                        try {
                            growth.wait();
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }
                continue;
            }
            while (!closed && moveNextBucket(old)) {
                // writers that store take buckets too (help)
            }
            synchronized (growth) {
                while (previous == old && !closed) {
                    try {
                        growth.wait(); // a helper finishes the buckets it took, and with them the growth
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        }
    }

    /**
     * Moves a few buckets of the table being moved out of, if there is one: called by writers
     * that hold no stripe lock, before they store, so that the move keeps pace with the inserts
     * that fill the new table, whatever share of the machine the maintainer thread gets.
     */
    void help(int buckets) {
        Table old = previous;
        if (old == null) {
            return;
        }
        for (int i = 0; i < buckets && moveNextBucket(old); i++) {
            // each takes the next bucket
        }
        // Every bucket is taken, but one of the movers is off the processor mid-bucket, and the
        // new table fills up meanwhile: wait for the growth to end (and the next to begin) rather
        // than fill it to the brim.
        for (Table now = current; previous == old && now.live.sum() > MAX_LOAD * now.slotCount() && !closed; now = current) {
            Thread.yield();
        }
    }

    /** Takes the next bucket of {@code old} not yet taken and moves it; false when all are taken. */
    private boolean moveNextBucket(Table old) {
        int bucket = old.claimed.getAndIncrement();
        if (bucket >= old.buckets) {
            return false;
        }
        moveBucket(old, bucket);
        if (old.moved.incrementAndGet() == old.buckets) {
            finishGrowth(old);
        }
        return true;
    }

    /**
     * Ends a growth, on the thread that moved its last bucket: the old table goes once no reader
     * can be in it, and, if the new one filled up while it was being moved into, the next growth
     * begins at once, whichever thread gets to run.
     */
    private void finishGrowth(Table old) {
        Table now;
        synchronized (growth) {
            previous = null;
            now = current;
            growth.notifyAll();
        }
        epochs.retire(old.arena::close);
        if (now.live.sum() > MAX_LOAD * now.slotCount()) {
            grow(now);
        }
    }

    /** Moves one bucket's entries from {@code old} into the current table, each under its key's stripe lock. */
    private void moveBucket(Table old, int bucket) {
        Table now = current;
        epochs.enter();
        try {
            for (int s = 1; s <= SLOTS; s++) {
                long slot = read(old, bucket, s);
                if (slot == 0) {
                    continue;
                }
                // only this key can be in the slot until it is emptied: inserts go to the new table
                long hash = keys.hashAt(location(slot));
                synchronized (stripes.of(hash)) {
                    moveSlot(old, now, bucket, s, hash);
                }
            }
        } finally {
            epochs.exit();
        }
    }

    /**
     * Moves the entry in slot {@code s} of {@code bucket}: insert into the new table, then empty
     * the old slot. The evictor takes no lock, and may move or remove the item meanwhile, in the
     * old table first: then the copy follows the slot (re-made if it points elsewhere, taken back
     * if the item is gone). A reader's count that lands between copy and removal is lost.
     */
    private void moveSlot(Table old, Table now, int bucket, int s, long hash) {
        long copied = 0; // the location the copy in the new table points at
        for (long slot = read(old, bucket, s); slot != 0; slot = read(old, bucket, s)) {
            if (location(slot) != copied) {
                if (copied != 0) {
                    removeKey(now, hash, copied);
                }
                // the evictor moves the copy along with the slot if it finds it: then it is there
                if (slotIn(now, hash, location(slot)) == 0 && !insert(now, hash, slot)) {
                    // cannot happen: writers wait while the new table is past MAX_LOAD (help), so
                    // the old table's entries find the room it was sized for; the entry would
                    // stay in the old table, and go with it
                    return;
                }
                copied = location(slot);
            }
            if (cas(old, bucket, s, slot, 0)) {
                addOverflow(old, home(old, hash), bucket, hash, -1);
                old.live.decrement();
                return;
            }
        }
        if (copied != 0) {
            removeKey(now, hash, copied); // the evictor removed the item; its copy may have come too late
        }
    }

    @Override
    public void close() {
        synchronized (growth) {
            closed = true;
            growth.notifyAll();
        }
        try {
            maintainer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Table old = previous;
        current.arena.close();
        if (old != null && old != current) {
            old.arena.close();
        }
    }
}
