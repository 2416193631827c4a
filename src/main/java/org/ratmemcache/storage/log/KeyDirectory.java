package org.ratmemcache.storage.log;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.StampedLock;
import java.util.function.Consumer;

import org.ratmemcache.core.Key;

/**
 * Where each key's record lies in the log: an open-addressing table of 32-byte entries in one
 * {@code long[]}, keyed by the key's 64-bit hash, without the keys themselves. A key whose hash
 * another key's entry holds, when the writer knows it (the cache said the key is not on disk),
 * goes to a small map by the whole key instead.
 *
 * <p>One writer changes it (the log's writer, under the write lock, briefly); readers on any
 * thread read it optimistically, retrying under the read lock if the writer got in between.
 */
final class KeyDirectory {

    /** An entry: the record at {@code location} ({@link Log#location}) of {@code length} bytes. */
    record Entry(long hash, long version, long location, int length, long expiresAt) {
    }

    private static final int WIDTH = 4;
    private static final long EMPTY = 0;

    private final StampedLock lock = new StampedLock();
    /** hash, version, location, length << 32 | expiry in seconds rounded up; hash 0 is an empty slot. */
    private long[] slots = new long[WIDTH * 1024];
    private int used;
    private final Map<Key, Entry> overflow = new HashMap<>();

    /** Whether the key may have an entry (its hash has one). Never blocks for long. */
    boolean mayContain(Key key) {
        long hash = slotHash(key.hash64());
        long stamp = lock.tryOptimisticRead();
        boolean found = find(slots, hash) >= 0;
        if (lock.validate(stamp) && (found || overflow.isEmpty())) {
            return found;
        }
        stamp = lock.readLock();
        try {
            return find(slots, hash) >= 0 || overflow.containsKey(key);
        } finally {
            lock.unlockRead(stamp);
        }
    }

    /** The entry held under {@code key}'s hash, whichever key it belongs to, or null. */
    Entry primary(long keyHash) {
        long hash = slotHash(keyHash);
        long stamp = lock.readLock();
        try {
            return entryAt(slots, find(slots, hash));
        } finally {
            lock.unlockRead(stamp);
        }
    }

    /** {@link #primary} for the writer, which alone changes the directory: no lock. */
    Entry ownPrimary(long keyHash) {
        long[] table = slots;
        return entryAt(table, find(table, slotHash(keyHash)));
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
            if ((used + 1) * 4L > (slots.length / WIDTH) * 3L) {
                grow();
            }
            long hash = slotHash(entry.hash());
            int slot = find(slots, hash);
            if (slot >= 0) {
                return false;
            }
            used++;
            write(slots, -slot - 1, hash, entry);
            return true;
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    /** Puts {@code entry} under its hash, replacing what is there; for a key with no other entry there. */
    void putPrimary(Entry entry) {
        long stamp = lock.writeLock();
        try {
            if ((used + 1) * 4L > (slots.length / WIDTH) * 3L) {
                grow();
            }
            long hash = slotHash(entry.hash());
            int slot = find(slots, hash);
            if (slot < 0) {
                slot = -slot - 1;
                used++;
            }
            write(slots, slot, hash, entry);
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
        Entry moved = new Entry(entry.hash(), entry.version(), location, entry.length(), entry.expiresAt());
        if (overflow(key) != null) {
            putOverflow(key, moved);
        } else {
            putPrimary(moved);
        }
    }

    /** Every entry, collisions included; only for the writer, which alone changes the directory. */
    void forEach(Consumer<Entry> action) {
        long[] table = slots;
        for (int slot = 0; slot < table.length; slot += WIDTH) {
            if (table[slot] != EMPTY) {
                action.accept(entryAt(table, slot));
            }
        }
        overflow.values().forEach(action);
    }

    int size() {
        return used + overflow.size();
    }

    /** The bytes the table takes in memory. */
    long memoryBytes() {
        return (long) slots.length * Long.BYTES + overflow.size() * 160L;
    }

    private void removePrimary(long hash) {
        long[] table = slots;
        int slot = find(table, hash);
        if (slot < 0) {
            return;
        }
        used--;
        // backward-shift deletion: pull later entries of the probe sequence into the hole
        int mask = table.length - 1;
        int hole = slot;
        for (int next = (hole + WIDTH) & mask; table[next] != EMPTY; next = (next + WIDTH) & mask) {
            int home = home(table, table[next]);
            boolean between = hole <= next ? (home > hole && home <= next) : (home > hole || home <= next);
            if (!between) {
                System.arraycopy(table, next, table, hole, WIDTH);
                hole = next;
            }
        }
        java.util.Arrays.fill(table, hole, hole + WIDTH, EMPTY);
    }

    private void grow() {
        long[] old = slots;
        long[] table = new long[old.length * 2];
        for (int slot = 0; slot < old.length; slot += WIDTH) {
            if (old[slot] != EMPTY) {
                int free = -find(table, old[slot]) - 1;
                System.arraycopy(old, slot, table, free, WIDTH);
            }
        }
        slots = table;
    }

    /** The slot holding {@code hash}, or {@code -(free slot) - 1}. */
    private static int find(long[] table, long hash) {
        int mask = table.length - 1;
        for (int slot = home(table, hash); ; slot = (slot + WIDTH) & mask) {
            long held = table[slot];
            if (held == hash) {
                return slot;
            }
            if (held == EMPTY) {
                return -slot - 1;
            }
        }
    }

    private static int home(long[] table, long hash) {
        return (int) (hash * 0x9E3779B97F4A7C15L >>> 32) * WIDTH & (table.length - 1);
    }

    private static void write(long[] table, int slot, long hash, Entry entry) {
        table[slot] = hash;
        table[slot + 1] = entry.version();
        table[slot + 2] = entry.location();
        table[slot + 3] = (long) entry.length() << 32 | seconds(entry.expiresAt());
    }

    private static Entry entryAt(long[] table, int slot) {
        if (slot < 0) {
            return null;
        }
        long shape = table[slot + 3];
        return new Entry(table[slot], table[slot + 1], table[slot + 2], (int) (shape >>> 32), (shape & 0xffff_ffffL) * 1000);
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
