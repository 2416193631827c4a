package org.ratmemcache.storage.log;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

import org.ratmemcache.core.Item;
import org.ratmemcache.core.Key;
import org.ratmemcache.core.ValueForm;
import org.ratmemcache.core.compress.ValueCompression;
import org.ratmemcache.core.disk.DiskItem;

/**
 * One record of the log: an item, or a tombstone saying a key's records up to a version are
 * deleted. Every integer is big-endian.
 *
 * <pre>
 * offset  size  field
 *      0     1  kind: 1 an item, 2 an item whose CAS a client chose, 3 a tombstone
 *      1     1  bits: 0x01 fetched since stored; 0x02 stale; 0x04 win token handed out; 0x08 LZ4;
 *                 0x10 a wide key; 0x60 the value's form (its ordinal, shifted by 5)
 *      2     1  key length (0 for a wide key)
 *      3     4  client flags
 *      7     8  expiry, epoch milliseconds; 0 never expires
 *     15     8  version (for a tombstone: the last version it deletes)
 *     23     8  last access, epoch milliseconds
 *     31     4  the value's length
 *     35     4  the stored value's length: the LZ4 block's with bit 0x08
 *     39     8  kind 2 only: the CAS clients see
 *            2  a wide key only (longer than 255 bytes, or outside database 0): the key length
 *            1  a wide key only: the key's database
 *            k  the key
 *            n  the stored value
 * </pre>
 *
 * A value memory holds compressed is written as it is, and read back without decompressing until
 * a client asks for it.
 */
final class LogRecord {

    static final byte ITEM = 1;
    static final byte ITEM_CHOSEN_CAS = 2;
    static final byte TOMBSTONE = 3;

    static final int FETCHED = 0x01;
    static final int STALE = 0x02;
    static final int WIN_TOKEN_SENT = 0x04;
    static final int LZ4 = 0x08;
    static final int WIDE_KEY = 0x10;
    static final int FORM_SHIFT = 5;
    static final int FORM = 0x60;
    /** A wide key's length and database. */
    static final int WIDE = 3;

    /** Bytes before the key, without a chosen CAS. */
    static final int HEADER = 39;
    /** The most a record's header and key take: enough to read a key without knowing the record's length. */
    static final int MAX_HEAD = HEADER + Long.BYTES + WIDE + Key.MAX_LENGTH;

    private LogRecord() {
    }

    /** The bytes {@link #putItem} writes for {@code item}. */
    static int length(Item item) {
        return HEADER + (item.cas() != item.version() ? Long.BYTES : 0) + keyLength(item.key()) + item.storedLength();
    }

    /** The bytes a key takes: a wide key's length and database, then its bytes. */
    private static int keyLength(Key key) {
        return (wide(key) ? WIDE : 0) + key.length();
    }

    private static boolean wide(Key key) {
        return key.length() > 0xff || key.database() != 0;
    }

    /** The bytes {@link #putTombstone} writes for {@code key}. */
    static int tombstoneLength(Key key) {
        return HEADER + keyLength(key);
    }

    /** Writes {@code item}'s record at {@code out}'s position, which moves past it. */
    static void putItem(ByteBuffer out, Item item) {
        boolean chosenCas = item.cas() != item.version();
        Key key = item.key();
        out.put(chosenCas ? ITEM_CHOSEN_CAS : ITEM)
                .put((byte) ((item.fetched() ? FETCHED : 0) | (item.stale() ? STALE : 0)
                        | (item.winTokenSent() ? WIN_TOKEN_SENT : 0) | (item.compressed() ? LZ4 : 0)
                        | (wide(key) ? WIDE_KEY : 0) | item.form().ordinal() << FORM_SHIFT))
                .put(wide(key) ? 0 : (byte) key.length())
                .putInt(item.flags())
                .putLong(item.expiresAt())
                .putLong(item.version())
                .putLong(item.accessedAt())
                .putInt(item.valueLength())
                .putInt(item.storedLength());
        if (chosenCas) {
            out.putLong(item.cas());
        }
        putKey(out, key);
        int stored = item.storedLength();
        MemorySegment.copy(item.valueMemory(), item.valueOffset(), MemorySegment.ofBuffer(out), 0, stored);
        out.position(out.position() + stored);
    }

    /** Writes a tombstone for {@code key}'s records up to {@code version}. */
    static void putTombstone(ByteBuffer out, Key key, long version) {
        out.put(TOMBSTONE).put((byte) (wide(key) ? WIDE_KEY : 0)).put(wide(key) ? 0 : (byte) key.length())
                .putInt(0).putLong(0).putLong(version).putLong(0).putInt(0).putInt(0);
        putKey(out, key);
    }

    private static void putKey(ByteBuffer out, Key key) {
        if (wide(key)) {
            out.putShort((short) key.length()).put((byte) key.database());
        }
        out.put(key.array(), key.offset(), key.length());
    }

    /**
     * The record that starts at {@code at} in {@code in}, at most {@code limit} bytes from there;
     * {@code null} for a kind or length this build does not know.
     */
    static View view(ByteBuffer in, int at, int limit) {
        if (limit < HEADER) {
            return null;
        }
        byte kind = in.get(at);
        if (kind != ITEM && kind != ITEM_CHOSEN_CAS && kind != TOMBSTONE) {
            return null;
        }
        int keyAt = at + HEADER + (kind == ITEM_CHOSEN_CAS ? Long.BYTES : 0);
        int keyLength = in.get(at + 2) & 0xff;
        int database = 0;
        if ((in.get(at + 1) & WIDE_KEY) != 0) {
            if (keyAt + WIDE > at + limit || keyAt + WIDE > in.limit()) {
                return null;
            }
            keyLength = in.getShort(keyAt) & 0xffff;
            database = in.get(keyAt + 2) & 0xff;
            keyAt += WIDE;
        }
        long stored = in.getInt(at + 35) & 0xffff_ffffL;
        long length = keyAt - at + keyLength + stored;
        return length > limit ? null : new View(in, at, keyAt, keyLength, database, (int) length);
    }

    /** A record in a buffer, read in place. */
    record View(ByteBuffer in, int at, int keyAt, int keyLength, int database, int length) {

        boolean tombstone() {
            return in.get(at) == TOMBSTONE;
        }

        long version() {
            return in.getLong(at + 15);
        }

        long expiresAt() {
            return in.getLong(at + 7);
        }

        Key key() {
            byte[] key = new byte[keyLength];
            in.get(keyAt, key);
            return Key.of(database, key);
        }

        boolean hasKey(Key key) {
            return keyLength == key.length() && database == key.database()
                    && in.slice(keyAt, keyLength).equals(ByteBuffer.wrap(key.array(), key.offset(), key.length()));
        }

        /** The item this record holds, for {@code key} (which {@link #hasKey}). */
        DiskItem item(Key key) {
            byte bits = in.get(at + 1);
            int valueLength = in.getInt(at + 31);
            byte[] stored = new byte[in.getInt(at + 35)];
            in.get(keyAt + keyLength, stored);
            byte[] value = (bits & LZ4) == 0 ? stored : ValueCompression.decompress(stored, valueLength);
            long version = version();
            long cas = in.get(at) == ITEM_CHOSEN_CAS ? in.getLong(at + HEADER) : version;
            return new DiskItem(key, value, in.getInt(at + 3), expiresAt(), cas, in.getLong(at + 23),
                    (bits & FETCHED) != 0, (bits & STALE) != 0, (bits & WIN_TOKEN_SENT) != 0, version,
                    ValueForm.of((bits & FORM) >>> FORM_SHIFT));
        }
    }
}
