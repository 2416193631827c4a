package org.ratmemcache.server;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/** The server's own counters: connections and traffic, as memcached's stats name them. */
public final class ServerStats {

    final AtomicInteger currConnections = new AtomicInteger();
    /** The most connections open at once, which is what memcached's connection_structures tracks. */
    final AtomicInteger peakConnections = new AtomicInteger();
    final LongAdder totalConnections = new LongAdder();
    final LongAdder rejectedConnections = new LongAdder();
    final LongAdder bytesRead = new LongAdder();
    final LongAdder bytesWritten = new LongAdder();
    /** Authentication attempts and the failed ones: memcached's auth_cmds and auth_errors. */
    final LongAdder authCommands = new LongAdder();
    final LongAdder authErrors = new LongAdder();
    /** TLS handshakes that failed: memcached's ssl_handshake_errors. */
    final LongAdder tlsHandshakeErrors = new LongAdder();
    /** Meta commands that memcached counts as cmd_meta: me. */
    final LongAdder metaCommands = new LongAdder();
    /** The level last set by the verbosity command, capped as memcached caps it. */
    volatile int verbosity;
    // memcached's tunables that its admin commands set and stats settings shows; the machinery they
    // tune (slab pages, the crawler's pacing) does not exist here, so they change nothing else.
    volatile int slabAutomove = 1;
    volatile double slabAutomoveRatio = 0.8;
    volatile long crawlerSleepMicros = 100;
    volatile long crawlerToCrawl;
    /** Where command latencies go; set once, before connections are accepted. */
    volatile CommandLatency latency = CommandLatency.NONE;

    /** Where command latencies go now. */
    public CommandLatency latency() {
        return latency;
    }

    /** Reports every command's latency to {@code latency} from now on. */
    public void recordLatencyWith(CommandLatency latency) {
        this.latency = latency;
    }

    public int currConnections() {
        return currConnections.get();
    }

    public long totalConnections() {
        return totalConnections.sum();
    }

    public long rejectedConnections() {
        return rejectedConnections.sum();
    }

    public long bytesRead() {
        return bytesRead.sum();
    }

    public long bytesWritten() {
        return bytesWritten.sum();
    }

    /** memcached's stats reset: the totals go back to zero; what is open stays counted. */
    void reset() {
        totalConnections.reset();
        rejectedConnections.reset();
        bytesRead.reset();
        bytesWritten.reset();
        metaCommands.reset();
        tlsHandshakeErrors.reset();
        authCommands.reset();
        authErrors.reset();
    }

    /** Admits a new connection if fewer than {@code max} are open; counts it either way. */
    boolean tryOpen(int max) {
        int open;
        do {
            open = currConnections.get();
            if (open >= max) {
                rejectedConnections.increment();
                return false;
            }
        } while (!currConnections.compareAndSet(open, open + 1));
        peakConnections.accumulateAndGet(open + 1, Math::max);
        totalConnections.increment();
        return true;
    }

    void closed() {
        currConnections.decrementAndGet();
    }
}
