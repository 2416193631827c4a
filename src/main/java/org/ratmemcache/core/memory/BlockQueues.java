package org.ratmemcache.core.memory;

import java.util.ArrayList;
import java.util.List;

/**
 * The eviction policy's FIFO queues of sealed blocks, oldest first, and the bytes each holds.
 * Each queue is a list threaded through its blocks ({@link Block#previous}, {@link Block#next}),
 * so that adding a block allocates nothing; writers add the blocks they seal, the evictor takes
 * them off, each under the queue's monitor, held for a few pointer moves once in a block's life.
 */
final class BlockQueues {

    /** One queue: a sentinel whose next is the oldest block and whose previous is the newest. */
    private static final class Queue {
        final Block head = Block.sentinel();
        long bytes;

        Queue() {
            head.next = head;
            head.previous = head;
        }
    }

    private final Queue[] queues;

    BlockQueues(int count) {
        queues = new Queue[count];
        for (int q = 0; q < count; q++) {
            queues[q] = new Queue();
        }
    }

    int count() {
        return queues.length;
    }

    /** Adds a sealed block at the tail of {@code queue}. */
    void add(int queue, Block block) {
        Queue to = queues[queue];
        synchronized (to) {
            block.queue = queue;
            block.previous = to.head.previous;
            block.next = to.head;
            to.head.previous.next = block;
            to.head.previous = block;
            to.bytes += block.fill;
        }
    }

    /** The oldest block of {@code queue}, left in place; null if the queue is empty. */
    Block oldest(int queue) {
        Queue from = queues[queue];
        synchronized (from) {
            Block oldest = from.head.next;
            return oldest == from.head ? null : oldest;
        }
    }

    /** Takes {@code block}, the oldest of its queue, off it. */
    void remove(Block block) {
        Queue from = queues[block.queue];
        synchronized (from) {
            if (from.head.next != block) {
                throw new IllegalStateException(block + " was not the oldest of queue " + block.queue);
            }
            from.head.next = block.next;
            block.next.previous = from.head;
            block.next = null;
            block.previous = null;
            from.bytes -= block.fill;
        }
    }

    /** The bytes of the blocks in each queue, into {@code into}. */
    void bytes(long[] into) {
        for (int q = 0; q < into.length; q++) {
            synchronized (queues[q]) {
                into[q] = queues[q].bytes;
            }
        }
    }

    /** The blocks of every queue, oldest first, queue by queue: a snapshot, for listings. */
    List<Block> all() {
        List<Block> blocks = new ArrayList<>();
        for (Queue queue : queues) {
            synchronized (queue) {
                for (Block block = queue.head.next; block != queue.head; block = block.next) {
                    blocks.add(block);
                }
            }
        }
        return blocks;
    }
}
