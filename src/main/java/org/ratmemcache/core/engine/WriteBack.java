package org.ratmemcache.core.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

import org.ratmemcache.core.Found;
import org.ratmemcache.core.Key;
import org.ratmemcache.core.Item;
import org.ratmemcache.core.disk.DiskTier;
import org.ratmemcache.core.disk.DiskTierException;
import org.ratmemcache.core.disk.DiskWrite;
import org.ratmemcache.core.disk.Prior;
import org.ratmemcache.core.disk.Removals;
import org.ratmemcache.core.memory.MemoryTier;

/**
 * Carries the cache's changes to the disk tier in batches, on one writer thread.
 *
 * <h2>How it works</h2>
 * Every change of a key (a new version, or a delete) is recorded as the key's newest unwritten
 * change and appended to a FIFO queue. The writer takes changes off the queue
 * in order, skips those a newer change of the same key has superseded, writes the rest in one
 * atomic batch, and only then forgets them. So {@link #pending(Key)} answers every change the
 * disk does not have yet: a reader that misses in memory looks here before the disk, and never
 * reads a version older than one already acknowledged.
 *
 * <h2>What a change replaces</h2>
 * The disk keeps exact totals and indexes, so each change must say what it replaces there
 * ({@link Prior}), or the disk reads it first. A change that supersedes an unwritten one follows
 * it: the writer, taking changes in order, knows whether that one was written (then the disk holds
 * it) or skipped (then the disk holds whatever it would have replaced). A change of a key no
 * change waits for replaces what memory held for the key, which the disk holds too: every version
 * in memory came through this queue or was read from the disk. Two rules keep that true when the
 * disk removes records on its own ({@link Removals}: expired, flushed, evicted ones): it removes
 * none whose key has a change waiting (its removal waits in the queue's place meanwhile, so that a
 * change made then follows it), and memory drops the item it removes; a record read from the disk
 * meanwhile is not promoted ({@link #removals}).
 *
 * <h2>Policies</h2>
 * <ul>
 *   <li><b>write-back</b>: a change is acknowledged at once; the writer follows within its lag.</li>
 *   <li><b>write-through</b>: a change's future completes once its batch is in the write-ahead
 *       log. Batches group whatever arrived meanwhile (group commit).</li>
 * </ul>
 *
 * <h2>Bounds</h2>
 * The queue is bounded in changes, bytes and age (lag). Past any bound it reports itself
 * {@link #isFull() full}: the server then stops reading from connections that write, until
 * {@link #whenDrained} tells it the writer has caught up. Nothing is dropped and no thread
 * blocks.
 *
 * <h2>Maintenance</h2>
 * Between batches, at most every {@value #UPKEEP_PERIOD_MILLIS} ms, the writer runs the
 * cache's disk upkeep ({@link DiskUpkeep}: reclaiming expired and flushed records, keeping the disk bound),
 * so that the disk tier keeps a single writer.
 *
 * <h2>Failure</h2>
 * A batch that fails is retried, with a growing pause, until it succeeds or the cache closes;
 * its changes stay pending, so reads keep seeing them.
 *
 * <h2>Deadlines</h2>
 * No client waits on the disk longer than the write timeout, whatever the disk does (fails, fills
 * up, or stalls inside RocksDB): a deadline thread, independent of the writer, completes a
 * write-through change's future exceptionally once it has waited that long (the change stays
 * pending and reaches the disk if the disk comes back; its client was told it failed, not that it
 * was stored), and when the writer has taken nothing from a waiting queue for that long, reports
 * the tier as failing (so that new writes are refused at once) and lets held-back connections go,
 * to be answered.
 */
