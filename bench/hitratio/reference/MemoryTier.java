package hitratio.reference;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

import org.ratmemcache.core.Key;

/**
 * The L1 tier as it was before items became bytes (RatMemCache 13ec00d), kept for
 * {@code bench/hitratio.sh} as the reference each of today's policies is measured against: entries
 * in memory, bounded by a byte budget and by an entry count.
 *
 * <h2>How it works</h2>
 * Entries live in a {@link ConcurrentHashMap}; an {@link EvictionPolicy} orders them; when an
 * insert takes the tier over either bound, the policy's victims are removed until it fits again.
 * An entry costs what it takes on the heap, the objects around its key and value included
 * ({@link ItemCost}).
 *
 * <h2>Concurrency</h2>
 * <ul>
 *   <li>A read is a lock-free map lookup; the access is recorded in a {@link ReadBuffer} and
 *       replayed into the policy later.</li>
 *   <li>The policy and the byte and entry counts are guarded by one eviction lock, held for a few
 *       pointer moves per write. Writers drain the read buffer under it, so eviction order
 *       reflects every recorded read.</li>
 *   <li>This tier does not make read-modify-write atomic: the caller serialises the writes of one
 *       key (the cache's striped key locks). Removals that race with those writes, by eviction or
 *       by expiry, are conditional on the exact entry, so they never remove a newer one.</li>
 *   <li>An entry goes NEW (mapped), LINKED (ordered and counted), REMOVED, under the lock, so
 *       that an entry removed before its writer links it is never counted.</li>
 * </ul>
 */
public final class MemoryTier {

    private final ConcurrentHashMap<Key, Entry> map = new ConcurrentHashMap<>();
    private final ReentrantLock evictionLock = new ReentrantLock();
    private final ReadBuffer readBuffer = new ReadBuffer();
    private final Eviction eviction;
    private final EvictionPolicy policy;
    private final Consumer<Entry> replayRead = this::replayRead;
    private final Consumer<Entry> onEvicted;
    /** Changed only under the eviction lock ({@link #resize}); volatile for readers without it. */
    private volatile long maxBytes;
    private final long maxEntries;

    /** Guarded by the eviction lock; volatile so that statistics read them without it. */
    private volatile long bytes;
    private volatile long entries;
    /** Value bytes of the linked entries as clients see them, and as stored (compressed). */
    private volatile long rawValueBytes;
    private volatile long storedValueBytes;
    private volatile boolean everLinked;

    /**
     * @param onEvicted told, under the eviction lock, of each entry removed to make room; keep it
     *                  short
     */
    public MemoryTier(Eviction eviction, long maxBytes, long maxEntries, Consumer<Entry> onEvicted) {
        if (maxBytes <= 0 || maxEntries <= 0) {
            throw new IllegalArgumentException("memory tier bounds must be positive: " + maxBytes + " bytes, " + maxEntries + " entries");
        }
        this.eviction = eviction;
        this.policy = eviction.newPolicy();
        this.maxBytes = maxBytes;
        this.maxEntries = maxEntries;
        policy.onBounds(maxBytes, maxEntries);
        this.onEvicted = onEvicted;
    }

    /** What an entry with these key and value lengths costs the byte budget: its heap bytes on this JVM. */
    public static long weigh(int keyLength, int valueLength) {
        return ItemCost.JVM.weigh(keyLength, valueLength);
    }

    /** The entry under {@code key}, live or not; lock-free. */
    public Entry get(Key key) {
        return map.get(key);
    }

    /** Tells the policy that {@code entry} was read; lock-free. */
    public void recordAccess(Entry entry) {
        if (readBuffer.offer(entry) && evictionLock.tryLock()) {
            try {
                readBuffer.drain(replayRead);
            } finally {
                evictionLock.unlock();
            }
        }
    }

    /**
     * Maps {@code entry} under its key, replacing whatever was there, then evicts until the tier
     * fits its bounds. The caller holds the key's write lock.
     */
    public void put(Entry entry) {
        Entry replaced = map.put(entry.key(), entry);
        evictionLock.lock();
        try {
            readBuffer.drain(replayRead);
            if (replaced != null) {
                unlink(replaced);
            }
            link(entry);
            evictOverflow();
        } finally {
            evictionLock.unlock();
        }
    }

