package org.ratmemcache.core.engine;

import java.util.concurrent.CompletableFuture;

import org.ratmemcache.core.CacheStats;
import org.ratmemcache.core.Clock;
import org.ratmemcache.core.Expiry;
import org.ratmemcache.core.Key;
import org.ratmemcache.core.MetaGet;
import org.ratmemcache.core.memory.Entry;
import org.ratmemcache.core.memory.Found;

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
            return locks.run(key, Access.FETCH_AND_CHANGE, (k, current, now) -> done(locked(k, current, read, now)));
        }
        long now = clock.millis();
        return switch (versions.find(key, now, Access.FETCH)) {
            case Found.Absent absent -> miss(read);
            case Entry live when !needsWinToken(live) -> done(hit(live, read, false, false, now));
            // A plain read goes on while the disk fails; a win it hands out reaches the disk once it works.
            case Entry stale -> locks.run(key, Access.FETCH, (k, current, at) -> done(locked(k, current, read, at)));
            case Found.OnDisk onDisk -> locks.runAfterDisk(key, Access.FETCH, (k, current, at) -> done(locked(k, current, read, at)));
        };
    }

    /** The read under the key's lock: vivify, touch and win. */
    private MetaGet.Result locked(Key key, Entry current, MetaGet read, long now) {
        if (current == null) {
            if (!read.vivifies()) {
                miss(read);
                return MetaGet.MISS;
            }
            Entry created = new Entry(key.toStored(), new byte[0], 0, read.vivifyAt(), state.nextCas(now), now)
                    .withCasIfChosen(read.vivifyCas());
            stats.totalItems.increment();
            MetaGet.Hit hit = hit(created, read, true, true, now);
            tiers.install(created.withWinTokenSent());
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
            tiers.reexpire(won ? current.withWinTokenSent() : current, expiresAt, now);
        }
        return hit;
    }

    /** The answer for a hit, with the read history as it was; then counts the hit and bumps the item. */
    private MetaGet.Hit hit(Entry entry, MetaGet read, boolean created, boolean won, long now) {
        MetaGet.Hit hit = new MetaGet.Hit(entry, created, won, entry.winTokenSent(), entry.fetched(), entry.accessedAt(),
                created ? Expiry.NEVER : entry.expiresAt());
        (read.touches() ? stats.touchHits : stats.getHits).increment();
        if (read.bump()) {
            entry.markFetched(now);
            tiers.memory().recordAccess(entry);
        }
        return hit;
    }

    private CompletableFuture<MetaGet.Result> miss(MetaGet read) {
        (read.touches() ? stats.touchMisses : stats.getMisses).increment();
        return MISS;
    }

    private static boolean needsWinToken(Entry entry) {
        return entry.stale() && !entry.winTokenSent();
    }

    private static CompletableFuture<MetaGet.Result> done(MetaGet.Result result) {
        return CompletableFuture.completedFuture(result);
    }
}
