package org.ratmemcache.core.memory;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import org.ratmemcache.core.Key;
import org.ratmemcache.core.KeyHash;

/**
 * How an item lies in item memory: a few header bytes, then its key, then its value, packed with
 * no alignment.
 *
 * <pre>
 *   +0  shape     1 byte: which optional fields follow, and the meta protocol's marks
 *   +1  key       1 byte of length; with {@link #WIDE_KEY} (keys past 255 bytes, or outside
 *                 database 0) 2 bytes of length, then 1 of the key's database
 *       value     its stored length, 1 to 5 bytes (7 bits a byte, low bits first)
 *       version   8 bytes: the CAS the cache handed out, which only grows and stays below 2^56;
 *                 the top byte holds the value's {@link org.ratmemcache.core.ValueForm}
 *       access    4 bytes: seconds after the tier's origin of the last read; bit 31: read since stored
 *       [expiry]  4 bytes: milliseconds after the block's base time     ({@link #EXPIRES})
 *       [flags]   4 bytes, when the client flags are not 0             ({@link #HAS_FLAGS})
 *       [cas]     8 bytes, when a client chose the CAS                   ({@link #CHOSEN_CAS})
 *       [raw]     4 bytes: the value's length before LZ4 compression     ({@link #COMPRESSED})
 *       [far]     8 bytes: an expiry the 4 bytes cannot hold, absolute   ({@link #FAR_EXPIRY})
 *       key bytes, value bytes
 * </pre>
 *
 * An item that never expires has neither expiry field. A 16-byte key with a 100-byte value, no
 * flags and no expiry takes 131 bytes, 135 with an expiry (memcached: a 192-byte chunk).
 * Everything but the marks and the access word is written once, before the item is published;
 * the marks ({@link #STALE}, {@link #WIN_TOKEN_SENT}) change only under the key's lock, the access
 * word only by readers, each in its own bytes, so neither overwrites the other.
 */
final class ItemFormat {

    // the shape byte
    static final int HAS_FLAGS = 0x01;
    static final int CHOSEN_CAS = 0x02;
    static final int COMPRESSED = 0x04;
    static final int FAR_EXPIRY = 0x08;
    static final int WIDE_KEY = 0x10;
    static final int STALE = 0x20;
    static final int WIN_TOKEN_SENT = 0x40;
    static final int EXPIRES = 0x80;
    /** The bits fixed when the item is written: which fields there are. */
    static final int FIELDS = HAS_FLAGS | CHOSEN_CAS | COMPRESSED | FAR_EXPIRY | WIDE_KEY | EXPIRES;
    /** The fixed words after the lengths: the version and the access word. */
    static final int FIXED = 12;
    /** Where the access word lies after the version. */
    static final int ACCESS = 8;

    /** The version word's bits above the version: the value's form. */
    static final int FORM_SHIFT = 56;
    static final long VERSION_MASK = (1L << FORM_SHIFT) - 1;
    /** Where the value's form lies in the marks {@link MemoryTier#marks} makes, above the shape's. */
    static final int FORM_MARKS_SHIFT = 8;

    /** The longest key the layout holds (Redis allows 512 MB; 64 KiB is what the front ends accept). */
    static final int MAX_KEY_LENGTH = 0xffff;
    /** The access word's bit for "read since stored". */
    static final int FETCHED = 0x8000_0000;
    /** The largest relative expiry the 4 bytes hold: 49.7 days. */
    static final long MAX_RELATIVE_EXPIRY = 0xffff_ffffL;
    /** An expiry further away than this goes into the far field (memcached's relative ones reach 30 days). */
    static final long FAR_AFTER_MILLIS = 40L * 24 * 3600 * 1000;
    /** An open block older than this takes no more items, so that every near expiry fits its 4 bytes. */
    static final long MAX_BLOCK_AGE_MILLIS = 8L * 24 * 3600 * 1000;

