package org.ratmemcache.core.memory;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

import org.ratmemcache.core.Expiry;
import org.ratmemcache.core.Item;
import org.ratmemcache.core.Key;
import org.ratmemcache.core.KeyHash;
import org.ratmemcache.core.ValueForm;
import org.ratmemcache.core.compress.ValueCompression;

import static org.ratmemcache.core.memory.ItemFormat.BYTE;
import static org.ratmemcache.core.memory.ItemFormat.INT;
import static org.ratmemcache.core.memory.ItemFormat.LONG;

/**
 * An item in item memory, read in place: a view that is pointed at one location after another,
 * so that reading an item allocates nothing. A view is valid while its thread stays inside its
 * {@link Epochs epoch} and until it is pointed elsewhere; whatever must outlive that takes a
 * {@link #detach copy}. Each thread has its own views ({@link MemoryTier#views}).
 */
public final class ItemView implements Item {

    private static final VarHandle ARRAY_LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final Blocks blocks;
    private final long originMillis;

    private long location;
    private MemorySegment memory;
    private long at;
    private long baseMillis;
    private int shape;
    private int keyLength;
    private int storedLength;
    /** Where the version is; the expiry and access words follow, then the optional fields. */
    private long fixedAt;
    private long keyAt;

    ItemView(Blocks blocks, long originMillis) {
        this.blocks = blocks;
        this.originMillis = originMillis;
    }

    /** Points this view at the item at {@code location}; returns it. */
    ItemView point(long location) {
        Block block = blocks.block(Blocks.blockOf(location));
        this.location = location;
        this.memory = block.memory;
        this.baseMillis = block.baseMillis;
        this.at = Blocks.offsetOf(location);
        this.shape = ItemFormat.shape(memory, at);
        this.keyLength = ItemFormat.keyLength(memory, at, shape);
        long varintAt = ItemFormat.varintAt(at, shape);
        this.storedLength = ItemFormat.storedLength(memory, varintAt);
        this.fixedAt = varintAt + ItemFormat.varintSize(storedLength);
        this.keyAt = fixedAt + ItemFormat.FIXED + ItemFormat.optionalSize(shape);
        return this;
    }

    /**
     * A view of its own of the same item: for a caller that holds several items at once, since a
     * thread's views ({@link MemoryTier.Views}) are re-pointed by its next lookup or write. Good,
     * like this one, while the caller stays inside its epoch.
     */
    public ItemView pinned() {
        ItemView pinned = new ItemView(blocks, originMillis);
        pinned.location = location;
        pinned.memory = memory;
        pinned.at = at;
        pinned.baseMillis = baseMillis;
        pinned.shape = shape;
        pinned.keyLength = keyLength;
        pinned.storedLength = storedLength;
        pinned.fixedAt = fixedAt;
        pinned.keyAt = keyAt;
        return pinned; // what point() found, copied rather than read from item memory again
    }

    /** Where the item lies: its block and offset. */
    public long location() {
        return location;
    }

    /** The item's whole size in item memory. */
    long size() {
        return keyAt + keyLength + storedLength - at;
    }

    int shape() {
        return shape;
    }

    /** Where the version lies, from the item's start. */
    long fixedOffset() {
        return fixedAt - at;
    }

    long keyAt() {
        return keyAt;
    }

    MemorySegment memory() {
        return memory;
    }

    /** Whether the item's key is {@code key}: its database and bytes. */
    boolean hasKey(Key key) {
        return keyLength == key.length() && database() == key.database()
                && sameBytes(memory, keyAt, key.array(), key.offset(), keyLength);
    }

    /** The database of the item's key, read from its header. */
    @Override
    public int database() {
        return ItemFormat.database(memory, at, shape);
    }

    /** The {@link KeyHash} of the item's key. */
    public long keyHash() {
        return KeyHash.of(database(), memory, keyAt, keyLength);
    }

    static boolean sameBytes(MemorySegment memory, long at, byte[] bytes, int offset, int length) {
        int i = 0;
        for (; i + 8 <= length; i += 8) {
            if (memory.get(LONG, at + i) != (long) ARRAY_LONG.get(bytes, offset + i)) {
                return false;
            }
        }
        for (; i < length; i++) {
            if (memory.get(BYTE, at + i) != bytes[offset + i]) {
                return false;
            }
        }
        return true;
    }

    // ---- the item's fields

    @Override
    public Key key() {
        byte[] bytes = new byte[keyLength];
        MemorySegment.copy(memory, BYTE, keyAt, bytes, 0, keyLength);
        return Key.of(database(), bytes);
    }

    @Override
    public int keyLength() {
        return keyLength;
    }

    /** Copies the key's bytes into {@code into} from {@code offset}. */
    @Override
    public void copyKey(byte[] into, int offset) {
        MemorySegment.copy(memory, BYTE, keyAt, into, offset, keyLength);
    }

