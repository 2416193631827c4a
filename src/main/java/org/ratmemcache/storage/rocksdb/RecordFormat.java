package org.ratmemcache.storage.rocksdb;

import java.nio.ByteBuffer;
import java.util.Arrays;

import org.ratmemcache.core.Item;
import org.ratmemcache.core.Key;
import org.ratmemcache.core.ValueForm;
import org.ratmemcache.core.compress.ValueCompression;
import org.ratmemcache.core.disk.DiskItem;

/**
 * How an item is laid out in RocksDB. The key is the RocksDB key itself; the value is this
 * record. Every integer is big-endian.
 *
 * <pre>
 * offset  size  field
 *      0     1  format version: 1, or 2 for an item whose CAS a client chose
 *      1     1  bits: 0x01 fetched since stored; 0x02 stale and 0x04 win token handed out
 *               (the meta protocol's marks); 0x08 the value is an LZ4 block; 0x30 the value's
 *               form (its ordinal, shifted by 4); the rest 0
 *      2     4  client flags
 *      6     8  expiry, epoch milliseconds; 0 never expires
 *     14     8  version: the CAS the cache handed out, which orders the stores
 *     22     8  last access, epoch milliseconds
 *     30     8  version 2 only: the CAS clients see (the meta protocol's E flag chose it);
 *               in version 1 it is the version
 *  30/38     n  the value's bytes; or, with bit 0x08, the value's length (4 bytes) and then
 *               its LZ4 block
 * </pre>
 *
 * A later format keeps this header readable: it bumps the version and adds fields after
 * {@link #HEADER} bytes, and its reader keeps a decoder for every earlier version. A record of an
 * unknown version is refused, never guessed at. Version 2 is written only for the rare item that
 * needs it, so a data directory without one stays readable by a build that knows only version 1.
 */
final class RecordFormat {

    static final byte VERSION = 1;
    static final byte VERSION_CHOSEN_CAS = 2;
    /** Bytes before the value. */
    static final int HEADER = 30;

    static final int FETCHED = 0x01;
    static final int STALE = 0x02;
    static final int WIN_TOKEN_SENT = 0x04;
    static final int LZ4 = 0x08;
    static final int FORM_SHIFT = 4;
    static final int FORM = 0x30;

    private RecordFormat() {
    }

    /**
     * The record of {@code item}; with {@code keepCompressed}, an item that holds its value as an
     * LZ4 block is written so (when RocksDB does not compress blocks itself).
     */
    static byte[] encode(Item item, boolean keepCompressed) {
        byte[] compressed = keepCompressed ? item.compressedValue() : null;
        byte[] value = compressed != null ? compressed : item.value();
        boolean chosenCas = item.cas() != item.version();
        int prefix = (chosenCas ? Long.BYTES : 0) + (compressed != null ? Integer.BYTES : 0);
        byte[] record = new byte[HEADER + prefix + value.length];
        ByteBuffer header = ByteBuffer.wrap(record);
        header.put(chosenCas ? VERSION_CHOSEN_CAS : VERSION)
                .put((byte) ((item.fetched() ? FETCHED : 0) | (item.stale() ? STALE : 0)
                        | (item.winTokenSent() ? WIN_TOKEN_SENT : 0) | (compressed != null ? LZ4 : 0)
                        | item.form().ordinal() << FORM_SHIFT))
                .putInt(item.flags())
                .putLong(item.expiresAt())
                .putLong(item.version())
                .putLong(item.accessedAt());
        if (chosenCas) {
            header.putLong(item.cas());
        }
        if (compressed != null) {
            header.putInt(item.valueLength());
        }
        System.arraycopy(value, 0, record, HEADER + prefix, value.length);
        return record;
    }

    /**
     * The length of the record {@link #encode} writes for an item of these lengths (the stored one
     * is the LZ4 block's when {@code compressed}); {@code chosenCas} when its CAS is not its version.
     */
    static int length(int valueLength, int storedLength, boolean compressed, boolean chosenCas, boolean keepCompressed) {
        boolean asBlock = keepCompressed && compressed;
        return HEADER + (chosenCas ? Long.BYTES : 0) + (asBlock ? Integer.BYTES + storedLength : valueLength);
    }

    /** The expiry of a record of which at least the first {@link #HEADER} bytes were read. */
    static long expiresAt(byte[] header) throws UnreadableRecordException {
        checkVersion(header);
        return ByteBuffer.wrap(header).getLong(6);
    }

    /** The version of a record of which at least the first {@link #HEADER} bytes were read. */
    static long version(byte[] header) throws UnreadableRecordException {
        checkVersion(header);
        return ByteBuffer.wrap(header).getLong(14);
    }

    static DiskItem decode(Key key, byte[] record) throws UnreadableRecordException {
        checkVersion(record);
        ByteBuffer header = ByteBuffer.wrap(record);
        byte bits = header.get(1);
        long version = header.getLong(14);
        boolean chosenCas = record[0] == VERSION_CHOSEN_CAS;
        int start = chosenCas ? HEADER + Long.BYTES : HEADER;
        if (record.length < start) {
            throw new UnreadableRecordException("record format 2 of " + record.length + " bytes has no CAS");
        }
        byte[] value = (bits & LZ4) == 0 ? Arrays.copyOfRange(record, start, record.length)
                : ValueCompression.decompress(Arrays.copyOfRange(record, start + Integer.BYTES, record.length),
                        header.getInt(start));
        return new DiskItem(key, value, header.getInt(2), header.getLong(6), chosenCas ? header.getLong(HEADER) : version,
                header.getLong(22), (bits & FETCHED) != 0, (bits & STALE) != 0, (bits & WIN_TOKEN_SENT) != 0, version,
                ValueForm.of((bits & FORM) >>> FORM_SHIFT));
    }

    private static void checkVersion(byte[] record) throws UnreadableRecordException {
        if (record.length < HEADER || (record[0] != VERSION && record[0] != VERSION_CHOSEN_CAS)) {
            throw new UnreadableRecordException("record format " + (record.length == 0 ? "empty" : record[0])
                    + " of " + record.length + " bytes is not format " + VERSION + " or " + VERSION_CHOSEN_CAS);
        }
    }

    /** A record this version cannot read. */
    static final class UnreadableRecordException extends Exception {
        UnreadableRecordException(String message) {
            super(message);
        }
    }
}
