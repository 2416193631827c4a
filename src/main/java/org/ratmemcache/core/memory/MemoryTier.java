package org.ratmemcache.core.memory;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;
import java.util.PriorityQueue;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.LongUnaryOperator;

import org.ratmemcache.core.CacheView;
import org.ratmemcache.core.Clock;
import org.ratmemcache.core.Key;
import org.ratmemcache.core.ValueForm;

/**
 * The L1 tier: items as bytes in blocks of memory off the heap, found through an index, evicted a
 * block at a time by a policy.
 *
 * <h2>The parts</h2>
 * <ul>
 *   <li>{@link Blocks}: item memory, in segments of one size and large blocks, within the budget
 *       ({@code -m}), each with its own arena;</li>
 *   <li>{@link ItemFormat}: how an item lies in a block; {@link ItemView} reads one in place;</li>
 *   <li>{@link Index}: key to location, 64-byte buckets of tagged slots, grown in the background;</li>
 *   <li>{@link Appender}: appends new items to open segments, in lanes;</li>
 *   <li>{@link BlockQueues}, {@link EvictionPolicy}, {@link Evictor}: which block goes next, what
 *       becomes of its items, on the evictor's thread;</li>
 *   <li>{@link Epochs}: when a block no reader can still be in may be reused.</li>
 * </ul>
 *
 * <h2>Who may call what</h2>
 * Every method that hands out or takes an {@link ItemView} runs inside the calling thread's epoch
 * ({@link #epochs}), and a view is good until the thread exits it. Reads take no lock. Writes of a
 * key run under its stripe ({@link #stripes}): the engine holds it while it decides a command.
 * Items never change after they are published but for the access word (readers) and the meta
 * marks of {@link ItemView#setMarks} (under the key's lock); every other change writes a new
 * item. Each thread has its own views ({@link #views}), so a read allocates nothing.
 */
public final class MemoryTier implements CacheView.MemoryFigures, AutoCloseable {

    /** The memory tier's neighbours: what it tells of the items it drops, and how it tells dead ones. */
    public interface Listener {

        /** Whether the item is expired or flushed. */
        boolean isDead(ItemView item);

        /** Told of each item the evictor drops: evicted, or reclaimed when {@code dead}. On the evictor's thread. */
        void dropped(ItemView item, boolean dead);

        /** No item is ever dead, and drops go unheard: a tier on its own, as benchmarks replay traces through it. */
        Listener NONE = new Listener() {
            @Override
            public boolean isDead(ItemView item) {
                return false;
            }

            @Override
            public void dropped(ItemView item, boolean dead) {
            }
        };
    }

    /**
     * A thread's views: one for what it looks up, one for what it writes, one for housekeeping,
     * and one for what its last write or remove took out of the index ({@link #displaced}).
     */
    public static final class Views {
        public final ItemView found;
        public final ItemView written;
        final ItemView scratch;
        final ItemView displaced;
        /** The location this thread's last write installed, {@link #REMOVED} after a remove, 0 once asked. */
        long displacedBy;
        long displacedKeyHash;
        /** The location that write or remove took out of the index; 0 for none. */
        long displacedFrom;

        Views(Blocks blocks, long originMillis) {
            found = new ItemView(blocks, originMillis);
            written = new ItemView(blocks, originMillis);
            scratch = new ItemView(blocks, originMillis);
            displaced = new ItemView(blocks, originMillis);
        }

        void noteDisplaced(long by, long keyHash, long from) {
            displacedBy = by;
            displacedKeyHash = keyHash;
            displacedFrom = from;
        }
    }

    /** {@link Views#displacedBy} after a remove: no location is negative. */
    private static final long REMOVED = -1;

