package org.ratmemcache.core.memory;

/**
 * LFU with aging, on blocks: a read counts (up to {@value #MAX_COUNT}), and counts decide who
 * stays. New items wait in a probation queue that holds {@value #PROBATION_SHARE_PERCENT} % of
 * the items' bytes; one read there moves to the main queue with its count, one never read goes.
 * In the main queue each pass of the evictor costs an item one use, and an item without uses
 * goes: an item read n times survives n passes unread, so the frequently used outlast the
 * recently used, and old counts fade.
 *
 * <p>Without probation every new item would take a full pass through the cache before it could
 * go; on Zipf traces that cost eight points of hit ratio against the textbook LFU. A quarter of
 * the bytes, rather than S3-FIFO's tenth, lets a hot set that moves reach the main queue soon
 * enough: at a tenth, {@code shift} trailed the textbook LFU by two points, at a quarter it leads
 * it, and the Zipf traces stay within a point (BENCHMARKS.md, "Hit ratio"). Unlike the hybrid
 * policy, LFU keeps no ghosts and counts far: a key that comes back starts over in probation, and
 * a hot key's count carries it through long quiet spells.
 */
final class LfuPolicy implements EvictionPolicy {

    static final int PROBATION = 0;
    static final int MAIN = 1;
    static final int MAX_COUNT = 255;
    static final int PROBATION_SHARE_PERCENT = 25;

    @Override
    public int queues() {
        return 2;
    }

    @Override
    public int queueOfNew(long hash) {
        return PROBATION;
    }

    @Override
    public int onRead(int bits) {
        return Math.min(MAX_COUNT, bits + 1);
    }

    @Override
    public int victimQueue(long[] queueBytes) {
        long total = queueBytes[PROBATION] + queueBytes[MAIN];
        return queueBytes[PROBATION] * 100 > total * PROBATION_SHARE_PERCENT || queueBytes[MAIN] == 0
                ? PROBATION
                : MAIN;
    }

    @Override
    public int decide(int queue, int bits, long size) {
        if (bits == 0) {
            return DROP;
        }
        return EvictionPolicy.keepIn(MAIN, queue == PROBATION ? bits : bits - 1);
    }
}
