package org.ratmemcache.core.engine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.ratmemcache.core.Clock;
import org.ratmemcache.core.DatabaseSize;
import org.ratmemcache.core.Item;
import org.ratmemcache.core.Key;
import org.ratmemcache.core.KeyScan;
import org.ratmemcache.core.disk.DiskTier;
import org.ratmemcache.core.disk.DiskTierException;
import org.ratmemcache.core.disk.FlushLimits;
import org.ratmemcache.core.disk.LowestPositions;

/**
 * Redis's SCAN and DBSIZE over the tiers: which keys of a database are live, wherever they are.
 *
 * <p>With a disk tier, every key's newest version is on disk or in the write-back queue (memory
 * holds nothing else: each of its versions came through the queue or from the disk), so a scan
 * merges the disk's keys with the changes waiting, a waiting change deciding for its key. Without
 * one, memory holds every key. Keys come in scan-position order ({@link KeyScan}), so a page ends
 * at the last disk key it took, and the next starts after it.
 *
 * <p>A count takes the waiting changes first, then has the disk count its keys but those, at one
 * moment of its own: a change written meanwhile is counted once, by the disk or by the waiting
 * change that decides its key.
 */
final class Keyspace {

    private final Tiers tiers;
    private final DurableState state;
    private final Clock clock;

    Keyspace(Tiers tiers, DurableState state, Clock clock) {
        this.tiers = tiers;
        this.state = state;
        this.clock = clock;
    }

    KeyScan scan(int database, long cursor, int count) throws DiskTierException {
        long now = clock.millis();
        return tiers.l2().holdsEveryKey() ? scanDisk(database, cursor, count, now) : scanMemory(database, cursor, count, now);
    }

    DatabaseSize size(int database) throws DiskTierException {
        long now = clock.millis();
        return tiers.l2().holdsEveryKey() ? sizeWithDisk(database, now) : sizeInMemory(database, now);
    }

    private KeyScan scanMemory(int database, long cursor, int count, long now) {
        LowestPositions<Key> page = new LowestPositions<>(cursor, count);
        tiers.memory().forEachItem(item -> {
            if (item.database() == database && !state.isDead(item, now)) {
                long position = KeyScan.position(item.keyHash());
                if (page.accepts(position)) {
                    page.offer(position, item.key());
                }
            }
        });
        List<Key> keys = page.lowest();
        return new KeyScan(keys, page.more() ? KeyScan.position(keys.getLast()) : 0);
    }

    /**
     * The disk's first {@code count} keys past the cursor, and the waiting changes' live keys past
     * it, merged (a waiting change deciding for its key); the page ends at the {@code count}-th of
     * them, or sooner, at the disk's last, when the disk has more: past that the disk's keys are
     * not known yet.
     */
    private KeyScan scanDisk(int database, long cursor, int count, long now) throws DiskTierException {
        Map<Key, Item> waiting = waiting(database);
        FlushLimits flushed = state.flushLimits();
        DiskTier.ScannedKeys onDisk = tiers.l2().scan(database, cursor, count, now, flushed);
        TreeMap<Long, List<Key>> candidates = new TreeMap<>(Long::compareUnsigned);
        for (Key key : onDisk.keys()) {
            if (!waiting.containsKey(key)) {
                add(candidates, key);
            }
        }
        waiting.forEach((key, item) -> {
            if (item != null && !state.isDead(item, now) && KeyScan.after(KeyScan.position(key), cursor)) {
                add(candidates, key);
            }
        });
        long diskEnd = onDisk.more() ? KeyScan.position(onDisk.keys().getLast()) : 0;
        List<Key> keys = new ArrayList<>();
        long end = 0;
        for (Map.Entry<Long, List<Key>> at : candidates.entrySet()) {
            if (keys.size() >= count || diskEnd != 0 && KeyScan.after(at.getKey(), diskEnd)) {
                end = keys.isEmpty() ? diskEnd : KeyScan.position(keys.getLast());
                break;
            }
            keys.addAll(at.getValue());
        }
        if (end == 0 && diskEnd != 0) {
            end = diskEnd;
        }
        return new KeyScan(keys, end);
    }

    private static void add(TreeMap<Long, List<Key>> page, Key key) {
        page.computeIfAbsent(KeyScan.position(key), position -> new ArrayList<>(1)).add(key);
    }

    private DatabaseSize sizeInMemory(int database, long now) {
        long[] counts = new long[2];
        tiers.memory().forEachItem(item -> {
            if (item.database() == database && !state.isDead(item, now)) {
                counts[0]++;
                counts[1] += item.expiresAt() != 0 ? 1 : 0;
            }
        });
        return new DatabaseSize(counts[0], counts[1]);
    }

    private DatabaseSize sizeWithDisk(int database, long now) throws DiskTierException {
        Map<Key, Item> waiting = waiting(database);
        DatabaseSize size = tiers.l2().size(database, now, state.flushLimits(), waiting.keySet());
        for (Item item : waiting.values()) {
            if (item != null && !state.isDead(item, now)) {
                size = size.plus(1, item.expiresAt() != 0 ? 1 : 0);
            }
        }
        return size;
    }

    /** The changes of the database's keys waiting for the disk, as they are now: each key's item, or null for a delete. */
    private Map<Key, Item> waiting(int database) {
        Map<Key, Item> waiting = new HashMap<>();
        tiers.l2().forEachPending((key, item) -> {
            if (key.database() == database) {
                waiting.put(key, item);
            }
        });
        return waiting;
    }
}
