package org.ratmemcache.core.engine;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

import org.ratmemcache.core.Key;
import org.ratmemcache.core.disk.DiskTierException;

/**
 * Runs the commands of one key that must wait for the disk one after another, off the event
 * loop, while commands of other keys run in parallel.
 *
 * <p>A key with a command queued or running is <em>busy</em>. Memory never holds a busy key for
 * long (a command goes to the disk only when memory knows nothing of its key), so every other
 * command on a busy key queues behind it instead of answering from memory: a later command can
 * never overtake an earlier one on the same key. Callers hold the key's stripe lock while they
 * check {@link #isBusy} and {@link #enqueue}, so no command slips between the two.
 */
final class KeySerializer {

    /** The last command queued for each busy key. */
    private final ConcurrentHashMap<Key, CompletableFuture<?>> tails = new ConcurrentHashMap<>();
    private final Executor executor;

    KeySerializer(Executor executor) {
        this.executor = executor;
    }

    /** Whether the key has a command queued or running; lock-free. */
    boolean isBusy(Key key) {
        return tails.containsKey(key);
    }

    /** Runs {@code task} on the disk threads after every task queued earlier for {@code key}, a stored key. */
    <T> CompletableFuture<T> enqueue(Key key, L2.DiskTask<T> task) {
        CompletableFuture<?> tail = tails.get(key);
        CompletableFuture<T> next = tail == null
                ? CompletableFuture.supplyAsync(() -> unchecked(task), executor)
                : tail.handleAsync((previous, failure) -> unchecked(task), executor);
        tails.put(key, next);
        next.whenComplete((result, failure) -> tails.remove(key, next));
        return next;
    }

    /**
     * Runs {@code task} after every task queued earlier for any of {@code keys} (stored, distinct),
     * and before any queued later for one of them: the callers hold all their stripe locks.
     */
    <T> CompletableFuture<T> enqueueAll(List<Key> keys, L2.DiskTask<T> task) {
        CompletableFuture<?>[] earlier = keys.stream().map(tails::get).filter(java.util.Objects::nonNull)
                .toArray(CompletableFuture<?>[]::new);
        CompletableFuture<T> next = CompletableFuture.allOf(earlier).handleAsync((previous, failure) -> unchecked(task), executor);
        for (Key key : keys) {
            tails.put(key, next);
        }
        next.whenComplete((result, failure) -> keys.forEach(key -> tails.remove(key, next)));
        return next;
    }

    static <T> T unchecked(L2.DiskTask<T> task) {
        try {
            return task.run();
        } catch (DiskTierException e) {
            throw new CompletionException(e);
        }
    }
}
