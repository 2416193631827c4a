package org.ratmemcache.core.memory;

/**
 * How often keys were used lately, approximately, in little memory: a count-min sketch of 4-bit
 * counters, as TinyLFU (Einziger, Friedman and Manes, 2017) keeps it. Each key has four counters,
 * in four 64-bit words picked by four hashes; its frequency is the smallest of them, so that
 * collisions only ever overestimate. Counters stop at 15, and once the increments since the last
 * reset reach ten per counter word, every counter is halved: what was popular long ago fades.
 *
 * <p>The table grows with the entries the cache holds ({@link #ensureCapacity}), starting over
 * when it does; otherwise nothing is allocated. Not thread-safe: the caller holds the eviction
 * lock.
 */
final class FrequencySketch {

    private static final long[] SEEDS = {
        0xc3a5c85c97cb3127L, 0xb492b66fbe98f273L, 0x9ae16a3b2f90404fL, 0xcbf29ce484222325L};
    private static final long ONE_MASK = 0x1111_1111_1111_1111L;
    private static final long RESET_MASK = 0x7777_7777_7777_7777L;
    private static final int MAX_WORDS = 1 << 26;

    private long[] table = new long[16];
    private int sampleSize = 10 * table.length;
    private int additions;

    /** Sizes the table for about {@code entries} keys (a power of two words, one per key). */
    void ensureCapacity(long entries) {
        int wanted = (int) Math.min(MAX_WORDS, Math.max(16, Long.highestOneBit(Math.max(1, entries - 1)) << 1));
        if (wanted > table.length) {
            table = new long[wanted];
            sampleSize = 10 * wanted;
            additions = 0;
        }
    }

    /** The key's estimated uses lately, 0 to 15. */
    int frequency(int keyHash) {
        long hash = spread(keyHash);
        int min = 15;
        for (int i = 0; i < 4; i++) {
            long h = (hash + SEEDS[i]) * SEEDS[i];
            int word = (int) (h >>> 32) & (table.length - 1);
            int shift = (int) ((h >>> 28) & 15) << 2;
            min = Math.min(min, (int) ((table[word] >>> shift) & 15));
        }
        return min;
    }

    /** Counts one use of the key; halves every counter once enough uses have been counted. */
    void increment(int keyHash) {
        long hash = spread(keyHash);
        boolean added = false;
        for (int i = 0; i < 4; i++) {
            long h = (hash + SEEDS[i]) * SEEDS[i];
            int word = (int) (h >>> 32) & (table.length - 1);
            int shift = (int) ((h >>> 28) & 15) << 2;
            if (((table[word] >>> shift) & 15) != 15) {
                table[word] += 1L << shift;
                added = true;
            }
        }
        if (added && ++additions >= sampleSize) {
            reset();
        }
    }

    /** Uses counted between two halvings; also the hill climber's sample. */
    int sampleSize() {
        return sampleSize;
    }

    private void reset() {
        int odd = 0;
        for (int i = 0; i < table.length; i++) {
            odd += Long.bitCount(table[i] & ONE_MASK);
            table[i] = (table[i] >>> 1) & RESET_MASK;
        }
        additions = (additions - (odd >>> 2)) >>> 1;
    }

    private static long spread(int keyHash) {
        long h = keyHash * 0x9E37_79B9_7F4A_7C15L;
        return h ^ (h >>> 31);
    }
}
