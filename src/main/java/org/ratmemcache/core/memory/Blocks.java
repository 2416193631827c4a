package org.ratmemcache.core.memory;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Item memory: the blocks, by id, and the byte budget they share, memcached's {@code -m}.
 *
 * <h2>The budget</h2>
 * Every block counts its whole size against the budget from the moment it is allocated to the
 * moment its memory is given back, whether it holds items or waits in the pool of free segments:
 * the budget is what the process's item memory takes, as memcached counts its slab pages.
 * Segments are allocated as they are first needed (an idle cache takes little memory) and then
 * reused; they are given back only to make room for a large block, or after the budget shrank.
 * A writer that finds no free segment may take one beyond the budget (an overdraft of at most
 * {@link #overdraftLimit} bytes) rather than wait for the evictor, which pays it back.
 *
 * <h2>Locations</h2>
 * An item's location is its block's id and its offset there in 44 bits: 24 for the block, 20 for
 * the offset (a segment holds at most {@value #MAX_SEGMENT_BYTES} bytes; a large block's one item
 * is at {@link Block#FIRST_ITEM}).
 */
final class Blocks implements AutoCloseable {

    static final int OFFSET_BITS = 20;
    static final int MAX_SEGMENT_BYTES = 1 << OFFSET_BITS;
    static final int MAX_BLOCKS = 1 << 24;
    static final int MIN_SEGMENT_BYTES = 1 << 10;

    private final int segmentBytes;
    private final long overdraftLimit;
    private volatile long maxBytes;
    private final AtomicLong allocated = new AtomicLong();
    private final AtomicLong largeBytes = new AtomicLong();
    private volatile Block[] table = new Block[64];
    private final AtomicInteger nextId = new AtomicInteger();
    private final ConcurrentLinkedQueue<Integer> freeIds = new ConcurrentLinkedQueue<>();
    /** The free segments: a stack threaded through them ({@link Block#nextFree}), guarded by its monitor. */
    private final Object freePool = new Object();
    private Block freeTop;
    private volatile int freeSegmentCount;
    private final AtomicLong opened = new AtomicLong();

    /**
     * @param maxBytes     the budget
     * @param segmentBytes the size of a segment, a power of two up to {@value #MAX_SEGMENT_BYTES}
     * @param overdraft    how many segments writers may take beyond the budget
     */
    Blocks(long maxBytes, int segmentBytes, int overdraft) {
        if (Integer.bitCount(segmentBytes) != 1 || segmentBytes > MAX_SEGMENT_BYTES || segmentBytes < MIN_SEGMENT_BYTES) {
            throw new IllegalArgumentException("a segment is a power of two of 1 KiB to 1 MiB: " + segmentBytes);
        }
        this.maxBytes = maxBytes;
        this.segmentBytes = segmentBytes;
        this.overdraftLimit = (long) overdraft * segmentBytes;
    }

    /** The segment size for a budget: a 256th of it, within 1 KiB and 1 MiB. */
    static int segmentBytesFor(long maxBytes) {
        long wanted = Long.highestOneBit(Math.max(1, maxBytes / 256));
        return (int) Math.max(MIN_SEGMENT_BYTES, Math.min(MAX_SEGMENT_BYTES, wanted));
    }

    static long location(int block, long offset) {
        return (long) block << OFFSET_BITS | offset;
    }

    static int blockOf(long location) {
        return (int) (location >>> OFFSET_BITS);
    }

    static long offsetOf(long location) {
        return location & (MAX_SEGMENT_BYTES - 1);
    }

    /** The block with this id; lock-free. */
    Block block(int id) {
        return table[id];
    }

    /** The memory of the block at {@code location}; lock-free. */
    MemorySegment memory(long location) {
        return table[blockOf(location)].memory;
    }

    int segmentBytes() {
        return segmentBytes;
    }

    long maxBytes() {
        return maxBytes;
    }

    /** Bytes of item memory allocated now, free segments included. */
    long allocated() {
        return allocated.get();
    }

    /** Bytes of large blocks. */
    long largeBytes() {
        return largeBytes.get();
    }

    int freeSegments() {
        return freeSegmentCount;
    }

    /** Whether {@link #takeSegment} with the overdraft would find a segment now. */
    boolean segmentAvailable() {
        return freeSegmentCount > 0 || allocated.get() + segmentBytes <= maxBytes + overdraftLimit;
    }

    /** Whether {@link #takeLarge} would find room for an item of {@code itemBytes} now, giving back free segments. */
    boolean largeAvailable(long itemBytes) {
        return allocated.get() - (long) freeSegmentCount * segmentBytes + Block.FIRST_ITEM + itemBytes <= maxBytes;
    }

    /** How far allocation is past the budget (0 within it). */
    long overdrawn() {
        return Math.max(0, allocated.get() - maxBytes);
    }

    /**
     * A free segment, opened at {@code nowMillis}: one from the pool, else a new one within the
     * budget, else (when {@code overdraw}) one within the overdraft; null when there is none.
     */
    Block takeSegment(long nowMillis, boolean overdraw) {
        Block segment = popFree();
        if (segment == null) {
            segment = allocateBlock(segmentBytes, overdraw ? maxBytes + overdraftLimit : maxBytes, false);
            if (segment == null) {
                return null;
            }
        }
        segment.reopen(nowMillis, opened.incrementAndGet());
        return segment;
    }

    /**
     * A large block for one item of {@code itemBytes} (its memory counts against the budget),
     * opened at {@code nowMillis}; null when the budget has no room even after giving back free
     * segments.
     */
    Block takeLarge(long itemBytes, long nowMillis) {
        long bytes = Block.FIRST_ITEM + itemBytes;
        while (allocated.get() + bytes > maxBytes && releaseFreeSegment()) {
            // each free segment given back makes room
        }
        Block large = allocateBlock(bytes, maxBytes, true);
        if (large != null) {
            largeBytes.addAndGet(bytes);
            large.reopen(nowMillis, opened.incrementAndGet());
        }
        return large;
    }

    /**
     * Takes back a block no reader can reach any more: a large block is released; a segment goes
     * to the pool, to be reused without allocating, unless it lies beyond the budget and the
     * overdraft (after a {@link #resize}); then it is released.
     */
    void free(Block block) {
        if (!block.large && allocated.get() <= maxBytes + overdraftLimit) {
            synchronized (freePool) {
                block.nextFree = freeTop;
                freeTop = block;
                freeSegmentCount++;
            }
        } else {
            release(block);
        }
    }

    private Block popFree() {
        synchronized (freePool) {
            Block top = freeTop;
            if (top != null) {
                freeTop = top.nextFree;
                top.nextFree = null;
                freeSegmentCount--;
            }
            return top;
        }
    }

    /** Gives back a free segment's memory; false when the pool is empty. */
    boolean releaseFreeSegment() {
        Block segment = popFree();
        if (segment == null) {
            return false;
        }
        release(segment);
        return true;
    }

    /** A new budget: past it, free segments are given back at once; the evictor does the rest. */
    void resize(long newMaxBytes) {
        maxBytes = newMaxBytes;
        while (allocated.get() > maxBytes && releaseFreeSegment()) {
            // give back what is free
        }
    }

    /** Gives back free segments while allocation is past the budget: when the evictor has caught up. */
    void payBack() {
        while (allocated.get() > maxBytes && freeSegmentCount > 0 && releaseFreeSegment()) {
            // give back what is free
        }
    }

    private Block allocateBlock(long bytes, long limit, boolean large) {
        for (long now = allocated.get(); ; now = allocated.get()) {
            if (now + bytes > limit) {
                return null;
            }
            if (allocated.compareAndSet(now, now + bytes)) {
                break;
            }
        }
        int id = newId();
        try {
            Block block = Block.allocate(id, bytes, large);
            register(block);
            return block;
        } catch (OutOfMemoryError | RuntimeException e) {
            allocated.addAndGet(-bytes);
            freeIds.add(id);
            throw e;
        }
    }

    private void release(Block block) {

        synchronized (this) {
            table[block.id] = null;
        }
        allocated.addAndGet(-block.size());
        if (block.large) {
            largeBytes.addAndGet(-block.size());
        }
        block.arena.close();
        freeIds.add(block.id);
    }

    private int newId() {
        Integer reused = freeIds.poll();
        if (reused != null) {
            return reused;
        }
        int id = nextId.getAndIncrement();
        if (id >= MAX_BLOCKS) {
            nextId.decrementAndGet();
            throw new IllegalStateException("more than " + MAX_BLOCKS + " blocks of item memory");
        }
        return id;
    }

    private synchronized void register(Block block) {
        Block[] now = table;
        if (block.id >= now.length) {
            now = Arrays.copyOf(now, Math.max(block.id + 1, now.length * 2));
        }
        now[block.id] = block;
        table = now; // publishes the block (and a grown table) to readers
    }

    /** Gives back all item memory; nothing may read it any more. */
    @Override
    public synchronized void close() {
        for (Block block : table) {
            if (block != null) {
                block.arena.close();
            }
        }
        table = new Block[0];
        synchronized (freePool) {
            freeTop = null;
            freeSegmentCount = 0;
        }
        allocated.set(0);
    }
}
