package org.ratmemcache.core.disk;

/**
 * The cache state that must survive a restart besides the items, as memcached's warm restart
 * keeps it.
 *
 * @param casReserved   every CAS handed out so far is at most this; a restarted cache starts
 *                      above it, so no CAS is ever reused, even after a crash
 * @param flushCasLimit items with a CAS at or below this have been flushed
 * @param flushPendingAt when a delayed flush takes effect, in epoch milliseconds; 0 for none
 */
public record PersistedState(long casReserved, long flushCasLimit, long flushPendingAt) {

    /** A new, empty cache. */
    public static final PersistedState EMPTY = new PersistedState(0, 0, 0);
}
