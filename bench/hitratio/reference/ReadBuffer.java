package hitratio.reference;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * Reads recorded without a lock, for the eviction policy to replay in batches.
 *
 * <p>A read hit must not take the eviction lock, yet LRU has to move the entry. So a reader only
 * appends the entry to a small ring, one ring per thread hash, and whoever next holds the eviction
 * lock replays the rings into the policy. The tier always drains before it evicts, so eviction
 * sees every recorded read in order. A ring that is full, or whose slot another thread is
 * claiming at the same instant, drops the read instead of waiting: the policy is then off by one
 * access, never wrong about what is in the cache. This is Caffeine's striped read buffer, cut down
 * to what a cache with a handful of event-loop threads needs.
 */
final class ReadBuffer {

    /** Reads a ring holds before it drops them; a power of two. */
    private static final int RING_SIZE = 64;
    private static final int RING_MASK = RING_SIZE - 1;
    /** A ring this full asks for a drain. */
    private static final int DRAIN_THRESHOLD = RING_SIZE / 2;
    /** Rings, picked by thread: enough that event loops seldom share one. */
    private static final int RINGS = Integer.highestOneBit(Math.min(64, 4 * Runtime.getRuntime().availableProcessors()) * 2 - 1);
    /** Ring counters sit this many longs apart, so that rings do not share a cache line. */
    private static final int PAD = 16;

    private final AtomicReferenceArray<Entry> slots = new AtomicReferenceArray<>(RINGS * RING_SIZE);
    private final AtomicLongArray writes = new AtomicLongArray(RINGS * PAD);
    /** Advanced only by the drainer, under the eviction lock. */
    private final AtomicLongArray reads = new AtomicLongArray(RINGS * PAD);
    private final LongAdder dropped = new LongAdder();

    /** Records a read of {@code entry}; returns whether the caller should drain. */
    boolean offer(Entry entry) {
        int ring = ring();
        int counter = ring * PAD;
        long write = writes.get(counter);
        long pending = write - reads.get(counter);
        if (pending >= RING_SIZE || !writes.compareAndSet(counter, write, write + 1)) {
            dropped.increment();
            return true;
        }
        slots.lazySet(ring * RING_SIZE + (int) (write & RING_MASK), entry);
        return pending + 1 >= DRAIN_THRESHOLD;
    }

    /** Hands every published read to {@code sink}, oldest first per ring. Caller holds the lock. */
    void drain(Consumer<Entry> sink) {
        for (int ring = 0; ring < RINGS; ring++) {
            int counter = ring * PAD;
            long read = reads.get(counter);
            long write = writes.get(counter);
            for (; read < write; read++) {
                int slot = ring * RING_SIZE + (int) (read & RING_MASK);
                Entry entry = slots.get(slot);
                if (entry == null) {
                    break; // claimed, not yet published: the next drain takes it
                }
                slots.lazySet(slot, null);
                sink.accept(entry);
            }
            reads.lazySet(counter, read);
        }
    }

    /** Reads dropped because a ring was full or contended: memcached's lru_bumps_dropped. */
    long dropped() {
        return dropped.sum();
    }

    private static int ring() {
        long id = Thread.currentThread().threadId() * 0x9E3779B97F4A7C15L;
        return (int) (id >>> 40) & (RINGS - 1);
    }
}
