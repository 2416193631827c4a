package org.ratmemcache.core.engine;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;

import org.ratmemcache.core.Expiry;
import org.ratmemcache.core.Item;
import org.ratmemcache.core.Key;
import org.ratmemcache.core.compress.ValueCompression;
import org.ratmemcache.core.disk.DiskItem;
import org.ratmemcache.core.memory.ItemView;
import org.ratmemcache.core.memory.MemoryTier;
import org.ratmemcache.core.memory.Reservation;

/**
 * Where a key's new version goes: into memory when it fits, and on its way to the disk tier (the
 * tiers are inclusive). The caller holds the key's lock ({@link KeyLocks}) and is inside the
 * memory's epoch.
 *
 * <p>Each way of making a new version returns the item stored: a view of memory, or a copy on
 * the heap when memory cannot hold it and the disk tier will; {@code null} when neither can.
 * {@link #durable} then sends it to the disk tier.
 *
 * @param memory              L1
 * @param l2                  what lies below it
 * @param largeValueThreshold values longer than this skip memory and live on disk only
 * @param compression         how values are compressed in memory
 */
record Tiers(MemoryTier memory, L2 l2, long largeValueThreshold, ValueCompression compression) {

    /** A new version of the key from these fields and value (raw). */
    Item write(Key key, int flags, long expiresAt, long version, long cas, int marks, long accessedAt, boolean fetched, byte[] value) {
        return write(key, flags, expiresAt, version, cas, marks, accessedAt, fetched, value, value.length);
    }

    /** {@link #write}, of the first {@code length} bytes of {@code value}, which the caller may reuse afterwards. */
    Item write(Key key, int flags, long expiresAt, long version, long cas, int marks, long accessedAt, boolean fetched, byte[] value,
            int length) {
        if (fitsInMemory(key.length(), length)) {
            ItemView written = inMemory(key, flags, expiresAt, version, cas, marks, accessedAt, fetched, value, length);
            if (written != null) {
                return written;
            }
        }
        return onDiskOnly(key, Arrays.copyOf(value, length), flags, expiresAt, version, cas, marks, accessedAt, fetched);
    }

    /**
     * The value reserved and read, published as the key's new version: in place when it stays
     * raw and its header has room for these fields, else written anew, compressed when that
     * shrinks it. A value passes through a heap array only on its way to a disk tier that keeps
     * what memory cannot.
     */
    Item publish(Key key, Reservation reserved, int flags, long expiresAt, long version, long cas, int marks, long now) {
        int length = reserved.length();
        if (!fitsInMemory(key.length(), length)) {
            return onDiskOnly(key, taken(reserved), flags, expiresAt, version, cas, marks, now, false);
        }
        ValueCompression.Compressed compressed = compression.compress(reserved.memory(), reserved.valueOffset(), length);
        if (compressed != null) {
            memory.discard(reserved); // first: a block of its own is then free for the compressed item
            ItemView written = memory.write(key, flags, expiresAt, version, cas, marks, now, false, compressed.memory(), 0,
                    compressed.length(), length);
            return written != null ? written : onDiskOnly(key, compressed.raw(length), flags, expiresAt, version, cas, marks, now, false);
        }
        if (memory.fits(reserved, flags, expiresAt, cas != version)) {
            return memory.publish(key, reserved, flags, expiresAt, version, cas, marks); // null only when the index is full
        }
        ItemView written = memory.write(key, flags, expiresAt, version, cas, marks, now, false, reserved.memory(),
                reserved.valueOffset(), length, -1);
        if (written == null) {
            return onDiskOnly(key, taken(reserved), flags, expiresAt, version, cas, marks, now, false);
        }
        memory.discard(reserved);
        return written;
    }

    /**
     * Takes room in memory for {@code old}'s value joined with the {@code length} bytes of
     * {@code data} at {@code offset}, after it or before, and writes the joined value there
     * (the old one decompressed if it is stored so), to be published as the key's next version;
     * false when memory cannot hold it now. Append and prepend, with no heap array between.
     */
    boolean reserveJoined(Reservation room, Key key, Item old, boolean after, MemorySegment data, long offset, int length,
            boolean chosenCas) {
        int oldLength = old.valueLength();
        int joined = oldLength + length;
        if (!fitsInMemory(key.length(), joined) || !memory.reserve(room, key, old.flags(), old.expiresAt(), chosenCas, joined, false)) {
            return false;
        }
        long at = room.valueOffset();
        long oldAt = after ? at : at + length;
        if (old.compressed()) {
            ValueCompression.decompress(old.valueMemory(), old.valueOffset(), old.storedLength(),
                    room.memory().asSlice(oldAt, oldLength).asByteBuffer(), oldLength);
        } else {
            MemorySegment.copy(old.valueMemory(), old.valueOffset(), room.memory(), oldAt, oldLength);
        }
        MemorySegment.copy(data, offset, room.memory(), after ? at + oldLength : at, length);
        return true;
    }

