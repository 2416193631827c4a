package org.ratmemcache.storage.rocksdb;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

import org.ratmemcache.core.Expiry;
import org.ratmemcache.core.Item;
import org.ratmemcache.core.disk.Prior;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * One atomic write: records, their index entries (see {@link RocksDbTier}'s layout), and the
 * totals they change. A put or delete takes the record it replaces out of the totals and both
 * indexes, so that they stay exact: from its {@link Prior} when the cache knows it, else from the
 * record's header, read first (the Bloom filters rule out most keys that are new without a read).
 * A put then overwrites the record, without a tombstone before it. Reads see the database as it
 * was before the batch, so a batch touches each key at most once.
 *
 * <p>The index entries are added at the commit, sorted by their keys: RocksDB's memtable inserts
 * a run of sorted keys starting from where the previous one ended, whereas the entries of the
 * records a batch replaces lie anywhere in the index (the batch's records are put in key order,
 * so their versions come in no order).
 */
final class RecordBatch implements AutoCloseable {

    private final RocksDatabase open;
    private final MetaRecords.Totals totals;
    private final Counts counts;
    private final ReadOptions readOptions;
    private final WriteOptions writeOptions;
    private final boolean keepCompressed;
    private final WriteBatch batch = new WriteBatch();
    private final List<IndexWrite> ageWrites = new ArrayList<>();
    private final List<IndexWrite> expiryWrites = new ArrayList<>();
    /** Scratch for existence checks: only a record's header is copied out. */
    private final byte[] header = new byte[RecordFormat.HEADER];
    /** Changes to the totals. */
    private long items;
    private long bytes;
    private boolean changed;

    /** @param keepCompressed write a value memory holds compressed as it is (RocksDB does not compress) */
    RecordBatch(RocksDatabase open, MetaRecords.Totals totals, Counts counts, ReadOptions readOptions, WriteOptions writeOptions,
            boolean keepCompressed) {
        this.open = open;
        this.totals = totals;
        this.counts = counts;
        this.readOptions = readOptions;
        this.writeOptions = writeOptions;
        this.keepCompressed = keepCompressed;
    }

    /** Records and puts written, and of those how many read the record they replace first: for statistics. */
    static final class Counts {
        final LongAdder written = new LongAdder();
        final LongAdder readBeforeWrite = new LongAdder();
    }

    /** Stores the item, replacing its key's record if there is one (a put overwrites it in place). */
    void put(Item item, Prior prior) throws RocksDBException, RecordFormat.UnreadableRecordException {
        byte[] key = item.key().toBytes();
        forgetRecord(key, prior);
        byte[] record = RecordFormat.encode(item, keepCompressed);
        batch.put(open.items, key, record);
        ageWrites.add(new IndexWrite(bigEndian(item.version()), key));
        if (item.expiresAt() != Expiry.NEVER) {
            expiryWrites.add(new IndexWrite(expiryKey(item.expiresAt(), key), bigEndian(item.version())));
        }
        items++;
        bytes += key.length + record.length;
        changed = true;
    }

    /** Deletes the key's record and its index entries; returns whether there was one. */
    boolean delete(byte[] key) throws RocksDBException, RecordFormat.UnreadableRecordException {
        return delete(key, Prior.UNKNOWN);
    }

    /** {@link #delete}, knowing what the disk holds. */
    boolean delete(byte[] key, Prior prior) throws RocksDBException, RecordFormat.UnreadableRecordException {
        if (!forgetRecord(key, prior)) {
            return false;
        }
        batch.delete(open.items, key);
        return true;
    }

    /**
     * Takes the key's current record, if there is one, out of the indexes and the totals; the
     * caller deletes or overwrites the record itself. Returns whether there was one.
     */
    private boolean forgetRecord(byte[] key, Prior prior) throws RocksDBException, RecordFormat.UnreadableRecordException {
        counts.written.increment();
        return switch (prior) {
            case Prior.None none -> false;
            case Prior.Held held -> forget(key, held.version(), held.expiresAt(),
                    RecordFormat.length(held.valueLength(), held.storedLength(), held.compressed(), held.chosenCas(), keepCompressed));
            case Prior.Unknown unknown -> {
                counts.readBeforeWrite.increment();
                int size = readHeader(key);
                yield size != RocksDB.NOT_FOUND && forget(key, RecordFormat.version(header), RecordFormat.expiresAt(header), size);
            }
        };
    }

    /** Takes the key's record of this version, expiry and length out of the indexes and the totals. */
    private boolean forget(byte[] key, long version, long expiresAt, int size) {
        ageWrites.add(new IndexWrite(bigEndian(version), null));
        if (expiresAt != Expiry.NEVER) {
            expiryWrites.add(new IndexWrite(expiryKey(expiresAt, key), null));
        }
        items--;
        bytes -= key.length + size;
        changed = true;
        return true;
    }

    /** Bytes of keys and records this batch has deleted so far, net of what it stores. */
    long bytesFreed() {
        return -bytes;
    }

    /** Writes the batch and the new totals, atomically. */
    void commit() throws RocksDBException {
        if (!changed) {
            return;
        }
        long count = totals.items + items;
        long total = totals.bytes + bytes;
        addSorted(open.age, ageWrites);
        addSorted(open.expiry, expiryWrites);
        MetaRecords.Totals.put(open, batch, count, total);
        open.db.write(writeOptions, batch);
        totals.items = count;
        totals.bytes = total;
    }

    @Override
    public void close() {
        batch.close();
    }

    /**
     * An index entry to put, or with no value to delete. The sort is stable: a delete and a put of
     * the same entry (a touch keeps the CAS) stay in that order.
     */
    private record IndexWrite(byte[] key, byte[] value) {
        static final Comparator<IndexWrite> BY_KEY = (a, b) -> Arrays.compareUnsigned(a.key, b.key);
    }

    private void addSorted(ColumnFamilyHandle index, List<IndexWrite> writes) throws RocksDBException {
        writes.sort(IndexWrite.BY_KEY);
        for (IndexWrite write : writes) {
            if (write.value == null) {
                batch.delete(index, write.key);
            } else {
                batch.put(index, write.key, write.value);
            }
        }
        writes.clear();
    }

    /** An expiry index key: the expiry, then the item's key, so that a scan runs in expiry order. */
    static byte[] expiryKey(long expiresAt, byte[] key) {
        return ByteBuffer.allocate(Long.BYTES + key.length).putLong(expiresAt).put(key).array();
    }

    static byte[] bigEndian(long value) {
        return ByteBuffer.allocate(Long.BYTES).putLong(value).array();
    }

    /**
     * Reads the header of the key's record into {@link #header}; returns the record's length, or
     * {@link RocksDB#NOT_FOUND}. One lookup: a key that is new is ruled out by the memtables and
     * the Bloom filters as cheaply as {@code keyMayExist} would, and a key that exists is not looked
     * up twice (a {@code keyMayExist} first cost the writer 30% of its time on overwrites).
     */
    private int readHeader(byte[] key) throws RocksDBException {
        return open.db.get(open.items, readOptions, key, 0, key.length, header, 0, header.length);
    }
}
