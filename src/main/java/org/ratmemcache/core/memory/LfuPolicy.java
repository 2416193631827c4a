package org.ratmemcache.core.memory;

/**
 * LFU with aging, as a CLOCK with a use count: a read counts (up to {@value #MAX_COUNT}); when
 * the item's block is evicted, an item with uses is kept with its count halved, one without goes.
 * An item read n times survives about log2(n) passes unread, so the frequently used outlast the
 * recently used, and old counts fade.
 */
final class LfuPolicy implements EvictionPolicy {

    static final int MAX_COUNT = 255;

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
        return Math.min(MAX_COUNT, bits + 1);
    }

    @Override
    public int victimQueue(long[] queueBytes) {
        return 0;
    }

    @Override
    public int decide(int queue, int bits) {
        return bits > 0 ? EvictionPolicy.keepIn(0, bits >>> 1) : DROP;
    }
}
