package org.ratmemcache.core.disk;

import java.nio.ByteBuffer;

/**
 * The cache state that must survive a restart besides the items, as memcached's warm restart
 * keeps it.
 *
 * @param casReserved    every CAS handed out so far is at most this; a restarted cache starts
 *                       above it, so no CAS is ever reused, even after a crash
 * @param flushed        what the flushes have invalidated, database by database
 * @param flushPendingAt when memcached's delayed flush of database 0 takes effect, in epoch
 *                       milliseconds; 0 for none
 */
public record PersistedState(long casReserved, FlushLimits flushed, long flushPendingAt) {

    /** A new, empty cache. */
    public static final PersistedState EMPTY = new PersistedState(0, FlushLimits.NONE, 0);

    /** Bytes of the layout before databases: the CAS reservation, one flush limit, the pending flush. */
    private static final int SINGLE = 3 * Long.BYTES;
    /** Bytes of the layout since: the same, then the limits of databases 1 and up. */
    private static final int PER_DATABASE = SINGLE + (FlushLimits.DATABASES - 1) * Long.BYTES;

    /**
     * The state as the stores keep it: the CAS reservation, database 0's flush limit and the
     * pending flush (the whole layout before there were databases, which a store written then
     * holds, its limit then every database's), then the limits of databases 1 and up.
     */
    public byte[] toBytes() {
        ByteBuffer bytes = ByteBuffer.allocate(PER_DATABASE).putLong(casReserved).putLong(flushed.of(0)).putLong(flushPendingAt);
        for (int d = 1; d < FlushLimits.DATABASES; d++) {
            bytes.putLong(flushed.of(d));
        }
        return bytes.array();
    }

    /** The state {@link #toBytes} wrote, or one written before databases; null for a length neither has. */
    public static PersistedState fromBytes(byte[] bytes) {
        if (bytes.length != SINGLE && bytes.length != PER_DATABASE) {
            return null;
        }
        ByteBuffer in = ByteBuffer.wrap(bytes);
        long casReserved = in.getLong();
        long[] limits = new long[bytes.length == SINGLE ? 1 : FlushLimits.DATABASES];
        limits[0] = in.getLong();
        long pendingAt = in.getLong();
        for (int d = 1; d < limits.length; d++) {
            limits[d] = in.getLong();
        }
        return new PersistedState(casReserved, FlushLimits.of(limits), pendingAt);
    }
}
