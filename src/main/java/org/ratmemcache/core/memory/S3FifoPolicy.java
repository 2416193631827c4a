package org.ratmemcache.core.memory;

/**
 * S3-FIFO (Yang et al., SOSP '23), on blocks: a small queue that new items join, a main queue,
 * and ghosts of the items the small queue dropped.
 * <ul>
 *   <li>A read counts, up to {@value #MAX_COUNT}.</li>
 *   <li>The small queue is evicted while it holds more than {@value #SMALL_SHARE_PERCENT} % of the
 *       items' bytes, else the main one.</li>
 *   <li>From the small queue, an item read since it arrived moves to the main queue; one never
 *       read goes, and leaves a ghost, so that it joins the main queue directly if it comes back
 *       soon. One-hit wonders thus pass through the small queue only.</li>
 *   <li>From the main queue, an item with uses is kept with one use less; one without goes.</li>
 * </ul>
 */
final class S3FifoPolicy implements EvictionPolicy {

    static final int SMALL = 0;
    static final int MAIN = 1;
    static final int MAX_COUNT = 3;
    static final int SMALL_SHARE_PERCENT = 10;

    private final Ghosts ghosts = new Ghosts();

    @Override
    public int queues() {
        return 2;
    }

    @Override
    public int queueOfNew(long hash) {
        return ghosts.contains(hash) ? MAIN : SMALL;
    }

    @Override
    public int onRead(int bits) {
        return Math.min(MAX_COUNT, bits + 1);
    }

    @Override
    public int victimQueue(long[] queueBytes) {
        long total = queueBytes[SMALL] + queueBytes[MAIN];
        return queueBytes[SMALL] * 100 > total * SMALL_SHARE_PERCENT || queueBytes[MAIN] == 0 ? SMALL : MAIN;
    }

    @Override
    public int decide(int queue, int bits) {
        if (queue == SMALL) {
            return bits > 0 ? EvictionPolicy.keepIn(MAIN, 0) : DROP;
        }
        return bits > 0 ? EvictionPolicy.keepIn(MAIN, bits - 1) : DROP;
    }

    @Override
    public void dropped(int queue, long hash) {
        if (queue == SMALL) {
            ghosts.add(hash);
        }
    }

    @Override
    public void itemCount(long items) {
        ghosts.size(items);
    }
}
