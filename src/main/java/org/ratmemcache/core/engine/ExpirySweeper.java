package org.ratmemcache.core.engine;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.ratmemcache.core.CacheStats;
import org.ratmemcache.core.Clock;
import org.ratmemcache.core.memory.MemoryTier;

/**
 * Removes expired and flushed items from memory in the background, memcached's LRU crawler: every
 * sweep interval, on its own thread ({@code ratmemcache-expiry-sweeper}), and soon after a flush.
 * A sweep takes no key lock: each removal is conditional on the exact item it examined (its
 * location); it goes through the memory tier's index, so it looks at live items only. With an
 * interval of zero there is no thread, and items are reclaimed only when met.
 */
final class ExpirySweeper implements AutoCloseable {

    private final MemoryTier memory;
    private final DurableState state;
    private final Clock clock;
    private final CacheStats stats;
    private final Optional<ScheduledExecutorService> thread;
    /** memcached's lru_crawler disable: the thread stays, and skips its sweeps. */
    private volatile boolean paused;

    ExpirySweeper(MemoryTier memory, DurableState state, Clock clock, CacheStats stats, Duration interval) {
        this.memory = memory;
        this.state = state;
        this.clock = clock;
        this.stats = stats;
        this.thread = interval.isZero() ? Optional.empty() : Optional.of(start(interval));
    }

    private ScheduledExecutorService start(Duration interval) {
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("ratmemcache-expiry-sweeper").daemon().factory());
        long period = interval.toMillis();
        scheduler.scheduleWithFixedDelay(this::scheduledSweep, period, period, TimeUnit.MILLISECONDS);
        return scheduler;
    }

    /** Whether sweeps run in the background: there is a thread, and it is not paused. */
    boolean running() {
        return thread.isPresent() && !paused;
    }

    /**
     * Pauses or resumes the background sweeps; false, changing nothing, when they are already so
     * or there is no thread to pause or resume.
     */
    boolean run(boolean on) {
        if (thread.isEmpty() || paused == !on) {
            return false;
        }
        paused = !on;
        return true;
    }

    /** Sweeps on the sweeper thread now, rather than at the next interval (after a flush); false if none runs. */
    boolean sweepSoon() {
        if (!running()) {
            return false;
        }
        thread.get().execute(this::sweep);
        return true;
    }

    private void scheduledSweep() {
        if (!paused) {
            sweep();
        }
    }

    /** One sweep over every item in memory, on the caller's thread. */
    void sweep() {
        long now = clock.millis();
        long[] checked = {0};
        memory.forEachItem(item -> {
            checked[0]++;
            if (state.isDead(item, now) && memory.removeIfCurrent(item)) {
                stats.crawlerReclaimed.increment();
                stats.reclaimed(item);
            }
        });
        stats.crawlerItemsChecked.add(checked[0]);
        stats.crawlerRuns.increment();
    }

    @Override
    public void close() {
        thread.ifPresent(ScheduledExecutorService::shutdownNow);
    }
}
