package org.ratmemcache.core.memory;

import java.util.concurrent.locks.ReentrantLock;

/**
 * Finds room for new items: appends them to open segments, one per lane, so that writers on
 * different threads seldom meet. A thread takes the lane its id points to, or the next free one;
 * a lane's lock is held for a bump of its segment's fill, or, once in a segment's life, to seal
 * it (into the eviction queue, at an epoch: once that epoch is safe, every writer that took room
 * in it has finished writing) and open the next.
 *
 * <p>Each of the policy's queues has its own lanes, since a block belongs to one queue.
 */
final class Appender {

    /** A lane: an open segment and the lock of whoever appends to it. */
    private static final class Lane {
        final ReentrantLock lock = new ReentrantLock();
        final Appender owner;
        final int queue;
        Block open;

        Lane(Appender owner, int queue) {
            this.owner = owner;
            this.queue = queue;
        }
    }

    private final Lane[][] lanes;
    private final Blocks blocks;
    private final BlockQueues queues;
    private final Epochs epochs;

    Appender(int lanesPerQueue, Blocks blocks, BlockQueues queues, Epochs epochs) {
        this.blocks = blocks;
        this.queues = queues;
        this.epochs = epochs;
        this.lanes = new Lane[queues.count()][lanesPerQueue];
        for (int q = 0; q < lanes.length; q++) {
            for (int i = 0; i < lanesPerQueue; i++) {
                lanes[q][i] = new Lane(this, q);
            }
        }
    }

    /**
     * Room for an item of {@code bytes} (at most a segment's room) in an open segment of
     * {@code queue}: its location, or 0 when no segment can be had, not even beyond the budget.
     */
    long append(int queue, long bytes, long nowMillis) {
        Lane[] ofQueue = lanes[queue];
        int start = (int) (Thread.currentThread().threadId() % ofQueue.length);
        Lane lane = null;
        for (int i = 0; i < ofQueue.length && lane == null; i++) {
            Lane candidate = ofQueue[(start + i) % ofQueue.length];
            if (candidate.lock.tryLock()) {
                lane = candidate;
            }
        }
        if (lane == null) {
            lane = ofQueue[start];
            lane.lock.lock(); // every lane busy: each is held for a few instructions
        }
        try {
            Block open = lane.open;
            if (open == null || open.room() < bytes || !ItemFormat.baseHolds(open.baseMillis, nowMillis)) {
                if (open != null) {
                    seal(lane);
                }
                open = blocks.takeSegment(nowMillis, true);
                if (open == null) {
                    return 0;
                }
                lane.open = open;
            }
            long at = open.fill;
            open.fill += (int) bytes;
            return Blocks.location(open.id, at);
        } finally {
            lane.lock.unlock();
        }
    }

    /**
     * Gives back the room of an item of {@code bytes} at {@code location} that was never
     * published, if it is still the last one appended to a segment still open; returns whether
     * it did. No reader can have seen it, and the evictor walks only sealed segments.
     */
    boolean takeBack(long location, long bytes) {
        int id = Blocks.blockOf(location);
        long end = Blocks.offsetOf(location) + bytes;
        for (Lane[] ofQueue : lanes) {
            for (Lane lane : ofQueue) {
                Block open = lane.open; // read without the lock: checked again under it
                if (open != null && open.id == id) {
                    lane.lock.lock();
                    try {
                        if (lane.open != open || open.fill != end) {
                            return false;
                        }
                        open.fill = (int) Blocks.offsetOf(location);
                        return true;
                    } finally {
                        lane.lock.unlock();
                    }
                }
            }
        }
        return false;
    }

    /**
     * Seals every lane's open segment (empty ones back to the pool): for a sweep that must see
     * every item, and for an evictor that has nothing else left; returns how many it sealed.
     */
    int sealAll() {
        return sealAll(this);
    }

    /** {@link #sealAll} of several appenders at once, their open segments sealed oldest first, so that the queues stay in the order of the items' age. */
    static int sealAll(Appender... appenders) {
        java.util.List<Lane> open = new java.util.ArrayList<>();
        for (Appender appender : appenders) {
            for (Lane[] ofQueue : appender.lanes) {
                for (Lane lane : ofQueue) {
                    Block block = lane.open;
                    if (block != null && block.fill > Block.FIRST_ITEM) {
                        open.add(lane);
                    }
                }
            }
        }
        open.sort(java.util.Comparator.comparingLong(lane -> lane.open == null ? Long.MAX_VALUE : lane.open.opened));
        int sealed = 0;
        for (Lane lane : open) {
            lane.lock.lock();
            try {
                if (lane.open != null && lane.open.fill > Block.FIRST_ITEM) {
                    lane.owner.seal(lane);
                    sealed++;
                }
            } finally {
                lane.lock.unlock();
            }
        }
        return sealed;
    }

    /** The bytes in open segments, not yet in any queue. */
    long openBytes() {
        long open = 0;
        for (Lane[] ofQueue : lanes) {
            for (Lane lane : ofQueue) {
                Block block = lane.open;
                open += block == null ? 0 : block.fill;
            }
        }
        return open;
    }

    private void seal(Lane lane) {
        Block full = lane.open;
        lane.open = null;
        if (full.fill == Block.FIRST_ITEM) {
            blocks.free(full);
            return;
        }
        full.sealedEpoch = epochs.advance();
        queues.add(lane.queue, full);
    }
}
