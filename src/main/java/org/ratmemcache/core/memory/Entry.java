package org.ratmemcache.core.memory;

import org.ratmemcache.core.Item;
import org.ratmemcache.core.compress.ValueCompression;
import org.ratmemcache.core.Key;

/**
 * An item as the memory tier holds it: the immutable item, plus the bookkeeping of the eviction
 * policy that orders it.
 *
 * <p>The item fields never change; a modification stores a new entry. The policy fields
 * ({@link #prev}, {@link #next}, {@link #state}) are guarded by the tier's eviction lock. The two
 * read hints ({@link #fetched}, {@link #accessedAt}) are written by readers without any lock: a
 * lost update only blurs a statistic, and each is written only when it changes, so that hot keys
 * read by many threads do not bounce a cache line between cores.
 */
public final class Entry implements Item {

    static final int NEW = 0;
    static final int LINKED = 1;
    static final int REMOVED = 2;

    private final Key key;
    /** The value as stored: raw, or an LZ4 block when {@link #rawLength} is not -1. */
    private final byte[] value;
    private final int rawLength;
    private final int flags;
    private final long expiresAt;
    private final long cas;

    /** Neighbours in the policy's list; guarded by the eviction lock. */
    Entry prev;
    Entry next;
    /** NEW until the policy links it, LINKED while it counts against the budget, then REMOVED. */
    int state = NEW;

    private boolean fetched;
    private long accessedAt;

    /** An entry holding {@code value} as it is. */
    public Entry(Key key, byte[] value, int flags, long expiresAt, long cas, long nowMillis) {
        this(key, value, -1, flags, expiresAt, cas, nowMillis);
    }

    private Entry(Key key, byte[] value, int rawLength, int flags, long expiresAt, long cas, long nowMillis) {
        this.key = key;
        this.value = value;
        this.rawLength = rawLength;
        this.flags = flags;
        this.expiresAt = expiresAt;
        this.cas = cas;
        this.accessedAt = nowMillis;
    }

    /** An entry holding {@code value} compressed, if {@code compression} compresses it. */
    public static Entry of(Key key, byte[] value, int flags, long expiresAt, long cas, long nowMillis,
            ValueCompression compression) {
        byte[] compressed = compression.compress(value);
        return compressed == null ? new Entry(key, value, flags, expiresAt, cas, nowMillis)
                : new Entry(key, compressed, value.length, flags, expiresAt, cas, nowMillis);
    }

    /** The same item with another expiry, as touch makes it: same CAS, same read history. */
    public Entry withExpiry(long newExpiresAt) {
        Entry touched = new Entry(key, value, rawLength, flags, newExpiresAt, cas, accessedAt);
        touched.fetched = fetched;
        return touched;
    }

    @Override
    public Key key() {
        return key;
    }

    /** The value's bytes, decompressed into a new array if the entry holds them compressed. */
    @Override
    public byte[] value() {
        return rawLength < 0 ? value : ValueCompression.decompress(value, rawLength);
    }

    @Override
    public byte[] compressedValue() {
        return rawLength < 0 ? null : value;
    }

    @Override
    public int valueLength() {
        return rawLength < 0 ? value.length : rawLength;
    }

    /** The value's length as memory holds it. */
    public int storedLength() {
        return value.length;
    }

    @Override
    public int flags() {
        return flags;
    }

    @Override
    public long expiresAt() {
        return expiresAt;
    }

    @Override
    public long cas() {
        return cas;
    }

    @Override
    public boolean fetched() {
        return fetched;
    }

    @Override
    public long accessedAt() {
        return accessedAt;
    }

    /** Notes a read at {@code nowMillis}. */
    public void markFetched(long nowMillis) {
        if (!fetched) {
            fetched = true;
        }
        if (nowMillis - accessedAt >= 1000) {
            accessedAt = nowMillis;
        }
    }

    /** What this entry costs the memory budget: key, stored value and the JVM's per-entry overhead. */
    public long weight() {
        return MemoryTier.weigh(key.length(), value.length);
    }
}
