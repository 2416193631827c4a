package org.ratmemcache.core.memory;

import java.lang.foreign.MemorySegment;

/**
 * Room for one new item, taken before its value is read: the set path reads the value from the
 * connection straight into {@link #memory} at {@link #valueOffset}, then the engine publishes the
 * item or discards it. A connection keeps one and reuses it, so a set allocates nothing.
 *
 * <p>An item that fits a segment is reserved once its whole value has arrived, and published in
 * the same batch, inside the same epoch. A large one (beyond a quarter of a segment) gets a block
 * of its own when its command line arrives, and the value fills it over as many reads as it
 * takes; the block joins the eviction queue only when the item is published.
 */
public final class Reservation {

    long location;
    Block large;
    MemorySegment memory;
    long valueOffset;
    int length;
    /** The whole item's size, header and key included. */
    long size;
    /** The item's shape: which optional fields its header has room for. */
    int shape;

    /** Whether this holds room not yet published or discarded. */
    public boolean isHeld() {
        return memory != null;
    }

    /** The memory the value goes into. */
    public MemorySegment memory() {
        return memory;
    }

    /** Where in {@link #memory} the value's first byte goes. */
    public long valueOffset() {
        return valueOffset;
    }

    /** The value's length. */
    public int length() {
        return length;
    }

    void clear() {
        location = 0;
        large = null;
        memory = null;
    }
}
