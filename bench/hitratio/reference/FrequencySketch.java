package hitratio.reference;

/**
 * How often keys were used lately, approximately, in little memory: a count-min sketch of 4-bit
 * counters, as TinyLFU (Einziger, Friedman and Manes, 2017) keeps it. Each key has four counters,
 * in four 64-bit words of one 64-byte block (as Caffeine's sketch keeps them, so that counting a
 * use is one memory access, not four), picked by the key's hash; its frequency is the smallest of them, so that
 * collisions only ever overestimate. Counters stop at 15, and once the increments since the last
 * reset reach ten per key held, every counter is halved: what was popular long ago fades.
 *
 * <p>The table grows with the entries the cache holds ({@link #ensureCapacity}), starting over
 * when it does; otherwise nothing is allocated. Not thread-safe: the caller holds the eviction
 * lock.
 */
final class FrequencySketch {

    private static final long ONE_MASK = 0x1111_1111_1111_1111L;
    private static final long RESET_MASK = 0x7777_7777_7777_7777L;
    private static final int MAX_WORDS = 1 << 26;

    private long[] table = new long[16];
    private int sampleSize = 10 * 16;
    private int additions;

    /**
     * Sizes the sketch for the {@code entries} keys the cache holds, as Caffeine sizes its own:
     * when they outgrow the table, a table of the next power of two words (one per key at least)
     * and a sample of ten uses per key held at that moment between two halvings. It only grows.
     */
    void ensureCapacity(long entries) {
        if (entries <= table.length || table.length >= MAX_WORDS) {
            return;
        }
        int keys = (int) Math.min(MAX_WORDS, entries);
        table = new long[(int) Math.min(MAX_WORDS, Integer.highestOneBit(keys - 1) << 1)];
        sampleSize = 10 * keys;
        additions = 0;
    }

    /** The key's estimated uses lately, 0 to 15. */
    int frequency(int keyHash) {
        long hash = spread(keyHash);
        int block = block(hash);
        int min = 15;
        for (int i = 0; i < 4; i++) {
            min = Math.min(min, (int) ((table[word(block, hash, i)] >>> shift(hash, i)) & 15));
        }
        return min;
    }

    /** Counts one use of the key; halves every counter once enough uses have been counted. */
    void increment(int keyHash) {
        long hash = spread(keyHash);
        int block = block(hash);
        boolean added = false;
        for (int i = 0; i < 4; i++) {
            int word = word(block, hash, i);
            int shift = shift(hash, i);
            if (((table[word] >>> shift) & 15) != 15) {
                table[word] += 1L << shift;
                added = true;
            }
        }
        if (added && ++additions >= sampleSize) {
            reset();
        }
    }

    /** A key's four counters lie in one block of eight words (64 bytes): one or two cache lines per use. */
    private int block(long hash) {
        return (int) (hash >>> 32) & (table.length - 1) & ~7;
    }

    /** Counter {@code i} lies in word pair {@code i} of the block. */
    private static int word(int block, long hash, int i) {
        return block + (i << 1) + (int) ((hash >>> (i << 3)) & 1);
    }

    private static int shift(long hash, int i) {
        return (int) ((hash >>> ((i << 3) + 1)) & 15) << 2;
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
        h ^= h >>> 29;
        h *= 0xBF58_476D_1CE4_E5B9L;
        return h ^ (h >>> 32);
    }
}
