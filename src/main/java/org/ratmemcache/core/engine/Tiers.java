package org.ratmemcache.core.engine;

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
            byte[] compressed = compression.compresses(length) ? compression.compress(Arrays.copyOf(value, length)) : null;
            ItemView written = compressed == null
                    ? memory.write(key, flags, expiresAt, version, cas, marks, accessedAt, fetched, value, length, -1)
                    : memory.write(key, flags, expiresAt, version, cas, marks, accessedAt, fetched, compressed, compressed.length, length);
            if (written != null) {
                return written;
            }
        }
        return onDiskOnly(key, new DiskItem(key.toStored(), Arrays.copyOf(value, length), flags, expiresAt, cas, accessedAt, fetched,
                (marks & MemoryTier.marks(true, false)) != 0, (marks & MemoryTier.marks(false, true)) != 0, version));
    }

    /**
     * The value reserved and read, published as the key's new version: in place when its header
     * has room for these fields, else (compressed first, when it is long enough, or with fields
     * the room was not taken for) written anew from its bytes.
     */
    Item publish(Key key, Reservation reserved, int flags, long expiresAt, long version, long cas, int marks, long now) {
        int length = reserved.length();
        if (compression.compresses(length) || !fitsInMemory(key.length(), length)
                || !memory.fits(reserved, flags, expiresAt, cas != version)) {
            byte[] value = reserved.memory().asSlice(reserved.valueOffset(), length).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
            memory.discard(reserved);
            return write(key, flags, expiresAt, version, cas, marks, now, false, value);
        }
        return memory.publish(key, reserved, flags, expiresAt, version, cas, marks); // null only when the index is full
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

    /** Sends a new version to the disk tier; completes once it is as durable as the policy says. */
    CompletableFuture<Void> durable(Item item) {
        return l2.put(item);
    }

    /** Removes the key from memory and, on its way, from disk. */
    CompletableFuture<Void> remove(Key key) {
        memory.remove(key);
        return l2.delete(key);
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
        byte[] compressed = compression.compress(value);
        int marks = marksOf(item);
        return compressed == null
                ? memory.write(item.key(), item.flags(), item.expiresAt(), item.version(), item.cas(), marks, item.accessedAt(), item.fetched(),
                        value, value.length, -1)
                : memory.write(item.key(), item.flags(), item.expiresAt(), item.version(), item.cas(), marks, item.accessedAt(), item.fetched(),
                        compressed, compressed.length, value.length);
    }

    /** Whether some tier can keep an item this large. */
    boolean canHold(int keyLength, long valueLength) {
        return fitsInMemory(keyLength, valueLength) || l2.keepsItemsMemoryCannot();
    }

    boolean fitsInMemory(int keyLength, long valueLength) {
        return valueLength <= largeValueThreshold && memory.fits(keyLength, valueLength);
    }

    static int marksOf(Item item) {
        return MemoryTier.marks(item.stale(), item.winTokenSent());
    }

    /** A version memory cannot hold: the disk tier keeps it, memory forgets the key; null without a disk tier. */
    private Item onDiskOnly(Key key, DiskItem item) {
        memory.remove(key);
        return l2.keepsItemsMemoryCannot() ? item : null;
    }
}
