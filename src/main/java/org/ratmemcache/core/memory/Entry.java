package org.ratmemcache.core.memory;

import org.ratmemcache.core.Item;
import org.ratmemcache.core.Key;
import org.ratmemcache.core.compress.ValueCompression;

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
public final class Entry implements Item, Found {

    static final int NEW = 0;
    static final int LINKED = 1;
    static final int REMOVED = 2;

    private static final byte STALE = 0x01;
    private static final byte WIN_TOKEN_SENT = 0x02;

    private final Key key;
    /** The value as stored: raw, or an LZ4 block when {@link #rawLength} is not -1. */
    private final byte[] value;
    private final int rawLength;
    private final int flags;
    private final long expiresAt;
    private final long cas;
    /** The meta protocol's marks: {@link #STALE}, {@link #WIN_TOKEN_SENT}. */
    private final byte marks;

    /** Neighbours in the policy's list; guarded by the eviction lock. */
    Entry prev;
    Entry next;
    /** NEW until the policy links it, LINKED while it counts against the budget, then REMOVED. */
    int state = NEW;

    private boolean fetched;
    private long accessedAt;

    /** An entry holding {@code value} as it is. */
    public Entry(Key key, byte[] value, int flags, long expiresAt, long cas, long nowMillis) {
        this(key, value, -1, flags, expiresAt, cas, nowMillis, (byte) 0);
    }

    private Entry(Key key, byte[] value, int rawLength, int flags, long expiresAt, long cas, long nowMillis, byte marks) {
        this.key = key;
        this.value = value;
        this.rawLength = rawLength;
        this.flags = flags;
        this.expiresAt = expiresAt;
        this.cas = cas;
        this.accessedAt = nowMillis;
        this.marks = marks;
    }

    /** An entry holding {@code value} compressed, if {@code compression} compresses it. */
    public static Entry of(Key key, byte[] value, int flags, long expiresAt, long cas, long nowMillis,
            ValueCompression compression) {
        byte[] compressed = compression.compress(value);
        return compressed == null ? new Entry(key, value, flags, expiresAt, cas, nowMillis)
                : new Entry(key, compressed, value.length, flags, expiresAt, cas, nowMillis, (byte) 0);
    }

    /** The entry of an item read from disk, keeping its read history and meta marks. */
    public static Entry of(Item item, ValueCompression compression) {
        Entry entry = of(item.key(), item.value(), item.flags(), item.expiresAt(), item.cas(), item.accessedAt(),
                compression).withMarks(item.stale(), item.winTokenSent());
        entry.fetched = item.fetched();
        return entry;
    }

    /** The same item with another expiry, as touch makes it: same CAS, same read history. */
    public Entry withExpiry(long newExpiresAt) {
        return copy(cas, newExpiresAt, marks);
    }

    /** The same item with its win token handed out: same CAS, same read history. */
    public Entry withWinTokenSent() {
        return copy(cas, expiresAt, (byte) (marks | WIN_TOKEN_SENT));
    }

    /**
     * The same value marked stale under a new CAS, with its win token back for the taking: the
     * meta protocol's invalidation.
     */
    public Entry invalidated(long newCas, long newExpiresAt) {
        return copy(newCas, newExpiresAt, STALE);
    }

    /** The same item with the given meta marks. */
    public Entry withMarks(boolean stale, boolean winTokenSent) {
        byte newMarks = (byte) ((stale ? STALE : 0) | (winTokenSent ? WIN_TOKEN_SENT : 0));
        return newMarks == marks ? this : copy(cas, expiresAt, newMarks);
    }

    private Entry copy(long newCas, long newExpiresAt, byte newMarks) {
        Entry copy = new Entry(key, value, rawLength, flags, newExpiresAt, newCas, accessedAt, newMarks);
        copy.fetched = fetched;
        return copy;
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
    public boolean stale() {
        return (marks & STALE) != 0;
    }

    @Override
    public boolean winTokenSent() {
        return (marks & WIN_TOKEN_SENT) != 0;
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