    @Override
    public byte[] value() {
        byte[] stored = new byte[storedLength];
        MemorySegment.copy(memory, BYTE, valueOffset(), stored, 0, storedLength);
        return compressed() ? ValueCompression.decompress(stored, rawLength()) : stored;
    }

    @Override
    public MemorySegment valueMemory() {
        return memory;
    }

    @Override
    public long valueOffset() {
        return keyAt + keyLength;
    }

    @Override
    public int storedLength() {
        return storedLength;
    }

    @Override
    public boolean compressed() {
        return (shape & ItemFormat.COMPRESSED) != 0;
    }

    @Override
    public int valueLength() {
        return compressed() ? rawLength() : storedLength;
    }

    @Override
    public byte[] compressedValue() {
        if (!compressed()) {
            return null;
        }
        byte[] stored = new byte[storedLength];
        MemorySegment.copy(memory, BYTE, valueOffset(), stored, 0, storedLength);
        return stored;
    }

    @Override
    public int flags() {
        return (shape & ItemFormat.HAS_FLAGS) != 0 ? memory.get(INT, optionalAt(ItemFormat.HAS_FLAGS)) : 0;
    }

    @Override
    public long expiresAt() {
        if ((shape & ItemFormat.EXPIRES) != 0) {
            return baseMillis + (memory.get(INT, optionalAt(ItemFormat.EXPIRES)) & 0xffff_ffffL);
        }
        return (shape & ItemFormat.FAR_EXPIRY) != 0 ? memory.get(LONG, optionalAt(ItemFormat.FAR_EXPIRY)) : Expiry.NEVER;
    }

    @Override
    public long version() {
        return memory.get(LONG, fixedAt) & ItemFormat.VERSION_MASK;
    }

    @Override
    public ValueForm form() {
        return ValueForm.of((int) (memory.get(LONG, fixedAt) >>> ItemFormat.FORM_SHIFT));
    }

    @Override
    public long cas() {
        return (shape & ItemFormat.CHOSEN_CAS) != 0 ? memory.get(LONG, optionalAt(ItemFormat.CHOSEN_CAS)) : version();
    }

    @Override
    public long accessedAt() {
        return originMillis + 1000L * (accessWord() & ~ItemFormat.FETCHED);
    }

    @Override
    public boolean fetched() {
        return (accessWord() & ItemFormat.FETCHED) != 0;
    }

    @Override
    public boolean stale() {
        return (currentShape() & ItemFormat.STALE) != 0;
    }

    @Override
    public boolean winTokenSent() {
        return (currentShape() & ItemFormat.WIN_TOKEN_SENT) != 0;
    }

    private int rawLength() {
        return memory.get(INT, optionalAt(ItemFormat.COMPRESSED));
    }

    private int accessWord() {
        return memory.get(INT, fixedAt + ItemFormat.ACCESS);
    }

    /** The shape byte as it is now: the marks may have changed since the view was pointed here. */
    private int currentShape() {
        return memory.get(BYTE, at) & 0xff;
    }

    /** Where the optional field {@code field} lies. */
    private long optionalAt(int field) {
        return fixedAt + ItemFormat.optionalAt(shape, field);
    }

    // ---- the few fields that change in place

    /** Notes a read at {@code nowMillis}: the fetched bit, and the second of access when it moved on. */
    void markFetched(long nowMillis) {
        int word = accessWord();
        int seconds = seconds(nowMillis);
        if ((word & ItemFormat.FETCHED) == 0 || (word & ~ItemFormat.FETCHED) != seconds) {
            memory.set(INT, fixedAt + ItemFormat.ACCESS, seconds | ItemFormat.FETCHED);
        }
    }

    /** Sets the meta marks; the caller holds the key's stripe lock. */
    void setMarks(boolean stale, boolean winTokenSent) {
        int marks = (stale ? ItemFormat.STALE : 0) | (winTokenSent ? ItemFormat.WIN_TOKEN_SENT : 0);
        memory.set(BYTE, at, (byte) (currentShape() & ~(ItemFormat.STALE | ItemFormat.WIN_TOKEN_SENT) | marks));
    }

    /** The access word's seconds for {@code millis}. */
    int seconds(long millis) {
        return (int) Math.max(0, Math.min(Integer.MAX_VALUE, (millis - originMillis) / 1000));
    }

    /** A copy of this item on the heap, for what must outlive the view (futures, the disk queue). */
    public ItemCopy detach() {
        byte[] stored = new byte[storedLength];
        MemorySegment.copy(memory, BYTE, valueOffset(), stored, 0, storedLength);
        return new ItemCopy(key(), stored, compressed() ? rawLength() : -1, flags(), expiresAt(), cas(), version(), accessedAt(),
                fetched(), stale(), winTokenSent(), form());
    }

    @Override
    public String toString() {
        return "item at block " + Blocks.blockOf(location) + " offset " + at;
    }
}