    /** The reserved value, copied to the heap for the disk tier; the room is given up. */
    private byte[] taken(Reservation reserved) {
        byte[] value = reserved.memory().asSlice(reserved.valueOffset(), reserved.length()).toArray(ValueLayout.JAVA_BYTE);
        memory.discard(reserved);
        return value;
    }

    /**
     * The same item under another expiry, version, CAS and marks: touch, the win token, an
     * invalidation. A copy in memory when the item is there, else from its bytes.
     */
    Item rewrite(Key key, Item item, long expiresAt, long version, long cas, int marks) {
        if (item instanceof ItemView inMemory) {
            ItemView rewritten = memory.rewrite(key, inMemory, expiresAt, version, cas, marks);
            if (rewritten != null) {
                return rewritten;
            }
        }
        return write(key, item.flags(), expiresAt, version, cas, marks, item.accessedAt(), item.fetched(), item.value());
    }

    /**
     * Sends a new version to the disk tier, with the item it displaced in memory when this thread
     * just wrote it (the disk holds that one, unless a change of the key waits for it); completes
     * once it is as durable as the policy says.
     */
    CompletableFuture<Void> durable(Item item) {
        ItemView displaced = item instanceof ItemView inMemory ? memory.displacedBy(inMemory) : memory.displacedByRemove(item.key());
        return l2.put(item, displaced);
    }

    /** Removes the key from memory and, on its way, from disk. */
    CompletableFuture<Void> remove(Key key) {
        memory.remove(key);
        return l2.delete(key, memory.displacedByRemove(key));
    }

    /** The same item with a new expiry, or gone if that expiry has passed: touch. */
    CompletableFuture<Void> reexpire(Key key, Item item, long expiresAt, long now) {
        if (Expiry.isExpired(expiresAt, now)) {
            return remove(key);
        }
        Item touched = rewrite(key, item, expiresAt, item.version(), item.cas(), marksOf(item));
        return touched == null ? remove(key) : durable(touched);
    }

    /** Puts an item read from disk into memory if it fits there; returns the item in memory, or null. */
    ItemView promote(DiskItem item) {
        if (!fitsInMemory(item.key().length(), item.valueLength())) {
            return null;
        }
        byte[] value = item.value();
        ItemView promoted = inMemory(item.key(), item.flags(), item.expiresAt(), item.version(), item.cas(), marksOf(item),
                item.accessedAt(), item.fetched(), value, value.length);
        memory.forgetDisplaced(); // the disk holds this version already: nothing goes to it
        return promoted;
    }

    /** Writes the first {@code length} bytes of {@code value} into memory, compressed when that shrinks them; null when there is no room now. */
    private ItemView inMemory(Key key, int flags, long expiresAt, long version, long cas, int marks, long accessedAt, boolean fetched,
            byte[] value, int length) {
        ValueCompression.Compressed compressed = compression.compress(value, length);
        return compressed == null
                ? memory.write(key, flags, expiresAt, version, cas, marks, accessedAt, fetched, value, length, -1)
                : memory.write(key, flags, expiresAt, version, cas, marks, accessedAt, fetched, compressed.memory(), 0, compressed.length(),
                        length);
    }

    /** Whether some tier can keep an item this large. */
    boolean canHold(int keyLength, long valueLength) {
        return fitsInMemory(keyLength, valueLength) || l2.keepsItemsMemoryCannot();
    }

    boolean fitsInMemory(int keyLength, long valueLength) {
        return valueLength <= largeValueThreshold && memory.fits(keyLength, valueLength);
    }

    static int marksOf(Item item) {
        return MemoryTier.marks(item.stale(), item.winTokenSent(), item.form());
    }

    /** A version memory cannot hold: the disk tier keeps it, memory forgets the key; null without a disk tier. */
    private Item onDiskOnly(Key key, byte[] value, int flags, long expiresAt, long version, long cas, int marks, long accessedAt,
            boolean fetched) {
        memory.remove(key);
        return l2.keepsItemsMemoryCannot()
                ? new DiskItem(key.toStored(), value, flags, expiresAt, cas, accessedAt, fetched, (marks & MemoryTier.marks(true, false)) != 0,
                        (marks & MemoryTier.marks(false, true)) != 0, version, MemoryTier.formOf(marks))
                : null;
    }
}
