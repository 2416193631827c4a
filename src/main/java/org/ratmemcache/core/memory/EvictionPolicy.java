package org.ratmemcache.core.memory;

/**
 * An eviction policy, in the form that suits blocks of items: items wait in FIFO queues of
 * blocks; the evictor takes the oldest block of the queue the policy names, and for each live
 * item in it the policy decides, from the 8 bits it keeps in the item's index slot, whether the
 * item is dropped or kept (copied on into a block at the tail of a queue). Reads only change
 * those bits, in the index, without a lock.
 *
 * <p>So LRU becomes CLOCK (an item read since it last passed the head is kept once more), LFU a
 * probation queue in front of a CLOCK whose use counts fall by one at every pass, and the hybrid
 * S3-FIFO (SOSP '23): a small
 * queue for new items, from which only those read again move on to the main one, whose items
 * are kept while they are read. The order of evictions is thus close to the textbook one, not
 * the same: BENCHMARKS.md measures how close.
 */
interface EvictionPolicy {

    /** The decision to drop an item. */
    int DROP = -1;

    /** How many queues of blocks the policy keeps. */
    int queues();

    /** The queue a new item (a key's new version) joins. */
    int queueOfNew(long hash);

    /** The policy bits of a new item in that queue. */
    default int bitsOfNew() {
        return 0;
    }

    /** The policy bits after a read of an item whose bits are {@code bits}; the same value to write nothing. */
    int onRead(int bits);

    /** The queue whose oldest block goes next, given the bytes each queue holds. */
    int victimQueue(long[] queueBytes);

    /**
     * What becomes of a live item of {@code size} bytes in an evicted block of {@code queue} with
     * policy bits {@code bits}: {@link #DROP}, or {@code keepIn(queue, bits)}.
     */
    int decide(int queue, int bits, long size);

    /** Told of each live item of {@code size} bytes dropped from {@code queue}. */
    default void dropped(int queue, long hash, long size) {
    }

    /** Told how many items the tier holds and their bytes, before each block it evicts. */
    default void held(long items, long bytes) {
    }

    /** A decision to keep an item: in {@code queue}, with {@code bits}. */
    static int keepIn(int queue, int bits) {
        return queue << 8 | bits & 0xff;
    }

    static int keptQueue(int decision) {
        return decision >>> 8;
    }

    static int keptBits(int decision) {
        return decision & 0xff;
    }

    /** The policy of each configuration name. */
    static EvictionPolicy of(Eviction eviction) {
        return switch (eviction) {
            case FIFO -> new FifoPolicy();
            case LRU -> new ClockPolicy();
            case LFU -> new LfuPolicy();
            case HYBRID -> new S3FifoPolicy();
        };
    }
}
