package org.ratmemcache.storage.log;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.StampedLock;
import java.util.function.Consumer;

import org.ratmemcache.core.Key;

/**
 * Where each key's record lies in the log: an open-addressing table (linear probing) of 32-byte
 * entries off the heap, keyed by the key's 64-bit hash, without the keys themselves. A key whose
 * hash another key's entry holds, when the writer knows it (the cache said the key is not on
 * disk), goes to a small map by the whole key instead.
 *
 * <p>The table doubles at three quarters full, up to {@code maxBytes}; there it fills on, and
 * {@link #overBound} tells the disk's upkeep how much to evict. A write is never refused: a table
 * at its bound that the upkeep has not kept up with doubles once more at 95 % full. One writer changes it (the log's
 * writer, under the write lock, briefly); readers on any thread read it optimistically, retrying
 * under the read lock if the writer got in between.
 */
final class KeyDirectory implements AutoCloseable {

    /** An entry: the record at {@code location} ({@link Log#location}) of {@code length} bytes, of a key of {@code database}. */
    record Entry(long hash, long version, long location, int length, long expiresAt, int database) {

        Entry {
            if (version >>> VERSION_BITS != 0) {
                throw new IllegalArgumentException("a version past 2^56: " + version);
            }
        }

        /** The same entry at another location. */
        Entry at(long location) {
            return new Entry(hash, version, location, length, expiresAt, database);
        }
    }

    /** The bits of a version in a slot; above them, the key's database (the cache's versions never reach 2^56). */
    static final int VERSION_BITS = 56;

    /** Bytes of one slot: hash, database << 56 | version, location, then length << 32 | expiry in seconds rounded up. */
    static final int SLOT_BYTES = 4 * Long.BYTES;
    private static final long EMPTY = 0;
    private static final int MIN_SLOTS = 1024;
    /** Beyond this share of its slots a table at its bound refuses new keys. */
    private static final double FULL = 0.95;

    private final StampedLock lock = new StampedLock();
    private final long maxSlots;
    private Arena arena;
    private MemorySegment table;
    private long slots;
    private long used;
    private final Map<Key, Entry> overflow = new HashMap<>();

    /** A directory taking at most about {@code maxBytes} of memory (at least its smallest table). */
    KeyDirectory(long maxBytes) {
        this.maxSlots = Math.max(MIN_SLOTS, Long.highestOneBit(Math.max(1, maxBytes / SLOT_BYTES)));
        allocate(MIN_SLOTS);
    }

    /** Whether the key may have an entry (its hash has one). Never blocks for long. */
    boolean mayContain(Key key) {
        long hash = slotHash(key.hash64());
        long stamp = lock.tryOptimisticRead();
        try {
            boolean found = find(hash) >= 0;
            if (lock.validate(stamp) && (found || overflow.isEmpty())) {
                return found;
            }
        } catch (IllegalStateException | IndexOutOfBoundsException grownMeanwhile) {
            // the table was replaced under the optimistic read
        }
        stamp = lock.readLock();
        try {
            return find(hash) >= 0 || overflow.containsKey(key);
        } finally {
            lock.unlockRead(stamp);
        }
    }

    /** The entry held under {@code key}'s hash, whichever key it belongs to, or null. */
    Entry primary(long keyHash) {
        long stamp = lock.readLock();
        try {
            return entryAt(find(slotHash(keyHash)));
        } finally {
            lock.unlockRead(stamp);
        }
    }

    /** {@link #primary} for the writer, which alone changes the directory: no lock. */
    Entry ownPrimary(long keyHash) {
        return entryAt(find(slotHash(keyHash)));
    }

    /** The entry of {@code key} if it is among the collisions, or null. */
    Entry overflow(Key key) {
        if (overflow.isEmpty()) {
            return null;
        }
        long stamp = lock.readLock();
        try {
            return overflow.get(key);
        } finally {
            lock.unlockRead(stamp);
        }
    }

