package org.ratmemcache.core.memory;

/**
 * LRU as CLOCK: a read sets the item's access bit (once: a hot item writes nothing more); when
 * the item's block is evicted, an item with the bit set is kept with it cleared, one without it
 * goes. An item survives as long as it is read once per pass of the queue.
 */
final class ClockPolicy implements EvictionPolicy {

    private static final int ACCESSED = 1;

    @Override
    public int queues() {
        return 1;
    }

    @Override
    public int queueOfNew(long hash) {
        return 0;
    }

    @Override
    public int onRead(int bits) {
        return bits | ACCESSED;
    }

    @Override
    public int victimQueue(long[] queueBytes) {
        return 0;
    }

    @Override
    public int decide(int queue, int bits, long size) {
        return (bits & ACCESSED) != 0 ? EvictionPolicy.keepIn(0, 0) : DROP;
    }
}
