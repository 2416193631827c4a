package org.ratmemcache.core.memory;

/**
 * S3-FIFO (Yang et al., SOSP '23), on blocks: a small queue that new items join, a main queue,
 * and ghosts of the items the small queue dropped; made aware of sizes.
 * <ul>
 *   <li>A read counts, up to {@value #MAX_COUNT}.</li>
 *   <li>The small queue is evicted while it holds more than {@value #SMALL_SHARE_PERCENT} % of the
 *       items' bytes, else the main one.</li>
 *   <li>From the small queue, an item read since it arrived moves to the main queue; one never
 *       read goes, and leaves a ghost, so that it joins the main queue directly if it comes back
 *       soon. One-hit wonders thus pass through the small queue only.</li>
 *   <li>From the main queue, an item with uses is kept with one use less; one without goes.</li>
 * </ul>
 *
 * <p>Sizes: S3-FIFO counts items, and a cache's hit ratio counts them too, but the room an item
 * takes is its bytes: a 100 KB value in the main queue holds the place of a thousand small ones.
 * So an item at least twice the mean size must be read more often in the small queue to move on
 * ({@link #readsToMoveOn}): twice up to four times the mean, three times beyond; and only an item
 * that needs a single read leaves a ghost, since a ghost would let a large one skip that test.
 * Values of 100 B to 100 KB (BENCHMARKS.md, "Hit ratio", {@code sizes}) gained 5–8 points with
 * this, where plain S3-FIFO trailed W-TinyLFU by 2–3; items of one size never meet it.
 */
final class S3FifoPolicy implements EvictionPolicy {

    static final int SMALL = 0;
    static final int MAIN = 1;
    static final int MAX_COUNT = 3;
    static final int SMALL_SHARE_PERCENT = 10;

    private final Ghosts ghosts = new Ghosts();
    /** The mean size of the items held, as of the last block evicted. */
    private long meanSize = Long.MAX_VALUE;

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
    public int decide(int queue, int bits, long size) {
        if (queue == SMALL) {
            return bits >= readsToMoveOn(size) ? EvictionPolicy.keepIn(MAIN, 0) : DROP;
        }
        return bits > 0 ? EvictionPolicy.keepIn(MAIN, bits - 1) : DROP;
    }

    /** One read, and one more for each doubling of the size past the mean, up to {@value #MAX_COUNT}. */
    int readsToMoveOn(long size) {
        long times = size / meanSize;
        return times < 2 ? 1 : Math.min(MAX_COUNT, 64 - Long.numberOfLeadingZeros(times));
    }

    @Override
    public void dropped(int queue, long hash, long size) {
        if (queue == SMALL && readsToMoveOn(size) == 1) {
            ghosts.add(hash);
        }
    }

    @Override
    public void held(long items, long bytes) {
        ghosts.size(items);
        meanSize = items == 0 ? Long.MAX_VALUE : Math.max(1, bytes / items);
    }
}
