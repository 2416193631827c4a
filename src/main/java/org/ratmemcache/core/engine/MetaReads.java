package org.ratmemcache.core.engine;

import java.util.concurrent.CompletableFuture;

import org.ratmemcache.core.CacheStats;
import org.ratmemcache.core.Clock;
import org.ratmemcache.core.Expiry;
import org.ratmemcache.core.Found;
import org.ratmemcache.core.Item;
import org.ratmemcache.core.Key;
import org.ratmemcache.core.MetaGet;
import org.ratmemcache.core.engine.KeyLocks.Command;
import org.ratmemcache.core.memory.ItemView;
import org.ratmemcache.core.memory.MemoryTier;

/**
 * The meta protocol's mg, as memcached 1.6 runs it: a read that may touch the item ({@code T}),
 * create it on a miss ({@code N}), and hand out the win token of stale-while-revalidate
 * ({@link MetaGet}), applying those in the order the client gave them.
 *
 * <p>A plain read takes no lock, like a get; it comes to the key's lock only to hand out a stale
 * item's win token, which must go to one reader alone, or to read the disk. The answer reports
 * the item's read history as it was before this read.
 */
record MetaReads(Versions versions, KeyLocks locks, Tiers tiers, DurableState state, CacheStats stats, Clock clock) {

    private static final CompletableFuture<MetaGet.Result> MISS = CompletableFuture.completedFuture(MetaGet.MISS);

    CompletableFuture<MetaGet.Result> read(Key key, MetaGet read) {
        if (read.mayChange()) {
            return locks.run(key, Access.FETCH_AND_CHANGE, locked(read));
        }
        long now = clock.millis();
        return switch (versions.find(key, now, Access.FETCH, read.bump())) {
            case Found.Absent absent -> miss(read);
            case Item live when !needsWinToken(live) -> done(hit(live, read, false, false, now));
            // A plain read goes on while the disk fails; a win it hands out reaches the disk once it works.
            case Item stale -> locks.run(key, Access.FETCH, locked(read));
            case Found.OnDisk onDisk -> locks.runAfterDisk(key, Access.FETCH, locked(read));
        };
    }

    private Command<MetaGet.Result> locked(MetaGet read) {
        return Command.detaching((k, current, at) -> done(locked(k, current, read, at)), Detached::metaGet);
    }

    /** The read under the key's lock: vivify, touch and win. */
    private MetaGet.Result locked(Key key, Item current, MetaGet read, long now) {
        if (current == null) {
            if (!read.vivifies()) {
                miss(read);
                return MetaGet.MISS;
            }
            long version = state.nextCas(now);
            long cas = read.vivifyCas() == org.ratmemcache.core.Cache.NEXT_CAS ? version : read.vivifyCas();
            stats.totalItems.increment();
            // the item is created with its win token handed out: this reader recaches it
            Item created = tiers.write(key, 0, read.vivifyAt(), version, cas, MemoryTier.marks(false, true), now, read.bump(), new byte[0]);
            if (created == null) {
                miss(read);
                return MetaGet.MISS;
            }
            MetaGet.Hit hit = new MetaGet.Hit(created, true, true, false, false, now, Expiry.NEVER);
            (read.touches() ? stats.touchHits : stats.getHits).increment();
            tiers.durable(created); // the read does not wait for the disk
            return hit;
        }
        long expiresAt = read.touches() && read.touchBeforeRecacheCheck() ? read.touchAt() : current.expiresAt();
        // compared in whole seconds, as memcached's clock ticks
        boolean recache = read.recacheBelow() != MetaGet.NONE && expiresAt != Expiry.NEVER
                && expiresAt / 1000 < read.recacheBelow() / 1000;
        boolean won = !current.winTokenSent() && (recache || current.stale());
        MetaGet.Hit hit = hit(current, read, false, won, now);
        if (read.touches()) {
            expiresAt = read.touchAt();
        }
        if (won || expiresAt != current.expiresAt()) {
            if (won) {
                winToken(key, current, expiresAt, now); // the read does not wait for the disk
            } else {
                tiers.reexpire(key, current, expiresAt, now);
            }
        }
        return hit;
    }

    /** The item with its win token handed out (and the new expiry): a copy with the same CAS and history. */
    private CompletableFuture<Void> winToken(Key key, Item current, long expiresAt, long now) {
        if (Expiry.isExpired(expiresAt, now)) {
            return tiers.remove(key);
        }
        Item won = tiers.rewrite(key, current, expiresAt, current.version(), current.cas(), MemoryTier.marks(current.stale(), true, current.form()));
        return won == null ? tiers.remove(key) : tiers.durable(won);
    }

    /** The answer for a hit, with the read history as it was; then counts the hit and notes the read. */
    private MetaGet.Hit hit(Item item, MetaGet read, boolean created, boolean won, long now) {
        MetaGet.Hit hit = new MetaGet.Hit(item, created, won, item.winTokenSent(), item.fetched(), item.accessedAt(),
                created ? Expiry.NEVER : item.expiresAt());
        (read.touches() ? stats.touchHits : stats.getHits).increment();
        if (read.bump() && item instanceof ItemView inMemory) {
            tiers.memory().markFetched(inMemory, now);
        }
        return hit;
    }

    private CompletableFuture<MetaGet.Result> miss(MetaGet read) {
        (read.touches() ? stats.touchMisses : stats.getMisses).increment();
        return MISS;
    }

    private static boolean needsWinToken(Item item) {
        return item.stale() && !item.winTokenSent();
    }

    private static CompletableFuture<MetaGet.Result> done(MetaGet.Result result) {
        return CompletableFuture.completedFuture(result);
    }
}
