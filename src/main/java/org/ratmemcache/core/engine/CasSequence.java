package org.ratmemcache.core.engine;

import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.ratmemcache.core.disk.DiskTierException;

/**
 * Hands out CAS uniques: strictly increasing, never 0 (0 means "no CAS" in every protocol).
 *
 * <p>With a disk tier, values are <em>reserved</em> on disk in blocks of {@value #BLOCK} before
 * they are handed out, as memcached's warm restart keeps its CAS high-water mark: a restarted
 * cache starts above the last reservation, so even after a kill -9 no CAS is ever reused. The
 * next block is reserved in the background when half of the current one is spent, so handing
 * out a CAS never waits for the disk unless half a block (524,288 stores) goes by before one
 * disk write completes.
 */
final class CasSequence {

    /** CAS values reserved per disk write. */
    static final long BLOCK = 1L << 20;
    /** How long {@link #next} waits for a late reservation before it goes on without one. */
    private static final long MAX_WAIT_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** Persists a reservation: every CAS up to {@code upTo} may be handed out once it returns. */
    @FunctionalInterface
    interface Reserver {
        void reserve(long upTo) throws DiskTierException;
    }

    private final AtomicLong last;
    private final Reserver reserver;
    private final Executor executor;
    private final AtomicBoolean reserving = new AtomicBoolean();
    private volatile long reserved;

    /** A sequence kept in memory only, whose first CAS is {@code after + 1}. */
    CasSequence(long after) {
        this.last = new AtomicLong(after);
        this.reserver = null;
        this.executor = null;
        this.reserved = Long.MAX_VALUE;
    }

    /**
     * A sequence that resumes after {@code reservedBefore}, the last reservation of an earlier run,
     * and reserves its first block now.
     */
    CasSequence(long reservedBefore, Reserver reserver, Executor executor) throws DiskTierException {
        this.last = new AtomicLong(reservedBefore);
        this.reserver = reserver;
        this.executor = executor;
        reserver.reserve(reservedBefore + BLOCK);
        this.reserved = reservedBefore + BLOCK;
    }

    long next() {
        long cas = last.incrementAndGet();
        if (cas > reserved - BLOCK / 2) {
            reserveMore();
            if (cas > reserved) {
                awaitReservation(cas);
            }
        }
        return cas;
    }

    /** The last CAS handed out. */
    long current() {
        return last.get();
    }

    private void reserveMore() {
        if (reserver != null && reserving.compareAndSet(false, true)) {
            executor.execute(() -> {
                try {
                    long upTo = Math.max(reserved, last.get()) + BLOCK;
                    reserver.reserve(upTo);
                    reserved = upTo;
                } catch (DiskTierException | RuntimeException e) {
                    // Retried by the next CAS handed out; until then the current block still holds.
                } finally {
                    reserving.set(false);
                }
            });
        }
    }

    /** Only when the disk is slower than half a block of stores: wait, but not forever. */
    private void awaitReservation(long cas) {
        long deadline = System.nanoTime() + MAX_WAIT_NANOS;
        while (cas > reserved && System.nanoTime() < deadline) {
            reserveMore();
            LockSupport.parkNanos(10_000);
        }
    }
}
