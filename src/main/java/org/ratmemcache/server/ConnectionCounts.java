package org.ratmemcache.server;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/** One listener's connections: open now, the most open at once, admitted and turned away in all. */
public final class ConnectionCounts {

    private final AtomicInteger current = new AtomicInteger();
    private final AtomicInteger peak = new AtomicInteger();
    private final LongAdder total = new LongAdder();
    private final LongAdder rejected = new LongAdder();

    /** Admits a new connection if fewer than {@code max} are open; counts it either way. */
    boolean tryOpen(int max) {
        int open;
        do {
            open = current.get();
            if (open >= max) {
                rejected.increment();
                return false;
            }
        } while (!current.compareAndSet(open, open + 1));
        peak.accumulateAndGet(open + 1, Math::max);
        total.increment();
        return true;
    }

    /** An admitted connection has closed. */
    void closed() {
        current.decrementAndGet();
    }

    public int current() {
        return current.get();
    }

    /** The most connections open at once, which is what memcached's connection_structures tracks. */
    public int peak() {
        return peak.get();
    }

    public long total() {
        return total.sum();
    }

    public long rejected() {
        return rejected.sum();
    }

    /** The totals go back to zero; what is open stays counted. */
    void reset() {
        total.reset();
        rejected.reset();
    }
}
