package org.ratmemcache.core;

import java.util.List;

/**
 * A page of Redis's SCAN over one database: some of its live keys, and the cursor that goes on
 * after them (0 once the whole database has been covered).
 *
 * <p>A scan walks the keys in the order of their <em>position</em>, a function of the key's
 * 64-bit hash ({@link #position}), and each cursor is the position of the last key of its page.
 * A key keeps its position whatever the tiers do with it (evicting it from memory, writing it to
 * disk, compacting the disk), so a scan returns every key present from its start to its end
 * exactly once, and never one twice unless it was deleted and stored again meanwhile.
 *
 * @param keys   stored keys, in position order
 * @param cursor where the next page starts; 0 at the end
 */
public record KeyScan(List<Key> keys, long cursor) {

    /** A key's place in a scan: its hash, but never 0 (a cursor of 0 means the start, and the end). */
    public static long position(Key key) {
        return position(key.hash64());
    }

    /** {@link #position(Key)} of a key whose hash is {@code hash64}. */
    public static long position(long hash64) {
        return hash64 == 0 ? 1 : hash64;
    }

    /** Whether position {@code position} lies after cursor {@code cursor}, both unsigned. */
    public static boolean after(long position, long cursor) {
        return Long.compareUnsigned(position, cursor) > 0;
    }
}
