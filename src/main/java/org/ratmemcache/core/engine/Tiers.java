package org.ratmemcache.core.engine;

import java.util.concurrent.CompletableFuture;

import org.ratmemcache.core.Expiry;
import org.ratmemcache.core.Key;
import org.ratmemcache.core.memory.Entry;
import org.ratmemcache.core.memory.MemoryTier;

/**
 * Where a key's new version goes: into memory when it fits, and on its way to the disk tier
 * (the tiers are inclusive). The caller holds the key's lock ({@link KeyLocks}).
 *
 * @param memory              L1
 * @param l2                  what lies below it
 * @param largeValueThreshold values longer than this skip memory and live on disk only
 */
record Tiers(MemoryTier memory, L2 l2, long largeValueThreshold) {

    /** Makes {@code entry} its key's newest version; completes once it is as durable as the policy says. */
    CompletableFuture<Void> install(Entry entry) {
        if (fitsInMemory(entry.key().length(), entry.valueLength())) {
            memory.put(entry);
        } else {
            forget(entry.key());
        }
        return l2.put(entry);
    }

    /** Removes the key from memory and, on its way, from disk. */
    CompletableFuture<Void> remove(Key key) {
        forget(key);
        return l2.delete(key);
    }

    /** The same item with a new expiry, or gone if that expiry has passed: touch. */
    CompletableFuture<Void> reexpire(Entry entry, long expiresAt, long now) {
        return Expiry.isExpired(expiresAt, now) ? remove(entry.key()) : install(entry.withExpiry(expiresAt));
    }

    /** Puts an item read from disk into memory if it fits there; returns whether it did. */
    boolean promote(Entry entry) {
        if (!fitsInMemory(entry.key().length(), entry.valueLength())) {
            return false;
        }
        memory.put(entry);
        return true;
    }

    /** Whether some tier can keep an item this large. */
    boolean canHold(int keyLength, int valueLength) {
        return fitsInMemory(keyLength, valueLength) || l2.keepsItemsMemoryCannot();
    }

    boolean fitsInMemory(int keyLength, int valueLength) {
        return valueLength <= largeValueThreshold && MemoryTier.weigh(keyLength, valueLength) <= memory.maxBytes();
    }

    private void forget(Key key) {
        Entry stale = memory.get(key);
        if (stale != null) {
            memory.remove(stale);
        }
    }
}