    /** Free segments the evictor keeps ready, per lane, beyond the open ones. */
    private static final int RESERVE_PER_LANE = 2;
    /** Segments writers may take beyond the budget at least, while the evictor catches up. */
    private static final int MIN_OVERDRAFT = 16;
    /** Bytes writers may take beyond the budget at least, for a budget of small segments. */
    private static final int MIN_OVERDRAFT_BYTES = 64 << 10;
    /** Buckets of a growing index a writer moves before each store. */
    private static final int HELPED_BUCKETS = 2;
    /** Times a writer that found no room even beyond the budget helps the evictor and tries again. */
    private static final int ROOM_ATTEMPTS = 64;
    /** How long {@link #awaitRoom} waits at most: then the store finds no room, and says so. */
    private static final long ROOM_WAIT_NANOS = 200_000_000L;
    /** Rounds of {@link #awaitRoom} that yield before it parks. */
    private static final int ROOM_YIELDS = 16;
    private static final long ROOM_PARK_NANOS = 50_000L;

    private final Eviction eviction;
    private final EvictionPolicy policy;
    private final Clock clock;
    private final long originMillis;
    private final Epochs epochs;
    private final KeyStripes stripes;
    private final Blocks blocks;
    private final BlockQueues queues;
    private final Index index;
    private final Appender appender;
    private final Evictor evictor;
    private final long maxEntries;
    private final int largeItemBytes;
    private final ThreadLocal<Views> views;
    private final LongUnaryOperator bump;
    private final LongAdder itemBytes = new LongAdder();
    private final LongAdder rawValueBytes = new LongAdder();
    private final LongAdder storedValueBytes = new LongAdder();
    private volatile boolean everHeldItems;

    public MemoryTier(Eviction eviction, long maxBytes, long maxEntries, Clock clock, Epochs epochs, KeyStripes stripes,
            Listener listener) {
        this(eviction, maxBytes, maxEntries, clock, epochs, stripes, listener, EvictorThread.OWN);
    }

    /** @param evictorThread which thread keeps the tier within its bounds */
    public MemoryTier(Eviction eviction, long maxBytes, long maxEntries, Clock clock, Epochs epochs, KeyStripes stripes,
            Listener listener, EvictorThread evictorThread) {
        if (maxBytes <= 0 || maxEntries <= 0) {
            throw new IllegalArgumentException("memory tier bounds must be positive: " + maxBytes + " bytes, " + maxEntries + " entries");
        }
        this.eviction = eviction;
        this.policy = EvictionPolicy.of(eviction);
        this.clock = clock;
        this.originMillis = clock.millis();
        this.epochs = epochs;
        this.stripes = stripes;
        this.maxEntries = maxEntries;
        int lanes = Math.max(2, Math.min(8, Runtime.getRuntime().availableProcessors() * 2));
        int segmentBytes = Blocks.segmentBytesFor(maxBytes);
        this.blocks = new Blocks(maxBytes, segmentBytes,
                Math.max(Math.max(lanes * policy.queues() + 1, MIN_OVERDRAFT), MIN_OVERDRAFT_BYTES / segmentBytes));
        this.largeItemBytes = segmentBytes / 4;
        this.queues = new BlockQueues(policy.queues());
        this.appender = new Appender(lanes, blocks, queues, epochs);
        this.views = ThreadLocal.withInitial(() -> new Views(blocks, originMillis));
        this.index = new Index(new Index.Keys() {
            @Override
            public boolean matches(long location, Key key) {
                return ItemFormat.hasKey(blocks.memory(location), Blocks.offsetOf(location), key);
            }

            @Override
            public long hashAt(long location) {
                return ItemFormat.keyHash(blocks.memory(location), Blocks.offsetOf(location)); // movers on any thread
            }
        }, epochs, stripes, Index.MIN_BUCKETS);
        int segments = (int) Math.max(1, maxBytes / segmentBytes);
        this.evictor = new Evictor(blocks, queues, index, policy, epochs, clock, new ItemView(blocks, originMillis), appender,
                new Evictor.Listener() {
                    @Override
                    public boolean isDead(ItemView item) {
                        return listener.isDead(item);
                    }

                    @Override
                    public void dropped(ItemView item, boolean dead) {
                        uncount(item);
                        listener.dropped(item, dead);
                    }

                    @Override
                    public long itemBytes() {
                        return itemBytes.sum();
                    }
                }, maxEntries, Math.min(lanes * RESERVE_PER_LANE, segments / 8), evictorThread);
        this.bump = slot -> Index.withPolicyBits(slot, policy.onRead(Index.policyBits(slot)));
    }