    /** Removes {@code entry} if it is still the one mapped under its key; returns whether it was. */
    public boolean remove(Entry entry) {
        if (!map.remove(entry.key(), entry)) {
            return false;
        }
        evictionLock.lock();
        try {
            unlink(entry);
        } finally {
            evictionLock.unlock();
        }
        return true;
    }

    /**
     * The {@code max} smallest keys after {@code after} (all keys when null) that start with
     * {@code prefix}, in byte order. One pass over a weakly consistent view, holding no more than
     * {@code max} keys: for listings, never on a request path.
     */
    public List<Key> keysAfter(byte[] prefix, Key after, int max) {
        PriorityQueue<Key> largestFirst = new PriorityQueue<>(max + 1, Comparator.reverseOrder());
        for (Key key : map.keySet()) {
            if (!key.startsWith(prefix) || (after != null && key.compareTo(after) <= 0)) {
                continue;
            }
            if (largestFirst.size() < max) {
                largestFirst.add(key);
            } else if (key.compareTo(largestFirst.peek()) < 0) {
                largestFirst.poll();
                largestFirst.add(key);
            }
        }
        List<Key> keys = new ArrayList<>(largestFirst);
        keys.sort(null);
        return keys;
    }

    /** A weakly consistent view of the entries, for sweeps: it never blocks writers. */
    public Collection<Entry> view() {
        return Collections.unmodifiableCollection(map.values());
    }

    /** The entry the policy would evict next, or {@code null}. */
    public Entry coldest() {
        evictionLock.lock();
        try {
            readBuffer.drain(replayRead);
            return policy.victim();
        } finally {
            evictionLock.unlock();
        }
    }

    public OptionalLong coldestAccessedAt() {
        Entry coldest = coldest();
        return coldest == null ? OptionalLong.empty() : OptionalLong.of(coldest.accessedAt());
    }

    /** Bytes charged to the budget by the linked entries. */
    public long bytes() {
        return bytes;
    }

    /** Linked entries, live or expired. */
    public long items() {
        return entries;
    }

    public long rawValueBytes() {
        return rawValueBytes;
    }

    public long storedValueBytes() {
        return storedValueBytes;
    }

    public boolean everHeldItems() {
        return everLinked;
    }

    public long maxBytes() {
        return maxBytes;
    }

    /** A new byte budget from now on, as memcached's cache_memlimit: evicts down to it at once. */
    public void resize(long newMaxBytes) {
        if (newMaxBytes <= 0) {
            throw new IllegalArgumentException("memory tier bound must be positive: " + newMaxBytes);
        }
        evictionLock.lock();
        try {
            maxBytes = newMaxBytes;
            policy.onBounds(newMaxBytes, maxEntries);
            evictOverflow();
        } finally {
            evictionLock.unlock();
        }
    }

    /** Up to {@code limit} entries, those the policy would evict last first (stats cachedump). */
    public List<Entry> keptLongest(int limit) {
        evictionLock.lock();
        try {
            readBuffer.drain(replayRead);
            return policy.keptLongest(limit);
        } finally {
            evictionLock.unlock();
        }
    }

    public Eviction eviction() {
        return eviction;
    }

    public long maxItems() {
        return maxEntries;
    }

    public long droppedReads() {
        return readBuffer.dropped();
    }

    private void link(Entry entry) {
        if (entry.state == Entry.NEW) {
            entry.state = Entry.LINKED;
            policy.onInsert(entry);
            bytes += entry.weight();
            entries++;
            rawValueBytes += entry.valueLength();
            storedValueBytes += entry.storedLength();
            everLinked = true;
        }
    }

    private void unlink(Entry entry) {
        if (entry.state == Entry.LINKED) {
            policy.onRemove(entry);
            bytes -= entry.weight();
            entries--;
            rawValueBytes -= entry.valueLength();
            storedValueBytes -= entry.storedLength();
        }
        entry.state = Entry.REMOVED;
    }

    private void evictOverflow() {
        while (bytes > maxBytes || entries > maxEntries) {
            Entry victim = policy.victim();
            if (victim == null) {
                return;
            }
            unlink(victim);
            // A writer may have replaced the victim since; then there is nothing to evict here.
            if (map.remove(victim.key(), victim)) {
                onEvicted.accept(victim);
            }
        }
    }

    private void replayRead(Entry entry) {
        if (entry.state == Entry.LINKED) {
            policy.onAccess(entry);
        }
    }
}