final class WriteBack implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(WriteBack.class.getName());

    /** Changes written in one batch at most. */
    private static final int BATCH_CHANGES = 4096;
    /** Value bytes written in one batch at most (a single larger change still goes alone). */
    private static final long BATCH_BYTES = 8L << 20;
    /** The first pause after a failed batch; it doubles up to {@link #MAX_RETRY_PAUSE}. */
    private static final Duration FIRST_RETRY_PAUSE = Duration.ofMillis(50);
    private static final Duration MAX_RETRY_PAUSE = Duration.ofSeconds(5);
    /** How often, at most, the writer runs the disk upkeep. */
    static final long UPKEEP_PERIOD_MILLIS = 100;

    /**
     * A key's newest unwritten change: the item to store (a copy on the heap), or {@code null} for a delete.
     * {@code durable} completes once the disk has it (write-through only; else null).
     */
    static final class Change {
        final Key key;
        final Item item;
        final CompletableFuture<Void> durable;
        final long queuedAtNanos;
        /** What the disk holds for the key before this change; taken from {@link #follows} once the writer gets here. */
        private Prior prior;
        /** The unwritten change this one superseded, until {@link #resolve}. */
        private Change follows;
        /** The writer's: the disk has this change. */
        private boolean written;

        Change(Key key, Item item, CompletableFuture<Void> durable, Prior prior) {
            this.key = key;
            this.item = item;
            this.durable = durable;
            this.queuedAtNanos = System.nanoTime();
            this.prior = prior;
        }

        long bytes() {
            return item == null ? key.length() : (long) key.length() + item.storedLength();
        }

        /**
         * What the disk holds for the key before this change; on the writer, once every earlier
         * change of the key has been written or skipped (each was resolved when it was taken).
         */
        Prior resolve() {
            Change before = follows;
            if (before != null) {
                prior = !before.written ? before.prior : before.item == null ? Prior.NONE : Prior.Held.of(before.item);
                follows = null;
            }
            return prior;
        }

        DiskWrite toWrite() {
            return item == null ? DiskWrite.delete(key, prior) : DiskWrite.put(item, prior);
        }
    }

    private final DiskTier disk;
    private final MemoryTier memory;
    private final boolean writeThrough;
    private final long maxChanges;
    private final long maxBytes;
    private final long maxLagNanos;
    private final long idleParkNanos;
    private final ConcurrentHashMap<Key, Change> pending = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Change> queue = new ConcurrentLinkedQueue<>();
    private final AtomicLong pendingBytes = new AtomicLong();
    private final ConcurrentLinkedQueue<Runnable> drainWaiters = new ConcurrentLinkedQueue<>();
    private final Thread writer;
    private final Consumer<Removals> upkeep;
    /** The writer's: the removals agreed in the current round of upkeep, each holding its key's place in {@link #pending}. */
    private final List<Change> removing = new ArrayList<>();
    /** Counts the agreements and ends of the disk's own removals; written by the writer only. */
    private volatile long removals;
    private volatile boolean closing;
    /** The writer is parked waiting for changes; set by the writer only. */
    private volatile boolean writerIdle;
    private volatile Throwable lastFailure;
    private final AtomicLong failedAttempts = new AtomicLong();
    private final long writeTimeoutNanos;
    /** Write-through changes whose clients wait, oldest first; the deadline thread drops the answered ones. */
    private final ConcurrentLinkedQueue<Change> awaited = new ConcurrentLinkedQueue<>();
    private final ScheduledExecutorService deadlines;
    /** When the writer last wrote a batch or found nothing to write. */
    private volatile long lastProgressNanos = System.nanoTime();
    /** Set by the deadline thread while changes wait and the writer has taken none for the timeout. */
    private volatile DiskTierException overdue;

    WriteBack(DiskTier disk, MemoryTier memory, boolean writeThrough, long maxChanges, long maxBytes, Duration maxLag, Duration writeTimeout,
            Consumer<Removals> upkeep) {
        this.disk = disk;
        this.memory = memory;
        this.writeTimeoutNanos = writeTimeout.toNanos();
        this.upkeep = upkeep;
        this.writeThrough = writeThrough;
        this.maxChanges = maxChanges;
        this.maxBytes = maxBytes;
        this.maxLagNanos = maxLag.toNanos();
        // Write-back changes wait for the next wake-up, a tenth of the lag bound at most, so that a
        // busy server does not pay a wake-up per write; write-through changes wake the writer.
        this.idleParkNanos = Math.min(maxLagNanos / 10, TimeUnit.MILLISECONDS.toNanos(UPKEEP_PERIOD_MILLIS));
        this.writer = Thread.ofPlatform().name("ratmemcache-l2-writer").daemon().unstarted(this::run);
        writer.start();
        // a tenth of the timeout between checks, within 10..100 ms: answers come within 1.1 timeouts
        long period = Math.clamp(writeTimeoutNanos / 10, TimeUnit.MILLISECONDS.toNanos(10), TimeUnit.MILLISECONDS.toNanos(100));
        this.deadlines = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("ratmemcache-l2-deadlines").daemon().factory());
        deadlines.scheduleWithFixedDelay(this::enforceDeadlines, period, period, TimeUnit.NANOSECONDS);
    }

    /**
     * The key's unwritten change, lock-free: its new version, {@link Found#ABSENT} for a delete, or
     * {@link Found#ON_DISK} when none waits.
     */
    /** Each change waiting: its key, and its item ({@code null} for a delete); as the map iterates, while changes come and go. */
    void forEachPending(java.util.function.BiConsumer<Key, Item> action) {
        pending.forEach((key, change) -> action.accept(key, change.item));
    }

    Found pending(Key key) {
        Change change = pending.get(key);
        return change == null ? Found.ON_DISK : change.item == null ? Found.ABSENT : change.item;
    }

    /**
     * Queues a new version, a copy on the heap (never a view of memory), which replaces {@code prior}
     * on disk unless a change of the key waits; the future completes once it is durable enough.
     * The caller holds the key's lock.
     */
    CompletableFuture<Void> put(Item item, Prior prior) {
        return record(item.key(), item, prior);
    }

    /** Queues the delete of a key, likewise. */
    CompletableFuture<Void> delete(Key key, Prior prior) {
        return record(key.toStored(), null, prior);
    }

    /** See {@link L2#removals}. */
    long removals() {
        return removals;
    }

    private CompletableFuture<Void> record(Key key, Item item, Prior prior) {
        Change change = new Change(key, item, writeThrough ? new CompletableFuture<>() : null, prior);
        Change replaced = pending.put(key, change);
        change.follows = replaced; // seen by the writer through the queue
        pendingBytes.addAndGet(change.bytes() - (replaced == null ? 0 : replaced.bytes()));
        if (replaced != null && replaced.durable != null) {
            // The superseded change reaches the disk as part of this one.
            change.durable.whenComplete((done, failure) -> complete(replaced.durable, failure));
        }
        queue.offer(change);
        if (writeThrough) {
            awaited.offer(change);
            if (writerIdle) {
                LockSupport.unpark(writer); // write-through waits for the disk: wake the writer at once
            }
        }
        return writeThrough ? change.durable : Completed.NOTHING;
    }

    /** Whether writers should wait: too many changes, bytes or lag are outstanding. */
    boolean isFull() {
        if (pending.size() > maxChanges || pendingBytes.get() > maxBytes) {
            return true;
        }
        Change oldest = queue.peek();
        return oldest != null && System.nanoTime() - oldest.queuedAtNanos > maxLagNanos;
    }

    /** Runs {@code action} (on the writer thread, or now) once the queue is no longer full. */
    void whenDrained(Runnable action) {
        drainWaiters.offer(action);
        if (!isFull()) {
            runDrainWaiters();
        }
    }

    int pendingChanges() {
        return pending.size();
    }

    /** How long the oldest unwritten change has waited, in milliseconds. */
    long lagMillis() {
        Change oldest = queue.peek();
        return oldest == null ? 0 : TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - oldest.queuedAtNanos);
    }

    /** Attempts to write a batch that failed, since the start. */
    long failedAttempts() {
        return failedAttempts.get();
    }

    /**
     * The error of the last failed batch, until a batch succeeds again; else, while the writer has
     * taken no waiting change for the write timeout, that; else null.
     */
    Throwable failure() {
        Throwable failure = lastFailure;
        return failure != null ? failure : overdue;
    }

    /** The deadline thread's check: see "Deadlines" above. */
    private void enforceDeadlines() {
        long now = System.nanoTime();
        boolean stalled = !pending.isEmpty() && now - lastProgressNanos >= writeTimeoutNanos;
        if (stalled && overdue == null) {
            overdue = new DiskTierException("the disk tier has taken no write for "
                    + Duration.ofNanos(writeTimeoutNanos).toMillis() + " ms; " + pending.size() + " changes wait");
            LOG.log(System.Logger.Level.ERROR, overdue.getMessage() + "; writes get SERVER_ERROR until it takes them again");
        } else if (!stalled && overdue != null) {
            overdue = null;
            LOG.log(System.Logger.Level.INFO, "the disk tier takes writes again");
        }
        for (Change change = awaited.peek(); change != null; change = awaited.peek()) {
            if (!change.durable.isDone()) {
                if (now - change.queuedAtNanos < writeTimeoutNanos) {
                    break;
                }
                Throwable cause = failure();
                change.durable.completeExceptionally(new DiskTierException("the disk tier did not take the write within "
                        + Duration.ofNanos(writeTimeoutNanos).toMillis() + " ms" + (cause == null ? "" : ": " + cause.getMessage()),
                        cause));
            }
            awaited.poll();
        }
        if (stalled) {
            runDrainWaiters(); // held-back connections are answered: their writes are refused now
        }
    }

    /** Writes everything pending, then stops the writer. */
    @Override
    public void close() {
        closing = true;
        LockSupport.unpark(writer);
        try {
            writer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        deadlines.shutdownNow();
    }

    private void run() {
        List<Change> batch = new ArrayList<>();
        Duration pause = FIRST_RETRY_PAUSE;
        long nextUpkeep = System.nanoTime();
        while (true) {
            if (System.nanoTime() - nextUpkeep >= 0 && !closing) {
                upkeep.accept(diskRemovals);
                nextUpkeep = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(UPKEEP_PERIOD_MILLIS);
            }
            if (batch.isEmpty()) {
                takeBatch(batch);
            }
            if (batch.isEmpty()) {
                lastProgressNanos = System.nanoTime();
                runDrainWaiters();
                if (closing) {
                    return;
                }
                writerIdle = true;
                if (queue.isEmpty()) {
                    LockSupport.parkNanos(this, idleParkNanos);
                }
                writerIdle = false;
                continue;
            }
            try {
                writeBatch(batch);
                lastProgressNanos = System.nanoTime();
                if (lastFailure != null) {
                    LOG.log(System.Logger.Level.INFO, "the disk tier accepts writes again");
                }
                lastFailure = null;
                pause = FIRST_RETRY_PAUSE;
                batch.clear();
                if (!isFull()) {
                    runDrainWaiters();
                }
            } catch (DiskTierException | RuntimeException e) {
                if (lastFailure == null) {
                    LOG.log(System.Logger.Level.ERROR, "the disk tier fails to write; writes get SERVER_ERROR, reads go on, "
                            + "retrying every " + MAX_RETRY_PAUSE.toSeconds() + " s at most: " + e.getMessage());
                }
                lastFailure = e;
                failedAttempts.incrementAndGet();
                if (closing && pause.compareTo(MAX_RETRY_PAUSE) >= 0) {
                    failAll(batch, e);
                    return;
                }
                LockSupport.parkNanos(this, pause.toNanos());
                pause = pause.multipliedBy(2).compareTo(MAX_RETRY_PAUSE) > 0 ? MAX_RETRY_PAUSE : pause.multipliedBy(2);
                try {
                    disk.recover();
                } catch (DiskTierException stillFailing) {
                    lastFailure = stillFailing;
                }
            }
        }
    }

    /** Takes changes off the queue in order, resolving each; a superseded one is skipped. */
    private void takeBatch(List<Change> batch) {
        long bytes = 0;
        Change change;
        while (batch.size() < BATCH_CHANGES && bytes < BATCH_BYTES && (change = queue.poll()) != null) {
            change.resolve();
            if (pending.get(change.key) == change) {
                batch.add(change);
                bytes += change.bytes();
            }
        }
    }

    /**
     * Writes the batch's changes that are still their keys' newest: one superseded since it was
     * taken is left out (its successor may be in this batch, and a batch holds a key once).
     */
    private void writeBatch(List<Change> batch) throws DiskTierException {
        List<DiskWrite> writes = new ArrayList<>(batch.size());
        List<Change> written = new ArrayList<>(batch.size());
        for (Change change : batch) {
            if (pending.get(change.key) == change) {
                writes.add(change.toWrite());
                written.add(change);
            }
        }
        disk.write(writes);
        for (Change change : written) {
            change.written = true;
            if (pending.remove(change.key, change)) {
                pendingBytes.addAndGet(-change.bytes());
            }
            complete(change.durable, null); // one left out completes with the change that superseded it
        }
    }

    /**
     * The upkeep's removals: each holds its key's place among the pending changes while it is
     * written, so that a change made meanwhile follows it, and memory drops the version removed.
     */
    private final Removals diskRemovals = new Removals() {
        @Override
        public boolean mayRemove(Key key, long version) {
            Change removal = new Change(key.toStored(), null, null, Prior.UNKNOWN);
            if (pending.putIfAbsent(removal.key, removal) != null) {
                return false;
            }
            removals++; // single writer
            pendingBytes.addAndGet(removal.bytes());
            removing.add(removal);
            memory.removeVersion(removal.key, version);
            return true;
        }

        @Override
        public void removed(boolean written) {
            for (Change removal : removing) {
                removal.written = written;
                if (pending.remove(removal.key, removal)) {
                    pendingBytes.addAndGet(-removal.bytes());
                }
            }
            removing.clear();
            removals++;
        }
    };

    private void failAll(List<Change> batch, Throwable failure) {
        for (Change change : batch) {
            complete(change.durable, failure);
        }
        for (Change change : queue) {
            complete(change.durable, failure);
        }
    }

    private void runDrainWaiters() {
        for (Runnable waiter = drainWaiters.poll(); waiter != null; waiter = drainWaiters.poll()) {
            waiter.run();
        }
    }

    private static void complete(CompletableFuture<Void> durable, Throwable failure) {
        if (durable == null) {
            return;
        }
        if (failure == null) {
            durable.complete(null);
        } else {
            durable.completeExceptionally(failure);
        }
    }
}
