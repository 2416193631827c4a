package org.ratmemcache.core.memory;

import java.util.Arrays;

/**
 * The monitors that serialise the changes of a key: one of {@value #STRIPES}, picked by the key's
 * hash. The engine holds a key's stripe while it decides and applies a command; the index's
 * maintainer holds it while it moves the key to a larger table. A stripe is held for a few
 * memory operations, never across I/O; a command on several keys takes their stripes in
 * ascending order ({@link #indexOf}), and nothing else waits for a stripe while holding one.
 */
public final class KeyStripes {

    /** A power of two: 16 KiB of monitors in all. */
    public static final int STRIPES = 1024;

    private final Object[] stripes = new Object[STRIPES];

    public KeyStripes() {
        Arrays.setAll(stripes, i -> new Object());
    }

    /** The stripe of the key whose {@link org.ratmemcache.core.KeyHash} is {@code hash}. */
    public Object of(long hash) {
        return stripes[indexOf(hash)];
    }

    /**
     * The number of the stripe of the key whose hash is {@code hash}: a thread that holds several
     * stripes at once takes them in ascending order, so that two such threads never deadlock.
     */
    public int indexOf(long hash) {
        return (int) (hash ^ (hash >>> 29)) & (STRIPES - 1);
    }

    /** Stripe number {@code index}. */
    public Object at(int index) {
        return stripes[index];
    }
}
