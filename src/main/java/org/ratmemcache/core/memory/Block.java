package org.ratmemcache.core.memory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * One block of item memory off the heap: a segment, into which items are appended one after the
 * other, or a large block holding a single item too big for a segment. Each block has an arena of
 * its own, so that its memory can be given back on its own.
 *
 * <p>A segment goes round: free, open (a lane appends to it), sealed (in the eviction queue, items
 * readable), evicted (its live items dropped or copied on, retired until no reader is left),
 * free again. A large block is open while its value arrives, then sealed, then freed.
 */
final class Block {

    /** Items start past this many bytes, so that no item's location is 0 or the index's marks. */
    static final int FIRST_ITEM = 8;

    final int id;
    final Arena arena;
    final MemorySegment memory;
    final boolean large;

    /** When the block was opened, epoch millis: an item's expiry is stored relative to it. */
    volatile long baseMillis;
    /** The order in which blocks were opened: the older of two open blocks holds the older items. */
    long opened;
    /** Bytes in use: where the next item goes. Written by the lane that owns the open block. */
    int fill = FIRST_ITEM;
    /** The epoch at which the block was sealed: it may be evicted once that epoch is safe. */
    volatile long sealedEpoch;
    /** Where the evictor stopped in this block, when the item bound was met part-way; the evictor's own. */
    long evictedTo = FIRST_ITEM;
    /** Which of the policy's queues holds it, and its neighbours there; guarded by the queue's monitor. */
    int queue = -1;
    Block previous;
    Block next;
    /** The next free segment, while this one is in the free pool; guarded by the pool's monitor. */
    Block nextFree;
    /** While the block is retired: the epoch it waits out, and the next retired block. */
    long retiredEpoch;
    Block nextRetired;

    private Block(int id, Arena arena, MemorySegment memory, boolean large) {
        this.id = id;
        this.arena = arena;
        this.memory = memory;
        this.large = large;
    }

    /** A queue's sentinel: no memory, only links. */
    static Block sentinel() {
        return new Block(-1, null, null, false);
    }

    static Block allocate(int id, long bytes, boolean large) {
        Arena arena = Arena.ofShared();
        try {
            return new Block(id, arena, NativeMemory.allocate(bytes, arena), large);
        } catch (OutOfMemoryError | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    long size() {
        return memory.byteSize();
    }

    /** Room left for items. */
    long room() {
        return size() - fill;
    }

    /** Makes the block open again, empty, from {@code nowMillis}, as the {@code opened}th. */
    void reopen(long nowMillis, long opened) {
        this.opened = opened;
        fill = FIRST_ITEM;
        evictedTo = FIRST_ITEM;
        baseMillis = nowMillis;
        sealedEpoch = 0;
    }

    @Override
    public String toString() {
        return (large ? "large block " : "segment ") + id + " (" + fill + "/" + size() + ")";
    }
}