    /** Puts {@code entry} under its hash unless another entry is there; returns whether it did. */
    boolean putPrimaryIfAbsent(Entry entry) {
        long stamp = lock.writeLock();
        try {
            long hash = slotHash(entry.hash());
            long slot = find(hash);
            if (slot >= 0) {
                return false;
            }
            if (used + 1 > slots * 3 / 4 && (slots < maxSlots || used + 1 > slots * FULL)) {
                grow();
                slot = find(hash);
            }
            used++;
            write(-slot - 1, hash, entry);
            return true;
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    /** Replaces the entry under {@code entry}'s hash. */
    void replacePrimary(Entry entry) {
        long stamp = lock.writeLock();
        try {
            long hash = slotHash(entry.hash());
            long slot = find(hash);
            if (slot < 0) {
                throw new IllegalStateException("no entry to replace under hash " + Long.toHexString(hash));
            }
            write(slot, hash, entry);
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    /** Puts {@code key}'s entry among the collisions. */
    void putOverflow(Key key, Entry entry) {
        long stamp = lock.writeLock();
        try {
            overflow.put(key.toStored(), entry);
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    /** Removes {@code entry}, wherever it is; {@code key} is its key. */
    void remove(Key key, Entry entry) {
        long stamp = lock.writeLock();
        try {
            Entry other = overflow.get(key);
            if (other != null && other.version() == entry.version()) {
                overflow.remove(key);
            } else {
                removePrimary(slotHash(entry.hash()));
            }
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    /** Points {@code entry} (still the key's) at a new location: a record moved by compaction. */
    void relocate(Key key, Entry entry, long location) {
        Entry moved = entry.at(location);
        if (overflow(key) != null) {
            putOverflow(key, moved);
        } else {
            replacePrimary(moved);
        }
    }

    /** Every entry, collisions included; only for the writer, which alone changes the directory. */
    void forEach(Consumer<Entry> action) {
        for (long slot = 0; slot < slots; slot++) {
            if (field(slot, 0) != EMPTY) {
                action.accept(entryAt(slot));
            }
        }
        overflow.values().forEach(action);
    }

    /** {@link #forEach} for a reader on any thread: under the read lock, so {@code action} must be quick and do no I/O. */
    void forEachShared(Consumer<Entry> action) {
        readLocked(() -> {
            forEach(action);
            return null;
        });
    }

    /**
     * {@code body} under the read lock, for a reader that needs one moment of the directory:
     * inside it, {@link #forEach} and {@link #entryOf} read without locking again.
     */
    <T> T readLocked(java.util.function.Supplier<T> body) {
        long stamp = lock.readLock();
        try {
            return body.get();
        } finally {
            lock.unlockRead(stamp);
        }
    }

    /** The entry of {@code key}: among the collisions, else under its hash (whichever key that is); no lock of its own. */
    Entry entryOf(Key key) {
        Entry collided = overflow.isEmpty() ? null : overflow.get(key);
        return collided != null ? collided : entryAt(find(slotHash(key.hash64())));
    }

    long size() {
        return used + overflow.size();
    }

    /** The bytes it takes in memory. */
    long memoryBytes() {
        return slots * SLOT_BYTES + overflow.size() * 160L;
    }

    /**
     * The share of the entries to evict for the table to be back at two thirds of its bound (where
     * probes stay short); 0 while it is no fuller than three quarters of it.
     */
    double overBound() {
        if (used <= maxSlots * 3 / 4) {
            return 0;
        }
        return 1 - (maxSlots * 2 / 3.0) / used;
    }

    @Override
    public void close() {
        long stamp = lock.writeLock();
        try {
            arena.close();
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    private void removePrimary(long hash) {
        long slot = find(hash);
        if (slot < 0) {
            return;
        }
        used--;
        // backward-shift deletion: pull later entries of the probe sequence into the hole
        long hole = slot;
        for (long next = (hole + 1) & (slots - 1); field(next, 0) != EMPTY; next = (next + 1) & (slots - 1)) {
            long home = home(field(next, 0));
            boolean between = hole <= next ? (home > hole && home <= next) : (home > hole || home <= next);
            if (!between) {
                MemorySegment.copy(table, next * SLOT_BYTES, table, hole * SLOT_BYTES, SLOT_BYTES);
                hole = next;
            }
        }
        table.asSlice(hole * SLOT_BYTES, SLOT_BYTES).fill((byte) 0);
    }

    private void grow() {
        Arena oldArena = arena;
        MemorySegment old = table;
        long oldSlots = slots;
        allocate(slots * 2);
        for (long slot = 0; slot < oldSlots; slot++) {
            long hash = old.getAtIndex(ValueLayout.JAVA_LONG, slot * 4);
            if (hash != EMPTY) {
                long free = -find(hash) - 1;
                MemorySegment.copy(old, slot * SLOT_BYTES, table, free * SLOT_BYTES, SLOT_BYTES);
            }
        }
        oldArena.close();
    }

    private void allocate(long count) {
        arena = Arena.ofShared();
        table = arena.allocate(count * SLOT_BYTES, Long.BYTES);
        slots = count;
    }

    /** The slot holding {@code hash}, or {@code -(free slot) - 1}. */
    private long find(long hash) {
        MemorySegment memory = table;
        long mask = memory.byteSize() / SLOT_BYTES - 1;
        for (long slot = hash & mask; ; slot = (slot + 1) & mask) {
            long held = memory.getAtIndex(ValueLayout.JAVA_LONG, slot * 4);
            if (held == hash) {
                return slot;
            }
            if (held == EMPTY) {
                return -slot - 1;
            }
        }
    }

    private long home(long hash) {
        return hash & (slots - 1);
    }

    private long field(long slot, int field) {
        return table.getAtIndex(ValueLayout.JAVA_LONG, slot * 4 + field);
    }

    private void write(long slot, long hash, Entry entry) {
        long at = slot * 4;
        table.setAtIndex(ValueLayout.JAVA_LONG, at + 1, (long) entry.database() << VERSION_BITS | entry.version());
        table.setAtIndex(ValueLayout.JAVA_LONG, at + 2, entry.location());
        table.setAtIndex(ValueLayout.JAVA_LONG, at + 3, (long) entry.length() << 32 | seconds(entry.expiresAt()));
        table.setAtIndex(ValueLayout.JAVA_LONG, at, hash);
    }

    private Entry entryAt(long slot) {
        if (slot < 0) {
            return null;
        }
        long shape = field(slot, 3);
        long version = field(slot, 1);
        return new Entry(field(slot, 0), version & (1L << VERSION_BITS) - 1, field(slot, 2), (int) (shape >>> 32),
                (shape & 0xffff_ffffL) * 1000, (int) (version >>> VERSION_BITS));
    }

    /** Expiry to the second, rounded up, so that an entry never looks expired before its record is. */
    private static long seconds(long expiresAtMillis) {
        return Math.min(0xffff_ffffL, (expiresAtMillis + 999) / 1000);
    }

    /** The hash as stored: never 0, which marks an empty slot. */
    static long slotHash(long hash) {
        return hash == EMPTY ? 1 : hash;
    }
}
