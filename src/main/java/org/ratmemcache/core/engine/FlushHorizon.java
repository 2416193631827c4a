package org.ratmemcache.core.engine;

/**
 * What {@code flush_all} has invalidated.
 *
 * <p>A flush does not touch the items: it moves a horizon, and every item whose version (the CAS
 * the cache handed out for it, {@link org.ratmemcache.core.Item#version()}) lies at or below the
 * horizon reads as absent from then on. Versions grow with every store, so "at or below" means
 * exactly "stored before the flush", with no clock-resolution ties, whatever CAS a client chose. Flushed items are
 * reclaimed lazily, on access, or by the expiry sweeper.
 *
 * <p>A delayed flush ({@code flush_all 10}) is kept pending until its time comes, then fires: the
 * first operation that reads the clock at or after that time moves the horizon to the last CAS
 * handed out. Every operation fires a due flush before it issues a CAS ({@link #advance}), so an
 * item stored after the flush time always lies above the horizon. A new delayed flush replaces a
 * pending one, as in memcached; unlike memcached, it never brings back items that an earlier flush
 * has already invalidated.
 *
 * <p>Thread-safety: reads are two volatile loads; changes are synchronized and rare.
 */
final class FlushHorizon {

    private final CasSequence cas;
    private final Runnable onChange;
    private volatile long casLimit;
    private volatile long pendingAt;

    /**
     * A horizon restored from {@code casLimit} and {@code pendingAt}; {@code onChange} is told after
     * every change (to persist it), on the thread that made it.
     */
    FlushHorizon(CasSequence cas, long casLimit, long pendingAt, Runnable onChange) {
        this.cas = cas;
        this.casLimit = casLimit;
        this.pendingAt = pendingAt;
        this.onChange = onChange;
    }

    FlushHorizon(CasSequence cas) {
        this(cas, 0, 0, () -> { });
    }

    /** Fires a delayed flush whose time has come. */
    void advance(long nowMillis) {
        long at = pendingAt;
        if (at != 0 && nowMillis >= at) {
            fire(at);
        }
    }

    /** Whether an item of this version has been flushed, as of {@code nowMillis}. */
    boolean covers(long itemVersion, long nowMillis) {
        advance(nowMillis);
        return itemVersion <= casLimit;
    }

    /** Invalidates every item stored before {@code atMillis}: now, if that is not in the future. */
    synchronized void flush(long atMillis, long nowMillis) {
        advance(nowMillis);
        if (atMillis <= nowMillis) {
            casLimit = cas.current();
        } else {
            pendingAt = atMillis;
        }
        onChange.run();
    }

    /** Items with a CAS at or below this have been flushed. */
    long casLimit() {
        return casLimit;
    }

    /** When the pending delayed flush takes effect, in epoch milliseconds; 0 for none. */
    long pendingAt() {
        return pendingAt;
    }

    private synchronized void fire(long at) {
        if (pendingAt == at) {
            casLimit = cas.current();
            pendingAt = 0;
            onChange.run();
        }
    }
}