    static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfByte BYTE = ValueLayout.JAVA_BYTE;

    private ItemFormat() {
    }

    /** The header's length before the version: shape, key length and value length. */
    static int lengthsSize(int shape, int storedLength) {
        return 1 + ((shape & WIDE_KEY) != 0 ? 3 : 1) + varintSize(storedLength);
    }

    /** The bytes of the optional fields the shape announces. */
    static int optionalSize(int shape) {
        return ((shape & EXPIRES) != 0 ? 4 : 0) + ((shape & HAS_FLAGS) != 0 ? 4 : 0) + ((shape & CHOSEN_CAS) != 0 ? 8 : 0)
                + ((shape & COMPRESSED) != 0 ? 4 : 0) + ((shape & FAR_EXPIRY) != 0 ? 8 : 0);
    }

    /**
     * Where the optional {@code field} lies after the version, in a shape that has it: the
     * fields come in the order of the layout above.
     */
    static int optionalAt(int shape, int field) {
        int at = FIXED;
        if (field == EXPIRES) {
            return at;
        }
        at += (shape & EXPIRES) != 0 ? 4 : 0;
        if (field == HAS_FLAGS) {
            return at;
        }
        at += (shape & HAS_FLAGS) != 0 ? 4 : 0;
        if (field == CHOSEN_CAS) {
            return at;
        }
        at += (shape & CHOSEN_CAS) != 0 ? 8 : 0;
        if (field == COMPRESSED) {
            return at;
        }
        return at + ((shape & COMPRESSED) != 0 ? 4 : 0);
    }

    /** The whole item's size in memory. */
    static long size(int shape, int keyLength, int storedLength) {
        return lengthsSize(shape, storedLength) + FIXED + optionalSize(shape) + keyLength + (long) storedLength;
    }

    /**
     * The shape of an item with these fields (no marks); an expiry of {@code expiry} kind: none
     * (0), near ({@link #EXPIRES}) or far ({@link #FAR_EXPIRY}).
     */
    static int shape(int keyLength, int database, int flags, boolean chosenCas, boolean compressed, int expiry) {
        return (keyLength > 0xff || database != 0 ? WIDE_KEY : 0) | (flags != 0 ? HAS_FLAGS : 0) | (chosenCas ? CHOSEN_CAS : 0)
                | (compressed ? COMPRESSED : 0) | expiry;
    }

    /** The expiry field an item stored at {@code nowMillis} needs: none, near or far. */
    static int expiryField(long expiresAt, long nowMillis) {
        return expiresAt == 0 ? 0 : needsFarExpiry(expiresAt, nowMillis) ? FAR_EXPIRY : EXPIRES;
    }

    static int varintSize(int value) {
        return value < 1 << 7 ? 1 : value < 1 << 14 ? 2 : value < 1 << 21 ? 3 : value < 1 << 28 ? 4 : 5;
    }

    /**
     * Writes an item's header and key at {@code at}; returns where its value goes. The version,
     * expiry and access words are written here too; they may be written again before publishing.
     */
    static long writeHeader(MemorySegment memory, long at, int shape, Key key, int storedLength) {
        memory.set(BYTE, at, (byte) shape);
        long p = at + 1;
        int keyLength = key.length();
        if ((shape & WIDE_KEY) != 0) {
            memory.set(SHORT, p, (short) keyLength);
            memory.set(BYTE, p + 2, (byte) key.database());
            p += 3;
        } else {
            memory.set(BYTE, p++, (byte) keyLength);
        }
        for (int v = storedLength; ; v >>>= 7) {
            if (v < 0x80) {
                memory.set(BYTE, p++, (byte) v);
                break;
            }
            memory.set(BYTE, p++, (byte) (v | 0x80));
        }
        long keyAt = p + FIXED + optionalSize(shape);
        MemorySegment.copy(key.array(), key.offset(), memory, BYTE, keyAt, keyLength);
        return keyAt + keyLength;
    }

