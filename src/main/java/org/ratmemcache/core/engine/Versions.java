package org.ratmemcache.core.engine;

import org.ratmemcache.core.CacheStats;
import org.ratmemcache.core.Expiry;
import org.ratmemcache.core.Found;
import org.ratmemcache.core.Item;
import org.ratmemcache.core.Key;
import org.ratmemcache.core.disk.DiskItem;
import org.ratmemcache.core.disk.DiskTierException;
import org.ratmemcache.core.memory.ItemView;

/**
 * Where a key's newest version is: the one question every command asks first.
 *
 * <h2>The order</h2>
 * A key's newest version is its item in memory; else its change still waiting for the disk (a
 * new version or a delete, {@link L2#pending}); else its L2 record. Memory answers the first two
 * without a lock and without I/O; only the third needs a disk thread. So {@link #find} answers
 * {@link Found}: the live {@link Item}, {@link Found#ABSENT}, or {@link Found#ON_DISK} when the
 * disk must be read ({@link KeyLocks} then runs the command on a disk thread, where
 * {@link #inMemory} looks again and {@link #fromDisk} takes the record read).
 *
 * <h2>Dead items</h2>
 * An expired or flushed item met on the way is removed from memory and counted as reclaimed
 * (and, for a fetch, as get_expired or get_flushed); a dead record read from disk is deleted
 * there. A live record read from disk is promoted into memory when it fits.
 *
 * <p>{@link #newestLive} answers the same question for inspection, without counting, promoting or
 * reclaiming anything. The caller is inside the memory's epoch throughout.
 */
record Versions(Tiers tiers, DurableState state, CacheStats stats) {

    /**
     * The key's newest version as memory knows it, and whether the disk must be read: ON_DISK only
     * when the access needs the current version, memory does not know the key, and the disk may
     * hold it or a command on it waits there. Lock-free, no I/O. {@code bump} tells the eviction
     * policy of a read.
     */
    Found find(Key key, long now, Access access, boolean bump) {
        Found known = inMemory(key, now, access, bump);
        return known != Found.ON_DISK || access.readsDisk && tiers.l2().mayHold(key) ? known : Found.ABSENT;
    }

    /** Memory's answer alone: L1, then the change waiting for the disk; ON_DISK when neither knows the key. */
    Found inMemory(Key key, long now, Access access, boolean bump) {
        ItemView inMemory = tiers.memory().get(key, bump);
        Found known = inMemory != null ? inMemory : tiers.l2().pending(key);
        return known instanceof Item version && !isLive(version, now, access) ? Found.ABSENT : known;
    }

    /**
     * The item for the record read from disk ({@code null} for none), promoted into memory when
     * it fits (then the item in memory); {@code null} when there is none or it is dead (a dead
     * record is deleted). The caller holds the key's lock and the key is busy, so nothing newer
     * exists in memory. Not {@code promotable} when the disk removed records of its own since
     * the read began ({@link L2#removals}): memory must not hold a version the disk let go.
     */
    Item fromDisk(DiskItem onDisk, long now, Access access, boolean promotable) {
        if (onDisk == null) {
            stats.l2Misses.increment();
            return null;
        }
        boolean flushed = state.isFlushed(onDisk, now);
        if (flushed || Expiry.isExpired(onDisk.expiresAt(), now)) {
            countDeadRead(flushed, access);
            stats.l2Misses.increment();
            stats.reclaimed.increment();
            tiers.l2().delete(onDisk.key(), null);
            return null;
        }
        stats.l2Hits.increment();
        ItemView promoted = promotable ? tiers.promote(onDisk) : null;
        if (promoted != null) {
            stats.promotions.increment();
            return promoted;
        }
        return onDisk;
    }

    /**
     * For inspection, on a disk thread: the key's newest version if it is live, reading the disk
     * only when memory does not know the key. Counts, promotes and reclaims nothing.
     */
    Item newestLive(Key key, long now) throws DiskTierException {
        ItemView inMemory = tiers.memory().get(key, false);
        Item newest = switch (inMemory != null ? inMemory : tiers.l2().pending(key)) {
            case Item version -> version;
            case Found.Absent deleted -> null;
            case Found.OnDisk onDisk -> tiers.l2().read(key);
        };
        return newest == null || state.isDead(newest, now) ? null : newest;
    }

    /** Whether the item is live; a dead one is removed from memory and counted. */
    private boolean isLive(Item item, long now, Access access) {
        boolean flushed = state.isFlushed(item, now);
        if (!flushed && !Expiry.isExpired(item.expiresAt(), now)) {
            return true;
        }
        countDeadRead(flushed, access);
        if (item instanceof ItemView inMemory && tiers.memory().removeIfCurrent(inMemory)) {
            stats.reclaimed(item);
        }
        return false;
    }

    private void countDeadRead(boolean flushed, Access access) {
        if (access.countsExpired) {
            (flushed ? stats.getFlushed : stats.getExpired).increment();
        }
    }
}