    /** The protection every caller of this tier's views takes. */
    public Epochs epochs() {
        return epochs;
    }

    /** The stripe locks that serialise the writes of a key. */
    public KeyStripes stripes() {
        return stripes;
    }

    /** This thread's views. */
    public Views views() {
        return views.get();
    }

    /** The time the access words count from. */
    long originMillis() {
        return originMillis;
    }

    // ---- reads: lock-free, inside the epoch

    /**
     * The key's item, in this thread's {@link Views#found} view, or null; {@code read} tells the
     * eviction policy of a read (a bump, in the index, without a lock).
     */
    public ItemView get(Key key, boolean read) {
        long slot = index.get(key, read ? bump : null);
        return slot == 0 ? null : views.get().found.point(Index.location(slot));
    }

    /**
     * Lends a hand to the index's growth, when it grows: a writer calls this before it stores,
     * holding no stripe lock, so that the index's move keeps pace with its inserts.
     */
    public void helpIndex() {
        index.help(HELPED_BUCKETS);
    }

    /** Tells the eviction policy of a read of the key's item, without looking at it: a failed add. */
    public void bump(Key key) {
        index.get(key, bump);
    }

    /** Notes a fetch of the item at {@code nowMillis}: memcached's fetched mark and last access, to the second. */
    public void markFetched(ItemView item, long nowMillis) {
        item.markFetched(nowMillis);
    }

    // ---- writes: under the key's stripe lock, inside the epoch

    /**
     * Writes a new item, and makes it the key's, replacing what it had: {@code value} as stored
     * ({@code rawLength} is its length before LZ4 compression, or -1 when it is raw). {@code cas}
     * equal to {@code version} means the cache chose it. Returns the item in this thread's
     * {@link Views#written} view, or null when no memory can be had for it now.
     */
    public ItemView write(Key key, int flags, long expiresAt, long version, long cas, int marks, long accessedAt,
            boolean fetched, byte[] value, int rawLength) {
        return write(key, flags, expiresAt, version, cas, marks, accessedAt, fetched, value, value.length, rawLength);
    }

    /** {@link #write}, of the first {@code length} bytes of {@code value}. */
    public ItemView write(Key key, int flags, long expiresAt, long version, long cas, int marks, long accessedAt,
            boolean fetched, byte[] value, int length, int rawLength) {
        long location = allocate(key, flags, expiresAt, cas != version, rawLength >= 0, length);
        if (location == 0) {
            return null;
        }
        MemorySegment.copy(value, 0, blocks.memory(location), ItemFormat.BYTE, valueOffset(location, key.length(), length), length);
        return complete(key, location, expiresAt, version, cas, flags, rawLength, marks, accessedAt, fetched);
    }

    /** {@link #write}, of the {@code length} bytes at {@code offset} in {@code value}: off the heap, with no array between. */
    public ItemView write(Key key, int flags, long expiresAt, long version, long cas, int marks, long accessedAt,
            boolean fetched, MemorySegment value, long offset, int length, int rawLength) {
        long location = allocate(key, flags, expiresAt, cas != version, rawLength >= 0, length);
        if (location == 0) {
            return null;
        }
        MemorySegment.copy(value, offset, blocks.memory(location), valueOffset(location, key.length(), length), length);
        return complete(key, location, expiresAt, version, cas, flags, rawLength, marks, accessedAt, fetched);
    }

    /**
     * A copy of {@code item} under another expiry, version, CAS and marks, made the key's item:
     * touch, the win token, an invalidation. The value is copied as it is stored. Null when no
     * memory can be had.
     */
    public ItemView rewrite(Key key, ItemView item, long expiresAt, long version, long cas, int marks) {
        return write(key, item.flags(), expiresAt, version, cas, marks, item.accessedAt(), item.fetched(), item.valueMemory(),
                item.valueOffset(), item.storedLength(), item.compressed() ? item.valueLength() : -1);
    }

