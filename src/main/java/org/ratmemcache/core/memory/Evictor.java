package org.ratmemcache.core.memory;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

import org.ratmemcache.core.Clock;

/**
 * Keeps item memory within its budget, a block at a time, on its own thread
 * ({@code ratmemcache-evictor}), so that no writer waits for it.
 *
 * <h2>When</h2>
 * Writers take free segments; the evictor keeps {@link #reserve} of them ready, and pays back any
 * overdraft. It runs when a writer signals that the free segments ran low, or that it waits for
 * room (a large item), and until the memory holding items, less what waits to be reclaimed, is
 * within the budget less the reserve, and the items within the item bound.
 *
 * <h2>How</h2>
 * It takes the oldest block of the queue the {@link EvictionPolicy} names, once the epoch at which
 * the block was sealed is safe (every writer that took room in it has finished). For each item
 * the index still points at, the policy decides: drop it (the index slot is emptied), or keep it
 * (copied into a block of the queue it names, and the slot moved there: if a writer replaced the
 * item meanwhile, the move fails and the copy is garbage). Dead items (expired, flushed) are
 * dropped and counted as reclaimed. A large block is kept without a copy, back at a queue's tail.
 * The block, now unreachable, is retired: it returns to the free pool once no reader can be in it.
 */
final class Evictor implements AutoCloseable {

    /** What the evictor tells the tier of the items it drops. */
    interface Listener {

        /** Whether the item is dead (expired or flushed): dropped as reclaimed, not evicted. */
        boolean isDead(ItemView item);

        /** Told of each item dropped; {@code dead} says whether it was reclaimed rather than evicted. */
        void dropped(ItemView item, boolean dead);

        /** The bytes of the items the tier holds. */
        long itemBytes();
    }

    private final Blocks blocks;
    private final BlockQueues queues;
    private final Index index;
    private final EvictionPolicy policy;
    private final Epochs epochs;
    private final Clock clock;
    private final Appender keeper;
    /** The writers' appender, whose open segments it seals when nothing else can go. */
    private final Appender appender;
    private final EvictorThread runsOn;
    private final Listener listener;
    private final ItemView view;
    private final long maxEntries;
    private final int reserve;
    private final ReentrantLock running = new ReentrantLock();
    private final AtomicLong retiredBytes = new AtomicLong();
    /** The retired blocks, oldest first; the monitor guards the list. */
    private final Object retired = new Object();
    private volatile Block retiredHead;
    private Block retiredTail;
    private final AtomicLong waitingBytes = new AtomicLong();
    private final long[] queueBytes;
    private final Thread thread;
    private volatile boolean closed;
    private volatile boolean signalled;
    private final AtomicLong kept = new AtomicLong();

    Evictor(Blocks blocks, BlockQueues queues, Index index, EvictionPolicy policy, Epochs epochs, Clock clock, ItemView view,
            Appender appender, Listener listener, long maxEntries, int reserve, EvictorThread runsOn) {
        this.clock = clock;
        this.appender = appender;
        this.runsOn = runsOn;
        this.blocks = blocks;
        this.queues = queues;
        this.index = index;
        this.policy = policy;
        this.epochs = epochs;
        this.view = view;
        this.listener = listener;
        this.maxEntries = maxEntries;
        this.reserve = reserve;
        this.keeper = new Appender(1, blocks, queues, epochs);
        this.queueBytes = new long[queues.count()];
        this.thread = Thread.ofPlatform().name("ratmemcache-evictor").daemon().unstarted(this::run);
    }

    /**
     * Asks the evictor to run soon, from any thread; never waits. On {@link EvictorThread#WRITER}
     * it runs now on the caller's thread, unless another thread is running it; on
     * {@link EvictorThread#CALLER}, only when asked.
     */
    void signal() {
        switch (runsOn) {
            case OWN -> wake();
            case WRITER -> help();
            case CALLER -> { }
        }
    }

    private void wake() {
        signalled = true;
        if (thread.getState() == Thread.State.NEW) {
            synchronized (this) {
                if (thread.getState() == Thread.State.NEW && !closed) {
                    thread.start();
                    return;
                }
            }
        }
        LockSupport.unpark(thread);
    }

