package org.ratmemcache.core.engine;

import org.ratmemcache.core.disk.FlushLimits;

/**
 * What the flushes have invalidated, database by database.
 *
 * <p>A flush does not touch the items: it moves its database's horizon, and every item of that
 * database whose version (the CAS the cache handed out for it,
 * {@link org.ratmemcache.core.Item#version()}) lies at or below the horizon reads as absent from
 * then on. Versions grow with every store, so "at or below" means exactly "stored before the
 * flush", with no clock-resolution ties, whatever CAS a client chose. Flushed items are reclaimed
 * lazily, on access, or by the expiry sweeper. memcached's {@code flush_all} moves database 0's
 * horizon (all that memcached's clients see), Redis's FLUSHDB its database's, FLUSHALL every one.
 *
 * <p>A delayed flush ({@code flush_all 10}, database 0) is kept pending until its time comes, then
 * fires: the first operation that reads the clock at or after that time moves the horizon to the
 * last CAS handed out. Every operation fires a due flush before it issues a CAS ({@link #advance}),
 * so an item stored after the flush time always lies above the horizon. A new delayed flush
 * replaces a pending one, as in memcached; unlike memcached, it never brings back items that an
 * earlier flush has already invalidated.
 *
 * <p>Thread-safety: reads are two volatile loads; changes are synchronized and rare.
 */
final class FlushHorizon {

    private final CasSequence cas;
    private final Runnable onChange;
    private volatile FlushLimits limits;
    private volatile long pendingAt;

    /**
     * A horizon restored from {@code limits} and {@code pendingAt}; {@code onChange} is told after
     * every change (to persist it), on the thread that made it.
     */
    FlushHorizon(CasSequence cas, FlushLimits limits, long pendingAt, Runnable onChange) {
        this.cas = cas;
        this.limits = limits;
        this.pendingAt = pendingAt;
        this.onChange = onChange;
    }

    FlushHorizon(CasSequence cas) {
        this(cas, FlushLimits.NONE, 0, () -> { });
    }

    /** Fires a delayed flush whose time has come. */
    void advance(long nowMillis) {
        long at = pendingAt;
        if (at != 0 && nowMillis >= at) {
            fire(at);
        }
    }

    /** Whether an item of this version in {@code database} has been flushed, as of {@code nowMillis}. */
    boolean covers(long itemVersion, int database, long nowMillis) {
        advance(nowMillis);
        return itemVersion <= limits.of(database);
    }

    /** memcached's flush_all: invalidates every item of database 0 stored before {@code atMillis} (now, if that is not later). */
    synchronized void flush(long atMillis, long nowMillis) {
        advance(nowMillis);
        if (atMillis <= nowMillis) {
            moveTo(cas.current(), 0);
        } else {
            pendingAt = atMillis;
        }
        onChange.run();
    }

    /** Redis's FLUSHDB: every item of {@code database} stored so far. */
    synchronized void flushDatabase(int database, long nowMillis) {
        advance(nowMillis);
        moveTo(cas.current(), database);
        onChange.run();
    }

    /** Redis's FLUSHALL: every item of every database stored so far. */
    synchronized void flushEverything(long nowMillis) {
        advance(nowMillis);
        limits = FlushLimits.uniform(cas.current());
        onChange.run();
    }

    /** What the flushes have invalidated so far. */
    FlushLimits limits() {
        return limits;
    }

    /** When the pending delayed flush takes effect, in epoch milliseconds; 0 for none. */
    long pendingAt() {
        return pendingAt;
    }

    private void moveTo(long limit, int database) {
        long[] moved = limits.toArray();
        moved[database] = limit;
        limits = FlushLimits.of(moved);
    }

    private synchronized void fire(long at) {
        if (pendingAt == at) {
            moveTo(cas.current(), 0);
            pendingAt = 0;
            onChange.run();
        }
    }
}