    // ---- the set path: room first, the value read into it, then published

    /**
     * Takes room for a new item of the key with a value of {@code valueLength} bytes, into
     * {@code into}; false when there is none now (the evictor has been asked for it). The item
     * joins the memory only when {@link #publish published}. With {@code ownBlock}, the room is a
     * block of its own whatever the size: for a value that arrives over several batches, since
     * room in a segment is good only within the epoch it was taken in.
     */
    public boolean reserve(Reservation into, Key key, int flags, long expiresAt, boolean chosenCas, int valueLength, boolean ownBlock) {
        long now = clock.millis();
        int shape = ItemFormat.shape(key.length(), key.database(), flags, chosenCas, false, ItemFormat.expiryField(expiresAt, now));
        long size = ItemFormat.size(shape, key.length(), valueLength);
        long location;
        Block large = null;
        if (size > largeItemBytes || ownBlock) {
            large = blocks.takeLarge(size, now);
            if (large == null) {
                evictor.signal();
                return false;
            }
            large.fill = (int) Math.min(Integer.MAX_VALUE, Block.FIRST_ITEM + size);
            location = Blocks.location(large.id, Block.FIRST_ITEM);
        } else {
            location = append(policy.queueOfNew(key.hash64()), size, now);
            if (location == 0) {
                return false;
            }
        }
        MemorySegment memory = blocks.memory(location);
        into.valueOffset = ItemFormat.writeHeader(memory, Blocks.offsetOf(location), shape, key, valueLength);
        into.location = location;
        into.large = large;
        into.memory = memory;
        into.length = valueLength;
        into.size = size;
        into.shape = shape;
        return true;
    }

    /** The largest value that an item in a segment holds: a longer one gets a block of its own. */
    public int largestSegmentValue() {
        return largeItemBytes;
    }

    /**
     * Whether a reserved item can be published with these fields: its header has room for them
     * (flags when they are not 0, a CAS when the client chose one, an expiry far off).
     */
    public boolean fits(Reservation reserved, int flags, long expiresAt, boolean chosenCas) {
        int shape = reserved.shape;
        return (flags == 0 || (shape & ItemFormat.HAS_FLAGS) != 0) && (chosenCas == ((shape & ItemFormat.CHOSEN_CAS) != 0))
                && ItemFormat.expiryField(expiresAt, clock.millis()) == (shape & (ItemFormat.EXPIRES | ItemFormat.FAR_EXPIRY));
    }

    /**
     * Publishes a reserved item, its value read, as the key's item, with these fields (which it
     * must {@link #fits fit}); returns it in this thread's {@link Views#written} view, or null
     * when the index has no slot left. The caller holds the key's stripe lock.
     */
    public ItemView publish(Key key, Reservation reserved, int flags, long expiresAt, long version, long cas, int marks) {
        long location = reserved.location;
        Block large = reserved.large;
        reserved.clear();
        if (large != null) {
            large.sealedEpoch = epochs.advance();
            queues.add(policy.queueOfNew(key.hash64()), large);
        }
        return complete(key, location, expiresAt, version, cas, flags, -1, marks, 0, false);
    }

    /**
     * Gives up a reservation: a large block is freed at once; room in a segment is taken back when
     * nothing was appended after it (the usual case: a value compressed, a store not made), else
     * it is garbage until its segment goes.
     */
    public void discard(Reservation reserved) {
        Block large = reserved.large;
        long location = reserved.location;
        reserved.clear();
        if (large != null) {
            blocks.free(large); // never published: no reader can have seen it
        } else {
            appender.takeBack(location, reserved.size);
        }
    }

