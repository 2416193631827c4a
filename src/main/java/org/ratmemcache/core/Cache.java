package org.ratmemcache.core;

/**
 * The cache as the protocols see it: one method per kind of request, with memcached's semantics,
 * whatever the wire format. Text, meta and binary commands all map onto these calls.
 *
 * <p>Every method is atomic per key. Times are absolute epoch milliseconds from {@link #clock()};
 * {@link Expiry#fromExptime} turns a memcached exptime into one.
 */
public interface Cache {

    Clock clock();

    /** The live item under {@code key}, or {@code null}. Counts a get hit or miss. */
    Item get(Key key);

    /** Like {@link #get}, and sets the item's expiry: memcached's gat. Counts a touch. */
    Item getAndTouch(Key key, long expiresAt);

    /**
     * Stores {@code value} under {@code key} as {@code mode} says. {@code cas} is the expected CAS
     * for {@link StoreMode#CAS}; for append and prepend a non-zero {@code cas} must match too.
     * {@code value} is kept, not copied: the caller hands it over.
     */
    StoreResult store(StoreMode mode, Key key, int flags, long expiresAt, byte[] value, long cas);

    /**
     * A store refused before its value was read because the item is too large. Counts it, and
     * for {@link StoreMode#SET} removes the key's current item, as memcached does, so that a
     * failed overwrite never leaves stale data behind.
     */
    void refuseTooLarge(StoreMode mode, Key key);

    /** Removes the key's live item; returns whether there was one. */
    boolean delete(Key key);

    /** memcached's incr ({@code increment}) or decr on a 64-bit unsigned decimal value. */
    DeltaResult delta(Key key, boolean increment, long delta);

    /** Sets the expiry of the key's live item; returns whether there was one. */
    boolean touch(Key key, long expiresAt);

    /** Invalidates every item stored before {@code atMillis}, or now if that is not later. */
    void flushAll(long atMillis);

    /**
     * The largest item accepted, counted as memcached counts it ({@link #itemSize}): its
     * {@code -I} setting.
     */
    long itemSizeMax();

    CacheStats stats();

    /** Items currently held, live or awaiting reclaim: memcached's curr_items. */
    long itemCount();

    /** Bytes currently charged to the memory budget: memcached's bytes. */
    long bytes();

    /** The memory budget: memcached's limit_maxbytes. */
    long maxBytes();

    /**
     * An item's size as memcached measures it against the item size limit: its 48-byte header,
     * the 8-byte CAS, the key and its terminator, the flags when non-zero, and the value with its
     * CRLF. With the default 1 MiB limit and a one-byte key, a 1,048,516-byte value is the largest
     * that fits, in memcached 1.6 and here.
     */
    static long itemSize(int keyLength, int flags, long valueLength) {
        return 48 + 8 + keyLength + 1 + (flags != 0 ? 4 : 0) + valueLength + 2;
    }
}
