package org.ratmemcache.core.memory;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The eviction policy's FIFO queues of sealed blocks, oldest first, and the bytes each holds.
 * Writers add the blocks they seal without a lock; only the evictor takes them off.
 */
final class BlockQueues {

    private final ConcurrentLinkedQueue<Block>[] queues;
    private final AtomicLongArray bytes;

    @SuppressWarnings("unchecked")
    BlockQueues(int count) {
        queues = new ConcurrentLinkedQueue[count];
        for (int q = 0; q < count; q++) {
            queues[q] = new ConcurrentLinkedQueue<>();
        }
        bytes = new AtomicLongArray(count);
    }

    int count() {
        return queues.length;
    }

    /** Adds a sealed block at the tail of {@code queue}. */
    void add(int queue, Block block) {
        block.queue = queue;
        bytes.addAndGet(queue, block.fill);
        queues[queue].add(block);
    }

    /** The oldest block of {@code queue}, left in place; null if the queue is empty. */
    Block oldest(int queue) {
        return queues[queue].peek();
    }

    /** Takes {@code block}, the oldest of its queue, off it. */
    void remove(Block block) {
        if (queues[block.queue].poll() != block) {
            throw new IllegalStateException(block + " was not the oldest of queue " + block.queue);
        }
        bytes.addAndGet(block.queue, -block.fill);
    }

    /** The bytes of the blocks in each queue, into {@code into}. */
    void bytes(long[] into) {
        for (int q = 0; q < into.length; q++) {
            into[q] = bytes.get(q);
        }
    }

    /** The blocks of every queue, oldest first, queue by queue: a weakly consistent snapshot for sweeps. */
    Iterable<Block> all() {
        java.util.List<Block> blocks = new java.util.ArrayList<>();
        for (ConcurrentLinkedQueue<Block> queue : queues) {
            blocks.addAll(queue);
        }
        return blocks;
    }
}
