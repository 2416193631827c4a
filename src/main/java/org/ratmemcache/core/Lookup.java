package org.ratmemcache.core;

import java.util.concurrent.CompletableFuture;

/**
 * What a read of one key found: the live {@link Item} itself, a {@link Miss}, or, when only the
 * disk tier can tell, a {@link Pending} read that completes on a disk thread.
 *
 * <p>A hit is the item and a miss is {@link #MISS}, so the common read allocates nothing for its
 * answer; only a read that waits for the disk carries a future.
 */
public sealed interface Lookup permits Item, Lookup.Miss, Lookup.Pending {

    /** The answer for a key that holds no live item. */
    Miss MISS = new Miss();

    /** The key holds no live item. */
    record Miss() implements Lookup {
    }

    /**
     * The disk tier is being read for the key; {@code item} completes with its live item, or
     * {@code null} when it has none, or exceptionally when the disk fails.
     */
    record Pending(CompletableFuture<Item> item) implements Lookup {
    }

    /** {@code lookup}'s item as a future, for callers that wait either way: null for a miss. */
    static CompletableFuture<Item> asFuture(Lookup lookup) {
        return switch (lookup) {
            case Item item -> CompletableFuture.completedFuture(item);
            case Miss miss -> CompletableFuture.completedFuture(null);
            case Pending pending -> pending.item();
        };
    }
}
