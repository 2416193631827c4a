package org.ratmemcache.core.memory;

/**
 * S3-FIFO's ghost queue, approximated: the 16-bit fingerprints of recently dropped keys in a
 * direct-mapped table with about one entry per item the tier holds, 2 bytes each. A new ghost
 * overwrites whatever lay in its entry, so a ghost lasts for about as many drops as the table has
 * entries, as in a FIFO of that length. A false match (1 in 65,535) only sends a new item to the
 * main queue. Written by the evictor thread, read by writers without a lock: a torn or stale read
 * only changes which queue one item joins.
 */
final class Ghosts {

    private static final int MIN_ENTRIES = 1 << 10;
    private volatile short[] table = new short[MIN_ENTRIES];

    void add(long hash) {
        short[] entries = table;
        entries[index(hash, entries)] = fingerprint(hash);
    }

    boolean contains(long hash) {
        short[] entries = table;
        return entries[index(hash, entries)] == fingerprint(hash);
    }

    /** Sizes the table for about {@code items} ghosts: a new table, empty, when that is twice as many or half. */
    void size(long items) {
        int wanted = (int) Math.min(1 << 30, Math.max(MIN_ENTRIES, Long.highestOneBit(Math.max(1, items)) << 1));
        int now = table.length;
        if (wanted >= 2 * now || wanted * 2 <= now) {
            table = new short[wanted];
        }
    }

    private static int index(long hash, short[] entries) {
        return (int) (hash >>> 20) & (entries.length - 1);
    }

    private static short fingerprint(long hash) {
        short fingerprint = (short) (hash >>> 48);
        return fingerprint == 0 ? 1 : fingerprint;
    }
}
