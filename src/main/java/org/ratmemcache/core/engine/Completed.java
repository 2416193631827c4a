package org.ratmemcache.core.engine;

import java.util.Arrays;
import java.util.concurrent.CompletableFuture;

import org.ratmemcache.core.DeleteResult;
import org.ratmemcache.core.DeltaResult;
import org.ratmemcache.core.Increment;
import org.ratmemcache.core.Item;
import org.ratmemcache.core.StoreResult;

/**
 * Futures that are already complete, shared, so that a command memory decides at once allocates
 * nothing for its answer. A change that needs nothing from the disk is acknowledged with
 * {@link #NOTHING} itself, so identity with it means "durable now".
 */
final class Completed {

    static final CompletableFuture<Void> NOTHING = CompletableFuture.completedFuture(null);
    static final CompletableFuture<Boolean> TRUE = CompletableFuture.completedFuture(true);
    static final CompletableFuture<Boolean> FALSE = CompletableFuture.completedFuture(false);
    static final CompletableFuture<Item> NO_ITEM = CompletableFuture.completedFuture(null);
    static final CompletableFuture<DeltaResult> DELTA_NOT_FOUND = CompletableFuture.completedFuture(DeltaResult.NOT_FOUND);
    static final CompletableFuture<Increment> NOT_AN_INTEGER = CompletableFuture.completedFuture(Increment.NOT_AN_INTEGER);
    static final CompletableFuture<Increment> OVERFLOW = CompletableFuture.completedFuture(Increment.OVERFLOW);
    static final CompletableFuture<Increment> NO_ROOM = CompletableFuture.completedFuture(Increment.NO_ROOM);
    static final CompletableFuture<DeltaResult> DELTA_NON_NUMERIC = CompletableFuture.completedFuture(DeltaResult.NON_NUMERIC);
    static final CompletableFuture<DeltaResult> DELTA_CAS_MISMATCH = CompletableFuture.completedFuture(DeltaResult.CAS_MISMATCH);

    @SuppressWarnings("unchecked")
    private static final CompletableFuture<StoreResult>[] STORES = Arrays.stream(StoreResult.values())
            .map(CompletableFuture::completedFuture).toArray(CompletableFuture[]::new);
    @SuppressWarnings("unchecked")
    private static final CompletableFuture<DeleteResult>[] DELETES = Arrays.stream(DeleteResult.values())
            .map(CompletableFuture::completedFuture).toArray(CompletableFuture[]::new);

    private Completed() {
    }

    static CompletableFuture<StoreResult> of(StoreResult result) {
        return STORES[result.ordinal()];
    }

    static CompletableFuture<DeleteResult> of(DeleteResult result) {
        return DELETES[result.ordinal()];
    }

    /** {@code result} once {@code durable} completes: at once, shared, when it is {@link #NOTHING}. */
    static CompletableFuture<StoreResult> after(CompletableFuture<Void> durable, StoreResult result) {
        return durable == NOTHING ? of(result) : durable.thenApply(done -> result);
    }

    static CompletableFuture<DeleteResult> after(CompletableFuture<Void> durable, DeleteResult result) {
        return durable == NOTHING ? of(result) : durable.thenApply(done -> result);
    }

    static CompletableFuture<Boolean> after(CompletableFuture<Void> durable, boolean result) {
        return durable == NOTHING ? (result ? TRUE : FALSE) : durable.thenApply(done -> result);
    }

    /** {@code result} once {@code durable} completes; a new future, for a result that is not shared. */
    static <T> CompletableFuture<T> afterAny(CompletableFuture<Void> durable, T result) {
        return durable == NOTHING ? CompletableFuture.completedFuture(result) : durable.thenApply(done -> result);
    }
}