    private long append(int queue, long size, long now) {
        if (blocks.freeSegments() < RESERVE_PER_LANE && blocks.allocated() + blocks.segmentBytes() > blocks.maxBytes()) {
            evictor.help(); // the next segment would be beyond the budget: the evictor lags; help it, unless it runs
        }
        long location = appender.append(queue, size, now);
        // no room even beyond the budget: the readers that hold back the memory evicted last are
        // in sections of microseconds; help the evictor, let them go on, and try again a while
        for (int attempt = 0; location == 0 && attempt < ROOM_ATTEMPTS; attempt++) {
            evictor.help();
            Thread.yield();
            location = appender.append(queue, size, now);
        }
        if (evictor.lowOnMemory() || location == 0) {
            evictor.signal();
        }
        return location;
    }

    /**
     * Waits, a bounded while, until an item of {@code bytes} would find room: for a writer that
     * holds no protection, since inside its epoch it would hold back the very memory it waits
     * for. Returns at once when there is room, as there nearly always is, or when the item could
     * never fit (nothing is evicted for it); otherwise helps the evictor and lets the readers that
     * hold back evicted memory move on.
     */
    public void awaitRoom(int keyLength, long valueLength) {
        long bytes = largestSize(keyLength, valueLength);
        if (hasRoom(bytes) || !fits(bytes)) {
            return;
        }
        long waiting = bytes > largeItemBytes ? bytes : 0;
        evictor.waitFor(waiting);
        try {
            long deadline = System.nanoTime() + ROOM_WAIT_NANOS;
            for (int round = 0; !hasRoom(bytes) && System.nanoTime() - deadline < 0; round++) {
                evictor.help();
                if (round < ROOM_YIELDS) {
                    Thread.yield();
                } else {
                    java.util.concurrent.locks.LockSupport.parkNanos(ROOM_PARK_NANOS);
                }
            }
        } finally {
            evictor.waited(waiting);
        }
    }

    /** Whether a writer of an item of these lengths would find room now; false only when memory is short. */
    public boolean hasRoom(int keyLength, long valueLength) {
        return hasRoom(largestSize(keyLength, valueLength));
    }

    private boolean hasRoom(long bytes) {
        return bytes > largeItemBytes ? blocks.largeAvailable(bytes) : blocks.segmentAvailable();
    }

    /** Where the value of the item allocated at {@code location} starts. */
    private long valueOffset(long location, int keyLength, int storedLength) {
        long at = Blocks.offsetOf(location);
        return at + ItemFormat.size(ItemFormat.shape(blocks.memory(location), at), keyLength, storedLength) - storedLength;
    }

    /** Removes the key's item; returns whether it had one. */
    public boolean remove(Key key) {
        long removed = index.delete(key);
        Views mine = views.get();
        mine.noteDisplaced(REMOVED, key.hash64(), removed == 0 ? 0 : Index.location(removed));
        if (removed == 0) {
            return false;
        }
        uncount(mine.scratch.point(Index.location(removed)));
        return true;
    }

    /**
     * Removes the key's item if it is this version, from any thread outside the epoch: the disk
     * tier let its record go (expired, flushed or evicted there). Returns whether it did.
     */
    public boolean removeVersion(Key key, long version) {
        epochs.enter();
        try {
            ItemView item = get(key, false);
            return item != null && item.version() == version && removeIfCurrent(item);
        } finally {
            epochs.exit();
        }
    }

    /** Marks for {@link #write}: the meta protocol's stale and win-token marks, of a value stored whole. */
    public static int marks(boolean stale, boolean winTokenSent) {
        return marks(stale, winTokenSent, ValueForm.WHOLE);
    }

    /** Marks for {@link #write}: the meta protocol's stale and win-token marks, and how the value was made. */
    public static int marks(boolean stale, boolean winTokenSent, ValueForm form) {
        return (stale ? ItemFormat.STALE : 0) | (winTokenSent ? ItemFormat.WIN_TOKEN_SENT : 0)
                | form.ordinal() << ItemFormat.FORM_MARKS_SHIFT;
    }

    /** The value form {@code marks} carry. */
    public static ValueForm formOf(int marks) {
        return ValueForm.of(marks >>> ItemFormat.FORM_MARKS_SHIFT);
    }

