package org.ratmemcache.storage.rocksdb;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.ratmemcache.core.disk.DiskTierException;
import org.ratmemcache.core.disk.PersistedState;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * The {@code meta} column family: the on-disk format's fingerprint, the totals of the items, and
 * the cache's {@link PersistedState}, so that a restart neither scans the items nor reuses a CAS.
 */
final class MetaRecords {

    /** The on-disk format this code reads and writes; another one is refused, never half-read. */
    static final String FORMAT = "ratmemcache-l2 records=1 meta=1 indexes=expiry,age";

    private static final byte[] FORMAT_KEY = "format".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TOTALS_KEY = "totals".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] STATE_KEY = "state".getBytes(StandardCharsets.US_ASCII);

    /** Records stored, and bytes of their keys and records: exact, kept by the writer. */
    static final class Totals {
        volatile long items;
        volatile long bytes;

        void load(RocksDatabase open) throws RocksDBException {
            byte[] totals = open.db.get(open.meta, TOTALS_KEY);
            items = totals == null ? 0 : ByteBuffer.wrap(totals).getLong(0);
            bytes = totals == null ? 0 : ByteBuffer.wrap(totals).getLong(Long.BYTES);
        }

        /** Records new totals in {@code batch}, to be written with the changes they count. */
        static void put(RocksDatabase open, WriteBatch batch, long items, long bytes) throws RocksDBException {
            batch.put(open.meta, TOTALS_KEY, ByteBuffer.allocate(2 * Long.BYTES).putLong(items).putLong(bytes).array());
        }
    }

    private MetaRecords() {
    }

    /**
     * Accepts a database of this format, or a new one (which gets the fingerprint); refuses another
     * format, and a database that holds items without a fingerprint.
     */
    static void checkFormat(RocksDatabase open, Path dataDir, WriteOptions synced) throws RocksDBException, DiskTierException {
        byte[] stored = open.db.get(open.meta, FORMAT_KEY);
        if (stored == null) {
            try (RocksIterator iterator = open.db.newIterator(open.items)) {
                iterator.seekToFirst();
                if (iterator.isValid()) {
                    throw new DiskTierException("the L2 data directory " + dataDir
                            + " holds items but no format fingerprint: not a RatMemCache L2 tier, refusing to use it");
                }
            }
            open.db.put(open.meta, synced, FORMAT_KEY, FORMAT.getBytes(StandardCharsets.US_ASCII));
            return;
        }
        String format = new String(stored, StandardCharsets.US_ASCII);
        if (!format.equals(FORMAT)) {
            throw new DiskTierException("the L2 data directory " + dataDir + " holds format \"" + format
                    + "\", which this version cannot read (it reads \"" + FORMAT + "\"); "
                    + "point ratmemcache.l2.data-dir elsewhere or set ratmemcache.l2.clear-on-startup=true to discard it");
        }
    }

    /** The state last written, or {@link PersistedState#EMPTY}. */
    static PersistedState readState(RocksDatabase open) throws RocksDBException {
        byte[] state = open.db.get(open.meta, STATE_KEY);
        if (state == null) {
            return PersistedState.EMPTY;
        }
        PersistedState read = PersistedState.fromBytes(state);
        if (read == null) {
            throw new RocksDBException("the state record holds " + state.length + " bytes, a length no layout has");
        }
        return read;
    }

    static void writeState(RocksDatabase open, WriteOptions synced, PersistedState state) throws RocksDBException {
        open.db.put(open.meta, synced, STATE_KEY, state.toBytes());
    }
}
