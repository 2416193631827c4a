package org.ratmemcache.core;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * Runs the operations of one key that must wait for the disk one after another, off the event
 * loop, while operations of other keys run in parallel.
 *
 * <p>A key with an operation queued or running is <em>busy</em>. Memory never holds a busy key
 * (an operation goes to the disk only when memory knows nothing of its key), so every other
 * operation on a busy key queues behind it instead of answering from memory: a later operation
 * can never overtake an earlier one on the same key. Callers hold the key's stripe lock while
 * they check {@link #isBusy} and {@link #enqueue}, so no operation slips between the two.
 */
final class KeySerializer {

    /** The last operation queued for each busy key. */
    private final ConcurrentHashMap<Key, CompletableFuture<?>> tails = new ConcurrentHashMap<>();
    private final Executor executor;

    KeySerializer(Executor executor) {
        this.executor = executor;
    }

    /** Whether the key has an operation queued or running; lock-free. */
    boolean isBusy(Key key) {
        return tails.containsKey(key);
    }

    /** Runs {@code task} on the disk threads after every task queued earlier for {@code key}. */
    <T> CompletableFuture<T> enqueue(Key key, DiskTask<T> task) {
        Key stored = key.toStored();
        CompletableFuture<?> tail = tails.get(stored);
        CompletableFuture<T> next = tail == null
                ? CompletableFuture.supplyAsync(task::runUnchecked, executor)
                : tail.handleAsync((previous, failure) -> task.runUnchecked(), executor);
        tails.put(stored, next);
        next.whenComplete((result, failure) -> tails.remove(stored, next));
        return next;
    }

    /** How many keys are busy. */
    int busyKeys() {
        return tails.size();
    }

    /** An operation that may read the disk. */
    @FunctionalInterface
    interface DiskTask<T> {
        T run() throws DiskTierException;

        private T runUnchecked() {
            try {
                return run();
            } catch (DiskTierException e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        }
    }
}