    /** Room for an item of the key with these fields; writes its header and key; 0 when there is none. */
    private long allocate(Key key, int flags, long expiresAt, boolean chosenCas, boolean compressed, int storedLength) {
        long now = clock.millis();
        long hash = key.hash64();
        int keyLength = key.length();
        int shape = ItemFormat.shape(keyLength, key.database(), flags, chosenCas, compressed, ItemFormat.expiryField(expiresAt, now));
        long size = ItemFormat.size(shape, keyLength, storedLength);
        long location;
        if (size > largeItemBytes) {
            Block large = blocks.takeLarge(size, now);
            if (large == null) {
                evictor.signal();
                return 0;
            }
            location = Blocks.location(large.id, Block.FIRST_ITEM);
            large.fill = (int) Math.min(Integer.MAX_VALUE, Block.FIRST_ITEM + size);
            large.sealedEpoch = epochs.advance();
            queues.add(policy.queueOfNew(hash), large);
        } else {
            location = append(policy.queueOfNew(hash), size, now);
            if (location == 0) {
                return 0;
            }
        }
        ItemFormat.writeHeader(blocks.memory(location), Blocks.offsetOf(location), shape, key, storedLength);
        return location;
    }

    /** Finishes the header of the item written at {@code location} and makes it the key's; returns it, or null (index full). */
    private ItemView complete(Key key, long location, long expiresAt, long version, long cas, int flags, int rawLength, int marks,
            long accessedAt, boolean fetched) {
        finish(location, expiresAt, version, cas, flags, rawLength, marks, accessedAt, fetched);
        Views mine = views.get();
        return publish(key, location, mine) ? mine.written.point(location) : null;
    }

    /** Writes the header's words that the allocation left: version, expiry, access, and the optional fields. */
    private void finish(long location, long expiresAt, long version, long cas, int flags, int rawLength, int marks,
            long accessedAt, boolean fetched) {
        MemorySegment memory = blocks.memory(location);
        long at = Blocks.offsetOf(location);
        int shape = ItemFormat.shape(memory, at);
        memory.set(ItemFormat.BYTE, at, (byte) (shape | marks & (ItemFormat.STALE | ItemFormat.WIN_TOKEN_SENT)));
        long fixedAt = ItemFormat.varintAt(at, shape) + ItemFormat.varintSize(ItemFormat.storedLength(memory, ItemFormat.varintAt(at, shape)));
        memory.set(ItemFormat.LONG, fixedAt, version | (long) (marks >>> ItemFormat.FORM_MARKS_SHIFT) << ItemFormat.FORM_SHIFT);
        ItemFormat.writeExpiry(memory, fixedAt, shape, expiresAt, blocks.block(Blocks.blockOf(location)).baseMillis);
        ItemView clock = views.get().scratch;
        memory.set(ItemFormat.INT, fixedAt + ItemFormat.ACCESS,
                clock.seconds(accessedAt == 0 ? this.clock.millis() : accessedAt) | (fetched ? ItemFormat.FETCHED : 0));
        if ((shape & ItemFormat.HAS_FLAGS) != 0) {
            memory.set(ItemFormat.INT, fixedAt + ItemFormat.optionalAt(shape, ItemFormat.HAS_FLAGS), flags);
        }
        if ((shape & ItemFormat.CHOSEN_CAS) != 0) {
            memory.set(ItemFormat.LONG, fixedAt + ItemFormat.optionalAt(shape, ItemFormat.CHOSEN_CAS), cas);
        }
        if ((shape & ItemFormat.COMPRESSED) != 0) {
            memory.set(ItemFormat.INT, fixedAt + ItemFormat.optionalAt(shape, ItemFormat.COMPRESSED), rawLength);
        }
    }

    /** Makes the item at {@code location} the key's, and counts it; false when the index has no slot left. */
    private boolean publish(Key key, long location, Views mine) {
        long replaced = index.put(key, location, policy.bitsOfNew());
        if (replaced == Index.FULL) {
            return false;
        }
        mine.noteDisplaced(location, key.hash64(), replaced == 0 ? 0 : Index.location(replaced));
        if (replaced != 0) {
            uncount(mine.scratch.point(Index.location(replaced)));
        }
        count(mine.scratch.point(location));
        return true;
    }

