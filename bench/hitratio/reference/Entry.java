package hitratio.reference;

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
public sealed class Entry implements Found permits Entry.WithChosenCas {

    // bytes, not an enum or an int: with compact object headers the entry's fields then fit 64 bytes
    static final byte NEW = 0;
    static final byte LINKED = 1;
    static final byte REMOVED = 2;

    private static final byte STALE = 0x01;
    private static final byte WIN_TOKEN_SENT = 0x02;

    private final Key key;
    /** The value as stored: raw, or an LZ4 block when {@link #rawLength} is not -1. */
    private final byte[] value;
    private final int rawLength;
    private final int flags;
    private final long expiresAt;
    /** The CAS the cache handed out for this version: also the item's CAS, unless a client chose that. */
    private final long version;
    /** The meta protocol's marks: {@link #STALE}, {@link #WIN_TOKEN_SENT}. */
    private final byte marks;

    /** Neighbours in the policy's list ({@link EntryList}); guarded by the eviction lock. */
    Entry prev;
    Entry next;
    /** {@link LfuPolicy}'s run of the entry's use count; guarded by the eviction lock. */
    FrequencyBucket bucket;
    /** {@link WTinyLfuPolicy}'s region of the entry; guarded by the eviction lock. */
    byte region;
    /** NEW until the policy links it, LINKED while it counts against the budget, then REMOVED. */
    byte state = NEW;

    private boolean fetched;
    private long accessedAt;

    /** An entry holding {@code value} as it is, whose CAS is its version. */
    public Entry(Key key, byte[] value, int flags, long expiresAt, long version, long nowMillis) {
        this(key, value, -1, flags, expiresAt, version, nowMillis, (byte) 0);
    }

    private Entry(Key key, byte[] value, int rawLength, int flags, long expiresAt, long version, long nowMillis,
            byte marks) {
        this.key = key;
        this.value = value;
        this.rawLength = rawLength;
        this.flags = flags;
        this.expiresAt = expiresAt;
        this.version = version;
        this.accessedAt = nowMillis;
        this.marks = marks;
    }

    /** A list's sentinel: no item, only links. */
    static Entry sentinel() {
        return new Entry(null, null, 0, 0, 0, 0);
    }

    /** An entry holding {@code value} compressed, if {@code compression} compresses it. */
    public static Entry of(Key key, byte[] value, int flags, long expiresAt, long version, long nowMillis,
            ValueCompression compression) {
        byte[] compressed = compression.compress(value);
        return compressed == null ? new Entry(key, value, flags, expiresAt, version, nowMillis)
                : new Entry(key, compressed, value.length, flags, expiresAt, version, nowMillis, (byte) 0);
    }

    /**
     * The same item under the CAS a client chose (the meta protocol's {@code E}), same version:
     * the store order stays the cache's own.
     */
    public Entry withCas(long chosenCas) {
        if (chosenCas == cas()) {
            return this;
        }
        return inherit(chosenCas == version ? new Entry(key, value, rawLength, flags, expiresAt, version, accessedAt, marks)
                : new WithChosenCas(this, expiresAt, marks, chosenCas));
    }

    /** {@link #withCas}, unless {@code newCas} is 0 (the cache picks it): then this entry as it is. */
    public Entry withCasIfChosen(long newCas) {
        return newCas == 0 ? this : withCas(newCas);
    }

    /** The same item with another expiry, as touch makes it: same CAS, same read history. */
    public Entry withExpiry(long newExpiresAt) {
        return copy(newExpiresAt, marks);
    }

    /** The same item with its win token handed out: same CAS, same read history. */
    public Entry withWinTokenSent() {
        return copy(expiresAt, (byte) (marks | WIN_TOKEN_SENT));
    }

    /**
     * The same value marked stale under a new version and CAS, with its win token back for the
     * taking: the meta protocol's invalidation.
     */
    public Entry invalidated(long newVersion, long newExpiresAt) {
        return inherit(new Entry(key, value, rawLength, flags, newExpiresAt, newVersion, accessedAt, STALE));
    }

    /** The same item with the given meta marks. */
    public Entry withMarks(boolean stale, boolean winTokenSent) {
        byte newMarks = (byte) ((stale ? STALE : 0) | (winTokenSent ? WIN_TOKEN_SENT : 0));
        return newMarks == marks ? this : copy(expiresAt, newMarks);
    }

    /** A copy with another expiry and marks: same CAS, same read history. */
    Entry copy(long newExpiresAt, byte newMarks) {
        return inherit(new Entry(key, value, rawLength, flags, newExpiresAt, version, accessedAt, newMarks));
    }

    /** {@code copy}, given this entry's read history. */
    final Entry inherit(Entry copy) {
        copy.fetched = fetched;
        return copy;
    }

    public Key key() {
        return key;
    }

    /** The value's bytes, decompressed into a new array if the entry holds them compressed. */
    public byte[] value() {
        return rawLength < 0 ? value : ValueCompression.decompress(value, rawLength);
    }

    public byte[] compressedValue() {
        return rawLength < 0 ? null : value;
    }

    public int valueLength() {
        return rawLength < 0 ? value.length : rawLength;
    }

    /** The value's length as memory holds it. */
    public int storedLength() {
        return value.length;
    }

    public int flags() {
        return flags;
    }

    public long expiresAt() {
        return expiresAt;
    }

    public long cas() {
        return version;
    }

    public long version() {
        return version;
    }

    public boolean stale() {
        return (marks & STALE) != 0;
    }

    public boolean winTokenSent() {
        return (marks & WIN_TOKEN_SENT) != 0;
    }

    public boolean fetched() {
        return fetched;
    }

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

    /**
     * An entry whose CAS a client chose: the rare case pays for the extra field, so that every
     * other entry stays as small as it was.
     */
    static final class WithChosenCas extends Entry {

        private final long chosenCas;

        private WithChosenCas(Entry item, long expiresAt, byte marks, long chosenCas) {
            super(item.key, item.value, item.rawLength, item.flags, expiresAt, item.version, item.accessedAt, marks);
            this.chosenCas = chosenCas;
        }

            public long cas() {
            return chosenCas;
        }

            Entry copy(long newExpiresAt, byte newMarks) {
            return inherit(new WithChosenCas(this, newExpiresAt, newMarks, chosenCas));
        }

            public long weight() {
            return super.weight() + Long.BYTES;
        }
    }
}
