package org.ratmemcache.core.engine;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import org.ratmemcache.core.CacheView;
import org.ratmemcache.core.Found;
import org.ratmemcache.core.Item;
import org.ratmemcache.core.Key;
import org.ratmemcache.core.disk.DiskItem;
import org.ratmemcache.core.disk.DiskTier;
import org.ratmemcache.core.disk.DiskTierException;
import org.ratmemcache.core.disk.FlushLimits;

/**
 * What lies below memory, as the engine uses it: the disk tier with its write-back queue, its
 * disk threads and the queue of commands waiting for a disk read ({@link DiskL2}), or nothing at
 * all ({@link #NONE}, a memory-only cache). The engine holds one or the other and never asks which.
 */
interface L2 {

    /** Below a memory-only cache: nothing is ever on disk, every change is complete at once. */
    L2 NONE = new None();

    /**
     * The key's change waiting for the disk: its new version, {@link Found#ABSENT} for a delete,
     * or {@link Found#ON_DISK} when none waits (what the disk holds stands). Lock-free.
     */
    Found pending(Key key);

    /** Without I/O: whether the disk may hold the key, or a command on it waits for the disk. */
    boolean mayHold(Key key);

    /** Without I/O: whether the disk may hold the key (its Bloom filter, its memtables). */
    boolean mayContain(Key key);

    /** Whether a command on the key waits for the disk; later commands on it queue behind. */
    boolean isBusy(Key key);

    /** The key's record, expired or not, or {@code null}; on a disk thread. */
    DiskItem read(Key key) throws DiskTierException;

    /** Runs {@code task} on a disk thread after every task queued earlier for the (stored) key. */
    <T> CompletableFuture<T> enqueue(Key key, DiskTask<T> task);

    /** Runs {@code task} on a disk thread after every task queued earlier for any of the (stored, distinct) keys. */
    <T> CompletableFuture<T> enqueueAll(List<Key> keys, DiskTask<T> task);

    /** Whether every key's newest version is in this tier or waiting for it (an inclusive disk tier); false without a disk. */
    boolean holdsEveryKey();

    /** Each change still waiting for the disk: its key, and its item ({@code null} for a delete). */
    void forEachPending(java.util.function.BiConsumer<Key, Item> action);

    /** The disk tier's {@link DiskTier#scan}; on a disk thread. */
    DiskTier.ScannedKeys scan(int database, long cursor, int count, long nowMillis, FlushLimits flushed) throws DiskTierException;

    /** The disk tier's {@link DiskTier#size}; on a disk thread. */
    org.ratmemcache.core.DatabaseSize size(int database, long nowMillis, FlushLimits flushed, java.util.Set<Key> decidedElsewhere)
            throws DiskTierException;

    /** Runs {@code task} on a disk thread, or at once when there is no disk: for inspections. */
    <T> CompletableFuture<T> inspect(DiskTask<T> task);

    /**
     * Queues a new version for the disk (a copy of it, when it is a view of memory); completes
     * once it is as durable as the policy says. {@code displaced} is the item it replaced in
     * memory, which the disk holds unless a change of the key waits for it (see {@link WriteBack});
     * null when memory held none or the caller does not know. The caller holds the key's lock.
     */
    CompletableFuture<Void> put(Item item, Item displaced);

    /** Queues the delete of a key for the disk, likewise. */
    CompletableFuture<Void> delete(Key key, Item displaced);

    /**
     * Counts the disk's own removals (expired, flushed, evicted records): a record read while
     * this changed may be gone, so it is not promoted into memory.
     */
    long removals();

    /** Why the disk tier fails to write, while it does. */
    Optional<Throwable> writeFailure();

    /** Whether an item that cannot live in memory still has a place here. */
    boolean keepsItemsMemoryCannot();

    /** Whether a change is acknowledged only once it is on disk. */
    boolean writesThrough();