    /**
     * The item this thread's last write took out of the index, if that write installed
     * {@code successor} (a view of memory); null when it took out nothing or was another's.
     * Asked once: the answer is forgotten. Good while the thread stays inside the epoch. The disk
     * tier learns from it what a new version replaces without reading.
     */
    public ItemView displacedBy(ItemView successor) {
        Views mine = views.get();
        long by = mine.displacedBy;
        mine.displacedBy = 0;
        return by == successor.location() && mine.displacedFrom != 0 ? mine.displaced.point(mine.displacedFrom) : null;
    }

    /** Likewise for this thread's last {@link #remove}, if it was of {@code key}. */
    public ItemView displacedByRemove(Key key) {
        Views mine = views.get();
        long by = mine.displacedBy;
        mine.displacedBy = 0;
        return by == REMOVED && mine.displacedKeyHash == key.hash64() && mine.displacedFrom != 0
                ? mine.displaced.point(mine.displacedFrom) : null;
    }

    /** Forgets what this thread's last write or remove displaced: for a write no one asks about. */
    public void forgetDisplaced() {
        views.get().displacedBy = 0;
    }

    private void count(ItemView item) {
        itemBytes.add(item.size());
        rawValueBytes.add(item.valueLength());
        storedValueBytes.add(item.storedLength());
        everHeldItems = true;
        if (maxEntries != Long.MAX_VALUE && index.entries() > maxEntries) {
            evictor.signal();
        }
    }

    private void uncount(ItemView item) {
        itemBytes.add(-item.size());
        rawValueBytes.add(-item.valueLength());
        storedValueBytes.add(-item.storedLength());
    }

    // ---- sweeps and listings

    /**
     * Calls {@code visit} for every item the index points at, in no particular order; the view is
     * good during the call. Weakly consistent: an item written meanwhile may or may not be
     * visited, and one moved by the index's growth may be visited twice. Runs inside the epoch;
     * the caller holds no stripe lock.
     */
    public void forEachItem(Consumer<ItemView> visit) {
        epochs.enter();
        try {
            ItemView item = new ItemView(blocks, originMillis);
            index.forEach(slot -> visit.accept(item.point(Index.location(slot))));
        } finally {
            epochs.exit();
        }
    }

    /** Removes the item at the view's location if it is still the key's: a sweep's reclaim. The caller holds no lock. */
    public boolean removeIfCurrent(ItemView item) {
        long hash = item.keyHash();
        if (!index.remove(hash, item.location())) {
            return false;
        }
        uncount(item);
        return true;
    }

    /**
     * The {@code max} smallest keys after {@code after} (all when null) that start with
     * {@code prefix}, in byte order. One pass over the items, holding no more than {@code max}
     * keys: for listings, never on a request path.
     */
    public List<Key> keysAfter(byte[] prefix, Key after, int max) {
        java.util.TreeSet<Key> smallest = new java.util.TreeSet<>();
        forEachItem(item -> {
            if (item.database() != 0 || item.keyLength() < prefix.length || !ItemView.sameBytes(item.memory(), item.keyAt(), prefix, 0, prefix.length)) {
                return;
            }
            Key key = item.key();
            if (after != null && key.compareTo(after) <= 0) {
                return;
            }
            if (smallest.size() < max) {
                smallest.add(key);
            } else if (key.compareTo(smallest.last()) < 0 && smallest.add(key)) {
                smallest.pollLast();
            }
        });
        return new ArrayList<>(smallest);
    }

    /**
     * Up to {@code limit} items, the most recently used first (by the second of their last read or
     * store, then the newest stored): stats cachedump, as memcached lists its LRU's head.
     */
    public List<ItemCopy> keptLongest(int limit) {
        Comparator<ItemCopy> recentFirst = Comparator.comparingLong(ItemCopy::accessedAt).thenComparingLong(ItemCopy::version).reversed();
        PriorityQueue<ItemCopy> kept = new PriorityQueue<>(recentFirst.reversed());
        forEachItem(item -> {
            if (kept.size() < limit) {
                kept.add(item.detach());
            } else if (limit > 0 && recentFirst.compare(item.detach(), kept.peek()) < 0) {
                kept.poll();
                kept.add(item.detach());
            }
        });
        List<ItemCopy> items = new ArrayList<>(kept);
        items.sort(recentFirst);
        return items;
    }