    /** Whether free memory, counting what is about to be reclaimed, is below the reserve: a writer then signals. */
    boolean lowOnMemory() {
        return overBudget();
    }

    /** Whether the evictor should run: too little free memory, or too many items, or a writer waiting for room. */
    boolean wanted() {
        return overBudget() || index.entries() > maxEntries || waitingBytes.get() > 0;
    }

    /** Notes that a writer waits for {@code bytes} of room (a large item); it retries after the next run. */
    void waitFor(long bytes) {
        waitingBytes.addAndGet(bytes);
        signal();
    }

    void waited(long bytes) {
        waitingBytes.addAndGet(-bytes);
    }

    /** Items copied on, since the start. */
    long kept() {
        return kept.get();
    }

    /**
     * A writer that found no room at all helps, unless the evictor is running: evicts what may go
     * now, and reclaims what earlier evictions retired (what it retires itself waits for readers,
     * among them the writer). Never waits.
     */
    void help() {
        if (running.tryLock()) {
            try {
                evictWhileWanted();
            } finally {
                running.unlock();
            }
        } else {
            reclaimRetired();
        }
    }

    /** Evicts until within bounds, on the calling thread; what it retires is reclaimed once no reader is left. */
    void evictNow() {
        running.lock();
        try {
            evictWhileWanted();
        } finally {
            running.unlock();
        }
    }

    private void evictWhileWanted() {
        reclaimRetired();
        while (wanted() && (evictOne() || sealedOpenSegments())) {
            reclaimRetired();
        }
    }

    /**
     * When the bounds are passed and no sealed block is left to evict, the open segments are
     * sealed, so that their items can go: in a cache of a few segments, most items are there.
     */
    private boolean sealedOpenSegments() {
        for (int q = 0; q < queues.count(); q++) {
            if (queues.oldest(q) != null) {
                return false; // there is one; it is not safe yet
            }
        }
        return Appender.sealAll(appender, keeper) > 0;
    }

    private void run() {
        int idleRounds = 0;
        while (!closed) {
            signalled = false;
            evictNow();
            if (wanted() || retiredHead != null) {
                // the oldest block is not safe yet, or retired blocks wait for readers, whose
                // batches last microseconds: try again at once a few times, then soon
                if (idleRounds++ < 64) {
                    Thread.yield();
                } else {
                    LockSupport.parkNanos(this, 50_000);
                }
            } else {
                idleRounds = 0;
                if (!signalled) {
                    LockSupport.parkNanos(this, 100_000_000);
                }
            }
        }
    }

    /**
     * Whether too little memory is, or is about to be, free: what the budget still allows, plus
     * the free segments, plus the blocks retired (free once the readers in them move on), falls
     * short of the reserve and what writers wait for. So the evictor stays ahead of the writers,
     * and pays back an overdraft.
     */
    private boolean overBudget() {
        long segment = blocks.segmentBytes();
        long headroom = blocks.maxBytes() - blocks.allocated();
        long coming = (long) blocks.freeSegments() * segment + retiredBytes.get();
        return headroom + coming < (long) reserve * segment + waitingBytes.get();
    }

    /** Evicts the oldest block of the policy's queue; false when there is none that may go yet. */
    private boolean evictOne() {
        policy.held(index.entries(), listener.itemBytes());
        queues.bytes(queueBytes);
        int queue = policy.victimQueue(queueBytes);
        Block block = queues.oldest(queue);
        if (block == null) {
            for (int q = 0; q < queues.count() && block == null; q++) {
                block = queues.oldest(queue = q);
            }
            if (block == null) {
                return false;
            }
        }
        if (!epochs.isSafe(block.sealedEpoch)) {
            return false;
        }
        epochs.enter(); // the index's tables are freed behind readers too
        try {
            if (block.large) {
                evictLarge(block, queue);
            } else {
                evictSegment(block, queue);
            }
        } finally {
            epochs.exit();
        }
        return true;
    }