    /**
     * Writes the expiry of an item whose version lies at {@code fixedAt}: relative to its block's
     * {@code baseMillis} when the shape has {@link #EXPIRES}, absolute when it has
     * {@link #FAR_EXPIRY}; false when the relative word cannot hold it in this block.
     */
    static boolean writeExpiry(MemorySegment memory, long fixedAt, int shape, long expiresAt, long baseMillis) {
        if ((shape & FAR_EXPIRY) != 0) {
            memory.set(LONG, fixedAt + optionalAt(shape, FAR_EXPIRY), expiresAt);
            return true;
        }
        if ((shape & EXPIRES) == 0) {
            return expiresAt == 0;
        }
        long relative = expiresAt - baseMillis;
        if (relative < 1 || relative > MAX_RELATIVE_EXPIRY) {
            return false;
        }
        memory.set(INT, fixedAt + optionalAt(shape, EXPIRES), (int) relative);
        return true;
    }

    /**
     * Whether an item stored at {@code nowMillis} to expire at {@code expiresAt} needs the far
     * field: its expiry is more than {@link #FAR_AFTER_MILLIS} away, or not after now. Every other
     * expiry fits the 4 bytes in any block whose base {@link #baseHolds holds} now.
     */
    static boolean needsFarExpiry(long expiresAt, long nowMillis) {
        return expiresAt != 0 && (expiresAt <= nowMillis || expiresAt - nowMillis > FAR_AFTER_MILLIS);
    }

    /** Whether items stored at {@code nowMillis} may go into a block based at {@code baseMillis}. */
    static boolean baseHolds(long baseMillis, long nowMillis) {
        return baseMillis <= nowMillis && nowMillis - baseMillis <= MAX_BLOCK_AGE_MILLIS;
    }

    // ---- reading, given the item's address (block and offset)

    static int shape(MemorySegment memory, long at) {
        return memory.get(BYTE, at) & 0xff;
    }

    static int keyLength(MemorySegment memory, long at, int shape) {
        return (shape & WIDE_KEY) != 0 ? memory.get(SHORT, at + 1) & 0xffff : memory.get(BYTE, at + 1) & 0xff;
    }

    static int database(MemorySegment memory, long at, int shape) {
        return (shape & WIDE_KEY) != 0 ? memory.get(BYTE, at + 3) & 0xff : 0;
    }

    /** Where the value-length varint starts. */
    static long varintAt(long at, int shape) {
        return at + ((shape & WIDE_KEY) != 0 ? 4 : 2);
    }

    /** Whether the item at {@code at} has the key {@code key}: lengths and database first, then the bytes. */
    static boolean hasKey(MemorySegment memory, long at, Key key) {
        int shape = shape(memory, at);
        if (keyLength(memory, at, shape) != key.length() || database(memory, at, shape) != key.database()) {
            return false;
        }
        return ItemView.sameBytes(memory, keyAt(memory, at, shape), key.array(), key.offset(), key.length());
    }

    /** Where the key of the item at {@code at} starts. */
    static long keyAt(MemorySegment memory, long at, int shape) {
        long varintAt = varintAt(at, shape);
        return varintAt + varintSize(storedLength(memory, varintAt)) + FIXED + optionalSize(shape);
    }

    /** The {@link org.ratmemcache.core.KeyHash} of the key of the item at {@code at}. */
    static long keyHash(MemorySegment memory, long at) {
        int shape = shape(memory, at);
        return KeyHash.of(database(memory, at, shape), memory, keyAt(memory, at, shape), keyLength(memory, at, shape));
    }

    static int storedLength(MemorySegment memory, long varintAt) {
        int value = 0;
        for (int shift = 0; ; shift += 7) {
            int b = memory.get(BYTE, varintAt++);
            value |= (b & 0x7f) << shift;
            if (b >= 0) {
                return value;
            }
        }
    }
}
