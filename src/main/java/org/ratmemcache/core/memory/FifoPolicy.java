package org.ratmemcache.core.memory;

/** First in, first out: every item of the oldest block goes, and reads write nothing. */
final class FifoPolicy implements EvictionPolicy {

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
        return bits;
    }

    @Override
    public int victimQueue(long[] queueBytes) {
        return 0;
    }

    @Override
    public int decide(int queue, int bits, long size) {
        return DROP;
    }
}
