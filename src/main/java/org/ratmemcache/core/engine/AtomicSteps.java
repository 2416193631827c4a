package org.ratmemcache.core.engine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.ratmemcache.core.Atomic;
import org.ratmemcache.core.Cache;
import org.ratmemcache.core.CacheStats;
import org.ratmemcache.core.Expiry;
import org.ratmemcache.core.Item;
import org.ratmemcache.core.Key;
import org.ratmemcache.core.ValueForm;
import org.ratmemcache.core.memory.MemoryTier;

/**
 * {@link Cache#atomically}: a step on several keys, run by {@link KeyLocks#runAll} under all their
 * locks, its writes applied to memory as the step makes them (so that it reads its own writes)
 * and sent on to the disk, the answer completing once all of them are durable.
 */
final class AtomicSteps {

    private final KeyLocks locks;
    private final Tiers tiers;
    private final DurableState state;
    private final CacheStats stats;
    private final long itemSizeMax;

    AtomicSteps(KeyLocks locks, Tiers tiers, DurableState state, CacheStats stats, long itemSizeMax) {
        this.locks = locks;
        this.tiers = tiers;
        this.state = state;
        this.stats = stats;
        this.itemSizeMax = itemSizeMax;
    }

    /** Up to this many keys, a step finds repeated ones by comparing each with those before. */
    private static final int FEW_KEYS = 16;

    /** One key's slots: its only position is its first. */
    private static final int[] ONE = {0};

    <T> CompletableFuture<T> run(List<Key> keys, Atomic<T> step) {
        if (keys.size() == 1) {
            return run(List.of(keys.getFirst().toStored()), ONE, step);
        }
        List<Key> distinct = new ArrayList<>(keys.size());
        // a few keys (MSET's, a transaction's) are told apart by comparing them; many through a map
        Map<Key, Integer> positions = keys.size() > FEW_KEYS ? new HashMap<>() : null;
        int[] slot = new int[keys.size()];
        for (int i = 0; i < slot.length; i++) {
            Key key = keys.get(i);
            int at = positions == null ? distinct.indexOf(key) : positions.getOrDefault(key, -1);
            if (at < 0) {
                at = distinct.size();
                Key stored = key.toStored();
                distinct.add(stored);
                if (positions != null) {
                    positions.put(stored, at);
                }
            }
            slot[i] = at;
        }
        return run(distinct, slot, step);
    }

    /** {@code step} on {@code distinct} keys, position i of the step being key {@code slot[i]}. */
    private <T> CompletableFuture<T> run(List<Key> distinct, int[] slot, Atomic<T> step) {
        return locks.runAll(distinct, Access.CHANGE, (current, now) -> {
            Step view = new Step(distinct, slot, current, now);
            T answer = step.run(view);
            return view.durable().thenApply(done -> answer);
        });
    }

    /** The keys as one run of a step sees them, and the writes it made. */
    private final class Step implements Atomic.Keys {
        private final List<Key> keys;
        private final int[] slot;
        private final Item[] current;
        private final long now;
        private final List<CompletableFuture<Void>> writes = new ArrayList<>(2);

        Step(List<Key> keys, int[] slot, Item[] current, long now) {
            this.keys = keys;
            this.slot = slot;
            this.current = current;
            this.now = now;
        }

        @Override
        public long now() {
            return now;
        }

        @Override
        public Key key(int i) {
            return keys.get(slot[i]);
        }

        @Override
        public Item get(int i) {
            return current[slot[i]];
        }

        @Override
        public boolean put(int i, byte[] value, int flags, long expiresAt, ValueForm form) {
            int at = slot[i];
            Key key = keys.get(at);
            if (Cache.itemSize(key.length(), flags, value.length) > itemSizeMax || !tiers.canHold(key.length(), value.length)) {
                return false;
            }
            long version = state.nextCas(now);
            if (Expiry.isExpired(expiresAt, now)) {
                stats.totalItems.increment();
                remove(i);
                return true;
            }
            Item item = tiers.write(key, flags, expiresAt, version, version, MemoryTier.marks(false, false, form), now, false, value);
            if (item == null) {
                stats.storeNoMemory.increment();
                return false;
            }
            stats.totalItems.increment();
            current[at] = KeyLocks.pinned(item);
            writes.add(tiers.durable(item));
            return true;
        }

        @Override
        public void remove(int i) {
            int at = slot[i];
            if (current[at] != null) {
                writes.add(tiers.remove(keys.get(at)));
                current[at] = null;
            }
        }

        @Override
        public void expire(int i, long expiresAt) {
            int at = slot[i];
            Item item = current[at];
            if (item == null) {
                return;
            }
            if (Expiry.isExpired(expiresAt, now)) {
                remove(i);
                return;
            }
            long version = state.nextCas(now);
            Item rewritten = tiers.rewrite(keys.get(at), item, expiresAt, version, version, Tiers.marksOf(item));
            if (rewritten == null) {
                remove(i);
                return;
            }
            current[at] = KeyLocks.pinned(rewritten);
            writes.add(tiers.durable(rewritten));
        }

        CompletableFuture<Void> durable() {
            return switch (writes.size()) {
                case 0 -> Completed.NOTHING;
                case 1 -> writes.getFirst();
                default -> CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new));
            };
        }
    }
}