    // ---- budget

    /**
     * A new byte budget from now on, as memcached's cache_memlimit: items are evicted down to it
     * at once, on this thread; their memory is given back once no reader is left in it.
     */
    public void resize(long newMaxBytes) {
        if (newMaxBytes <= 0) {
            throw new IllegalArgumentException("memory tier bound must be positive: " + newMaxBytes);
        }
        blocks.resize(newMaxBytes);
        evictor.evictNow();
    }

    /** Evicts now, on this thread, until the tier is within its bounds; for tests and for a caller that waits for room. */
    public void evictNow() {
        evictor.evictNow();
    }

    /** Whether an item of these lengths can ever fit. */
    public boolean fits(int keyLength, long valueLength) {
        return fits(largestSize(keyLength, valueLength));
    }

    private boolean fits(long bytes) {
        return bytes + Block.FIRST_ITEM <= blocks.maxBytes();
    }

    /** What an item of these lengths takes in item memory, with no flags, no expiry and the cache's CAS: for benchmarks that size a budget. */
    public static long weigh(int keyLength, int valueLength) {
        return ItemFormat.size(ItemFormat.shape(keyLength, 0, 0, false, false, 0), keyLength, valueLength);
    }

    /** The size of an item of these lengths with every optional field. */
    private static long largestSize(int keyLength, long valueLength) {
        return ItemFormat.size(ItemFormat.WIDE_KEY | ItemFormat.HAS_FLAGS | ItemFormat.CHOSEN_CAS | ItemFormat.COMPRESSED
                | ItemFormat.FAR_EXPIRY | ItemFormat.EXPIRES, keyLength, (int) Math.min(Integer.MAX_VALUE, valueLength));
    }

    // ---- figures

    @Override
    public long items() {
        return index.entries();
    }

    @Override
    public long bytes() {
        return itemBytes.sum();
    }

    @Override
    public long maxBytes() {
        return blocks.maxBytes();
    }

    @Override
    public long maxItems() {
        return maxEntries;
    }

    @Override
    public long rawValueBytes() {
        return rawValueBytes.sum();
    }

    @Override
    public long storedValueBytes() {
        return storedValueBytes.sum();
    }

    @Override
    public long droppedReads() {
        return 0;
    }

    @Override
    public boolean everHeldItems() {
        return everHeldItems;
    }

    /** When the first live item of the oldest block was last read or stored: what goes next. */
    @Override
    public OptionalLong coldestAccessedAt() {
        epochs.enter();
        try {
            ItemView item = views.get().scratch;
            for (Block block : queues.all()) {
                long end = block.fill;
                for (long at = Block.FIRST_ITEM; at < end; at += item.size()) {
                    long location = Blocks.location(block.id, at);
                    item.point(location);
                    if (index.slotOf(item.keyHash(), location) != 0) {
                        return OptionalLong.of(item.accessedAt());
                    }
                    if (block.large) {
                        break;
                    }
                }
            }
            return OptionalLong.empty();
        } finally {
            epochs.exit();
        }
    }

    @Override
    public Eviction eviction() {
        return eviction;
    }

    /** Bytes of item memory allocated (segments, free ones included, and large blocks). */
    public long allocatedBytes() {
        return blocks.allocated();
    }

    @Override
    public long indexBytes() {
        return index.bytes();
    }

    @Override
    public long indexSlots() {
        return (long) index.buckets() * Index.SLOTS;
    }

    @Override
    public boolean indexGrowing() {
        return index.growing();
    }

    /** Items the evictor kept by copying them on. */
    public long keptByEvictor() {
        return evictor.kept();
    }

    @Override
    public void close() {
        evictor.close();
        index.close();
        blocks.close();
    }
}