    /**
     * Evicts the items of a segment, oldest first, from where an earlier pass stopped: each the
     * policy drops goes, each it keeps is copied on. When only the item bound asked for room, the
     * pass stops as soon as the bound is met, and the segment stays at the head of its queue with
     * the rest of its items in place: a bound of a few items evicts item by item, in order. Once
     * every item has been through, the segment is retired.
     */
    private void evictSegment(Block block, int queue) {
        boolean forBytes = overBudget() || waitingBytes.get() > 0;
        long end = block.fill;
        long at = block.evictedTo;
        while (at < end) {
            if (!forBytes && index.entries() <= maxEntries) {
                block.evictedTo = at; // the bound is met: the rest stay where they are, for now
                return;
            }
            long location = Blocks.location(block.id, at);
            view.point(location);
            at += view.size();
            long hash = view.keyHash();
            long slot = index.slotOf(hash, location);
            if (slot == 0) {
                continue; // replaced or deleted since: garbage
            }
            boolean dead = listener.isDead(view);
            int decision = dead ? EvictionPolicy.DROP : policy.decide(queue, Index.policyBits(slot), view.size());
            if (decision == EvictionPolicy.DROP || !keep(hash, location, decision)) {
                drop(hash, location, queue, dead);
            }
        }
        queues.remove(block);
        retire(block);
    }

    private void evictLarge(Block block, int queue) {
        queues.remove(block);
        long location = Blocks.location(block.id, Block.FIRST_ITEM);
        view.point(location);
        long hash = view.keyHash();
        long slot = index.slotOf(hash, location);
        boolean dead = slot != 0 && listener.isDead(view);
        int decision = slot == 0 || dead ? EvictionPolicy.DROP : policy.decide(queue, Index.policyBits(slot), view.size());
        if (decision != EvictionPolicy.DROP && index.move(hash, location, location, EvictionPolicy.keptBits(decision))) {
            block.sealedEpoch = epochs.advance();
            queues.add(EvictionPolicy.keptQueue(decision), block);
            return;
        }
        if (slot != 0) {
            drop(hash, location, queue, dead);
        }
        retire(block);
    }

    private void drop(long hash, long location, int queue, boolean dead) {
        if (index.remove(hash, location)) {
            listener.dropped(view, dead);
            if (!dead) {
                policy.dropped(queue, hash, view.size());
            }
        }
    }

    /**
     * Copies the item (the view) into a block of the queue decided on, with its expiry made
     * relative to that block, and moves its slot there; false when the copy cannot be made (no
     * room even beyond the budget, or a clock that went back past what the expiry can hold).
     * A move that fails because a writer replaced the item meanwhile leaves the copy as garbage.
     */
    private boolean keep(long hash, long location, int decision) {
        long size = view.size();
        long copy = keeper.append(EvictionPolicy.keptQueue(decision), size, clock.millis());
        if (copy == 0) {
            return false;
        }
        MemorySegment to = blocks.memory(copy);
        MemorySegment.copy(view.memory(), Blocks.offsetOf(location), to, Blocks.offsetOf(copy), size);
        if (!ItemFormat.writeExpiry(to, Blocks.offsetOf(copy) + view.fixedOffset(), view.shape(), view.expiresAt(),
                blocks.block(Blocks.blockOf(copy)).baseMillis)) {
            return false;
        }
        if (index.move(hash, location, copy, EvictionPolicy.keptBits(decision))) {
            kept.incrementAndGet();
        }
        return true;
    }

    /** Retires an evicted block: it waits, in a list threaded through the blocks, until no reader can be in it. */
    private void retire(Block block) {
        block.retiredEpoch = epochs.advance();
        retiredBytes.addAndGet(block.size());
        synchronized (retired) {
            if (retiredTail == null) {
                retiredHead = block;
            } else {
                retiredTail.nextRetired = block;
            }
            retiredTail = block;
        }
    }

    /** Frees the retired blocks no reader can be in any more, oldest first; allocates nothing. */
    void reclaimRetired() {
        if (retiredHead == null) {
            return;
        }
        long safe = epochs.safeEpoch();
        while (true) {
            Block block;
            synchronized (retired) {
                block = retiredHead;
                if (block == null || block.retiredEpoch > safe) {
                    return;
                }
                retiredHead = block.nextRetired;
                if (retiredHead == null) {
                    retiredTail = null;
                }
                block.nextRetired = null;
            }
            retiredBytes.addAndGet(-block.size());
            blocks.free(block);
        }
    }

    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(thread);
        if (thread.getState() != Thread.State.NEW) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