    /** How many databases the tier keeps keys of: {@link org.ratmemcache.core.disk.DiskTier#databases}. */
    default int databases() {
        return org.ratmemcache.core.Key.MAX_DATABASE + 1;
    }

    /** Whether the changes waiting for the disk have reached their bound. */
    boolean backedUp();

    /** Runs {@code action} once the waiting changes are under their bound again: now, or on the writer thread. */
    void whenDrained(Runnable action);

    /** The first {@code max} keys after {@code after} that start with {@code prefix}, in byte order; on a disk thread. */
    List<Key> keysAfter(byte[] prefix, Key after, int max) throws DiskTierException;

    /** Asks the disk upkeep to reclaim expired and flushed records soon, as after a flush. */
    void reclaimSoon();

    /** The tier's figures for operations, when there is a tier. */
    Optional<CacheView.DiskFigures> figures();

    /** Writes every waiting change and stops the disk threads; the tier stays open. */
    void drain();

    /** Closes the tier; call {@link #drain} first. */
    void close();

    /** A step of a command that may read the disk. */
    @FunctionalInterface
    interface DiskTask<T> {
        T run() throws DiskTierException;
    }

    /** {@link #NONE}. */
    final class None implements L2 {

        private None() {
        }

        @Override
        public Found pending(Key key) {
            return Found.ON_DISK;
        }

        @Override
        public boolean mayHold(Key key) {
            return false;
        }

        @Override
        public boolean mayContain(Key key) {
            return false;
        }

        @Override
        public boolean isBusy(Key key) {
            return false;
        }

        @Override
        public DiskItem read(Key key) {
            return null;
        }

        @Override
        public <T> CompletableFuture<T> enqueue(Key key, DiskTask<T> task) {
            throw new IllegalStateException("a memory-only cache never waits for a disk");
        }

        @Override
        public <T> CompletableFuture<T> enqueueAll(List<Key> keys, DiskTask<T> task) {
            throw new IllegalStateException("a memory-only cache never waits for a disk");
        }

        @Override
        public boolean holdsEveryKey() {
            return false;
        }

        @Override
        public void forEachPending(java.util.function.BiConsumer<Key, Item> action) {
        }

        @Override
        public DiskTier.ScannedKeys scan(int database, long cursor, int count, long nowMillis, FlushLimits flushed) {
            return new DiskTier.ScannedKeys(List.of(), false);
        }

        @Override
        public org.ratmemcache.core.DatabaseSize size(int database, long nowMillis, FlushLimits flushed, java.util.Set<Key> decidedElsewhere) {
            return org.ratmemcache.core.DatabaseSize.EMPTY;
        }

        @Override
        public <T> CompletableFuture<T> inspect(DiskTask<T> task) {
            try {
                return CompletableFuture.completedFuture(task.run());
            } catch (DiskTierException e) {
                return CompletableFuture.failedFuture(e);
            }
        }

        @Override
        public long removals() {
            return 0;
        }

        @Override
        public CompletableFuture<Void> put(Item item, Item displaced) {
            return Completed.NOTHING;
        }

        @Override
        public CompletableFuture<Void> delete(Key key, Item displaced) {
            return Completed.NOTHING;
        }

        @Override
        public Optional<Throwable> writeFailure() {
            return Optional.empty();
        }

        @Override
        public boolean keepsItemsMemoryCannot() {
            return false;
        }

        @Override
        public boolean writesThrough() {
            return false;
        }

        @Override
        public boolean backedUp() {
            return false;
        }

        @Override
        public void whenDrained(Runnable action) {
            action.run();
        }

        @Override
        public List<Key> keysAfter(byte[] prefix, Key after, int max) {
            return List.of();
        }

        @Override
        public void reclaimSoon() {
        }

        @Override
        public Optional<CacheView.DiskFigures> figures() {
            return Optional.empty();
        }

        @Override
        public void drain() {
        }

        @Override
        public void close() {
        }
    }
}
