package org.ratmemcache.storage.rocksdb;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.ratmemcache.core.Item;
import org.ratmemcache.core.DatabaseSize;
import org.ratmemcache.core.Key;
import org.ratmemcache.core.KeyScan;
import org.ratmemcache.core.disk.DataDirs;
import org.ratmemcache.core.disk.DiskItem;
import org.ratmemcache.core.disk.DiskTier;
import org.ratmemcache.core.disk.DiskTierException;
import org.ratmemcache.core.disk.DiskWrite;
import org.ratmemcache.core.disk.FlushLimits;
import org.ratmemcache.core.disk.LowestPositions;
import org.ratmemcache.core.disk.PersistedState;
import org.ratmemcache.core.disk.Removals;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteOptions;

/**
 * The L2 tier on RocksDB.
 *
 * <h2>Layout</h2>
 * <ul>
 *   <li>Column family {@code items}: key bytes to a {@link RecordFormat} record.</li>
 *   <li>Column family {@code expiry}: expiry time (8 bytes, big-endian) + key, to the record's
 *       version, for every record that expires: the TTL sweep is a range scan up to now.</li>
 *   <li>Column family {@code age}: version (8 bytes, big-endian) to key. The version is the CAS
 *       the cache handed out ({@link org.ratmemcache.core.Item#version()}, whatever CAS a client
 *       chose), which grows with every
 *       write, so this orders records by their last write: flushed records (version at or below the
 *       flush horizon) and the oldest records (evicted when the disk is over its bound) are both
 *       a range scan from the start.</li>
 *   <li>Column family {@code meta}: the format fingerprint, the totals and the
 *       {@link PersistedState} ({@link MetaRecords}).</li>
 * </ul>
 *
 * <h2>Writes</h2>
 * One writer at a time (the cache's write-back thread), in {@link RecordBatch}es that keep the
 * totals (records, bytes) and both indexes exact and write them atomically with the items: a
 * crash can never make them drift, and every index entry points at a record that exists.
 *
 * <h2>Reads</h2>
 * {@link #mayContain} asks the memtables and the Bloom filters only, never the disk, so a miss for
 * a key the tier never held is answered on the event loop. {@link #read} may read the disk.
 *
 * <h2>Failure and recovery</h2>
 * A write that fails (a full disk, a read-only file system) leaves RocksDB refusing writes until
 * it is reopened. {@link #recover()} reopens it ({@link ReopenableDatabase}); meanwhile calls
 * fail (reads as errors, {@link #mayContain} as "maybe"), never crash.
 *
 * <p>RocksDB's lock file keeps a second process (or a second tier in this one) off an open
 * directory; opening then fails with a message that says so.
 */
public final class RocksDbTier implements DiskTier {

    private static final System.Logger LOG = System.getLogger(RocksDbTier.class.getName());

    private final Path dataDir;
    private final ReopenableDatabase database;
    /** Compacts after an eviction, so that deleted records give their space back. */
    private final ExecutorService compactor = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("ratmemcache-l2-compactor").daemon().factory());
    private final AtomicBoolean compacting = new AtomicBoolean();
    private final ReadOptions readOptions = new ReadOptions();
    private final WriteOptions writeOptions;
    private final WriteOptions syncedWrites = new WriteOptions().setSync(true);
    /** Values that memory holds compressed are written compressed when RocksDB does not compress. */
    private final boolean keepCompressed;
    private final PersistedState openingState;
    private final MetaRecords.Totals totals = new MetaRecords.Totals();
    private final RecordBatch.Counts counts = new RecordBatch.Counts();

    private RocksDbTier(Path dataDir, RocksDbSettings settings, RocksDatabase open) throws RocksDBException, DiskTierException {
        this.dataDir = dataDir;
        this.writeOptions = new WriteOptions().setSync(settings.fsync());
        this.keepCompressed = settings.compression() == RocksDbSettings.Compression.NONE;
        MetaRecords.checkFormat(open, dataDir, syncedWrites);
        totals.load(open);
        this.openingState = MetaRecords.readState(open);
        this.database = new ReopenableDatabase(dataDir, settings, open);
    }

    /** Opens (and creates, the first time) the database in the settings' data directory. */
    public static RocksDbTier open(RocksDbSettings settings) throws DiskTierException {
        Path dir = settings.dataDir().toAbsolutePath();
        try {
            if (settings.clearOnStartup()) {
                DataDirs.deleteContents(dir);
            }
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new DiskTierException("cannot create the L2 data directory " + dir + ": " + describe(e), e);
        }
        RocksDatabase open;
        try {
            open = RocksDatabase.open(dir, settings);
        } catch (RocksDBException e) {
            throw openFailure(dir, e);
        }
        try {
            RocksDbTier tier = new RocksDbTier(dir, settings, open);
            LOG.log(System.Logger.Level.INFO, "L2 tier open in " + dir + ": " + tier.totals.items + " items");
            return tier;
        } catch (RocksDBException | DiskTierException | RuntimeException e) {
            open.close();
            throw e instanceof DiskTierException d ? d
                    : new DiskTierException("cannot open the L2 tier in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Database 0 only: a record's key is the key's bytes, with no room for a database. */
    @Override
    public int databases() {
        return 1;
    }

    @Override
    public boolean mayContain(Key key) {
        // when the tier cannot tell, the caller asks read(), which reports the failure
        return database.insideOr(true, open -> open.db.keyMayExist(open.items, key.array(), key.offset(), key.length(), null));
    }

    @Override
    public DiskItem read(Key key) throws DiskTierException {
        return database.inside("read of " + key, open -> {
            byte[] record = open.db.get(open.items, readOptions, key.array(), key.offset(), key.length());
            return record == null ? null : RecordFormat.decode(key.toStored(), record);
        });
    }

    // ---- Redis's keyspace: every record is of database 0 here, and each scan or count reads them all

    @Override
    public ScannedKeys scan(int database, long cursor, int count, long nowMillis, FlushLimits flushed) throws DiskTierException {
        LowestPositions<Key> page = new LowestPositions<>(cursor, count);
        forEachLive(database, nowMillis, flushed, item -> page.offer(KeyScan.position(item.key()), item.key()));
        return new ScannedKeys(page.lowest(), page.more());
    }

    /** One iterator, so one snapshot of the database: every key is counted or left out at the same moment. */
    @Override
    public DatabaseSize size(int database, long nowMillis, FlushLimits flushed, java.util.Set<Key> decidedElsewhere)
            throws DiskTierException {
        long[] counts = new long[2];
        forEachLive(database, nowMillis, flushed, item -> {
            if (!decidedElsewhere.contains(item.key())) {
                counts[0]++;
                counts[1] += item.expiresAt() != 0 ? 1 : 0;
            }
        });
        return new DatabaseSize(counts[0], counts[1]);
    }

    private void forEachLive(int db, long nowMillis, FlushLimits flushed, java.util.function.Consumer<DiskItem> action)
            throws DiskTierException {
        if (db != 0) {
            return;
        }
        database.inside("a keyspace pass", open -> {
            try (RocksIterator items = open.db.newIterator(open.items, readOptions)) {
                for (items.seekToFirst(); items.isValid(); items.next()) {
                    DiskItem item = RecordFormat.decode(Key.of(items.key()), items.value());
                    if (live(item, nowMillis, flushed)) {
                        action.accept(item);
                    }
                }
            }
            return null;
        });
    }

    private static boolean live(DiskItem item, long nowMillis, FlushLimits flushed) {
        return item.version() > flushed.of(0) && !org.ratmemcache.core.Expiry.isExpired(item.expiresAt(), nowMillis);
    }

    @Override
    public List<Key> keysAfter(byte[] prefix, Key after, int max) throws DiskTierException {
        return database.inside("key listing", open -> {
            List<Key> keys = new ArrayList<>(Math.min(max, 1024));
            try (RocksIterator items = open.db.newIterator(open.items, readOptions)) {
                byte[] afterBytes = after == null ? null : after.toBytes();
                byte[] start = afterBytes != null && Arrays.compareUnsigned(afterBytes, prefix) > 0 ? afterBytes : prefix;
                for (items.seek(start); items.isValid() && keys.size() < max; items.next()) {
                    Key key = Key.of(items.key());
                    if (!key.startsWith(prefix)) {
                        break;
                    }
                    if (after == null || key.compareTo(after) > 0) {
                        keys.add(key);
                    }
                }
            }
            return keys;
        });
    }

    @Override
    public void write(List<DiskWrite> writes) throws DiskTierException {
        database.inside("write", open -> {
            try (RecordBatch batch = batch(open)) {
                // In key order, so that each memtable insert starts its search where the last one
                // ended, and the header reads walk the files in order (a batch holds a key once).
                for (DiskWrite write : writes.stream().sorted(Comparator.comparing(DiskWrite::key)).toList()) {
                    if (write.item() == null) {
                        batch.delete(write.key().toBytes(), write.prior());
                    } else {
                        batch.put(write.item(), write.prior());
                    }
                }
                batch.commit();
            }
            return null;
        });
    }

    @Override
    public int reclaim(long nowMillis, FlushLimits flushed, int budget, Removals removals) throws DiskTierException {
        return database.inside("reclaim", open -> {
            int expired = removing(removals, () -> reclaimExpired(open, nowMillis, budget, removals));
            // every record is of database 0 here
            return expired + removing(removals, () -> reclaimFlushed(open, flushed.of(0), budget - expired, removals));
        });
    }

    /** Deletes records whose expiry has passed: the start of the expiry index. */
    private int reclaimExpired(RocksDatabase open, long nowMillis, int budget, Removals removals)
            throws RocksDBException, RecordFormat.UnreadableRecordException {
        try (RecordBatch batch = batch(open); RocksIterator expired = open.db.newIterator(open.expiry)) {
            int reclaimed = 0;
            for (expired.seekToFirst(); expired.isValid() && reclaimed < budget; expired.next()) {
                byte[] entry = expired.key();
                if (ByteBuffer.wrap(entry).getLong() > nowMillis) {
                    break;
                }
                byte[] key = Arrays.copyOfRange(entry, Long.BYTES, entry.length);
                if (removals.mayRemove(Key.of(key), ByteBuffer.wrap(expired.value()).getLong()) && batch.delete(key)) {
                    reclaimed++;
                }
            }
            batch.commit();
            return reclaimed;
        }
    }

    /** Deletes records that a flush has invalidated: the start of the age index. */
    private int reclaimFlushed(RocksDatabase open, long flushCasLimit, int budget, Removals removals)
            throws RocksDBException, RecordFormat.UnreadableRecordException {
        try (RecordBatch batch = batch(open); RocksIterator oldest = open.db.newIterator(open.age)) {
            int reclaimed = 0;
            for (oldest.seekToFirst(); oldest.isValid() && reclaimed < budget; oldest.next()) {
                long version = ByteBuffer.wrap(oldest.key()).getLong();
                if (version > flushCasLimit) {
                    break;
                }
                if (removals.mayRemove(Key.of(oldest.value()), version) && batch.delete(oldest.value())) {
                    reclaimed++;
                }
            }
            batch.commit();
            return reclaimed;
        }
    }

    @Override
    public int evictOldest(long bytes, Removals removals) throws DiskTierException {
        int evicted = database.inside("evict", open -> removing(removals, () -> {
            try (RecordBatch batch = batch(open); RocksIterator oldest = open.db.newIterator(open.age)) {
                int deleted = 0;
                for (oldest.seekToFirst(); oldest.isValid() && batch.bytesFreed() < bytes; oldest.next()) {
                    if (removals.mayRemove(Key.of(oldest.value()), ByteBuffer.wrap(oldest.key()).getLong())
                            && batch.delete(oldest.value())) {
                        deleted++;
                    }
                }
                batch.commit();
                return deleted;
            }
        }));
        if (evicted > 0) {
            compactInBackground();
        }
        return evicted;
    }

    @Override
    public void writeState(PersistedState state) throws DiskTierException {
        database.inside("write of the state", open -> {
            MetaRecords.writeState(open, syncedWrites, state);
            return null;
        });
    }

    /**
     * Reopens the database after a failed write. If the disk is still failing, the reopen fails
     * too, and the next call to recover tries again.
     */
    @Override
    public void recover() throws DiskTierException {
        database.reopen(open -> {
            totals.load(open);
            return null;
        });
        LOG.log(System.Logger.Level.INFO, "L2 tier in " + dataDir + " reopened after a failure: " + totals.items + " items");
    }

    @Override
    public PersistedState openingState() {
        return openingState;
    }

    @Override
    public long itemCount() {
        return totals.items;
    }

    @Override
    public long dataBytes() {
        return totals.bytes;
    }

    @Override
    public long diskUsage() {
        return DataDirs.usage(dataDir);
    }

    /** RocksDB's own estimates for the items, and the files' size. */
    @Override
    public Map<String, Long> statistics() {
        Map<String, Long> statistics = new LinkedHashMap<>();
        statistics.put("estimate_num_keys", property("rocksdb.estimate-num-keys"));
        statistics.put("estimate_live_data_size", property("rocksdb.estimate-live-data-size"));
        statistics.put("pending_compaction_bytes", property("rocksdb.estimate-pending-compaction-bytes"));
        statistics.put("disk_usage", diskUsage());
        statistics.put("records_written", counts.written.sum());
        statistics.put("records_read_before_write", counts.readBeforeWrite.sum());
        return statistics;
    }

    /** Records and bytes counted one by one, for checking the totals: a scan of every record. */
    public long[] recount() throws DiskTierException {
        return database.inside("recount", open -> {
            long records = 0;
            long bytes = 0;
            try (RocksIterator items = open.db.newIterator(open.items, readOptions)) {
                for (items.seekToFirst(); items.isValid(); items.next()) {
                    records++;
                    bytes += items.key().length + items.value().length;
                }
            }
            return new long[] {records, bytes};
        });
    }

    /** The directory this tier lives in. */
    public Path dataDir() {
        return dataDir;
    }

    @Override
    public void close() {
        compactor.shutdownNow();
        try {
            compactor.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        database.close();
        RocksDatabase.closeQuietly(readOptions);
        RocksDatabase.closeQuietly(writeOptions);
        RocksDatabase.closeQuietly(syncedWrites);
        LOG.log(System.Logger.Level.INFO, "L2 tier in " + dataDir + " closed");
    }

    /** Runs one batch of removals, then tells {@code removals} whether it was written. */
    private static int removing(Removals removals, RemovalBatch batch) throws RocksDBException, RecordFormat.UnreadableRecordException {
        boolean written = false;
        try {
            int removed = batch.run();
            written = true;
            return removed;
        } finally {
            removals.removed(written);
        }
    }

    @FunctionalInterface
    private interface RemovalBatch {
        int run() throws RocksDBException, RecordFormat.UnreadableRecordException;
    }

    private RecordBatch batch(RocksDatabase open) {
        return new RecordBatch(open, totals, counts, readOptions, writeOptions, keepCompressed);
    }

    private long property(String name) {
        return database.insideOr(-1L, open -> open.db.getLongProperty(open.items, name));
    }

    private void compactInBackground() {
        if (compacting.compareAndSet(false, true)) {
            compactor.execute(() -> {
                try {
                    database.inside("compaction", open -> {
                        open.db.compactRange(open.items);
                        return null;
                    });
                } catch (DiskTierException e) {
                    LOG.log(System.Logger.Level.WARNING, "L2 tier in " + dataDir + ": compaction after eviction failed: "
                            + e.getMessage());
                } finally {
                    compacting.set(false);
                }
            });
        }
    }

    private static DiskTierException openFailure(Path dir, RocksDBException e) {
        String message = String.valueOf(e.getMessage());
        if (message.contains("lock")) {
            return new DiskTierException("the L2 data directory " + dir + " is in use by another RatMemCache "
                    + "(RocksDB holds " + dir.resolve("LOCK") + "); stop it or choose another ratmemcache.l2.data-dir", e);
        }
        return new DiskTierException("cannot open the L2 tier in " + dir + ": " + message, e);
    }

    /** An I/O failure in words, as an operator reads it. */
    private static String describe(IOException e) {
        return switch (e) {
            case java.nio.file.AccessDeniedException denied -> "permission denied on " + denied.getFile();
            case java.nio.file.NoSuchFileException missing -> "cannot create " + missing.getFile();
            case java.nio.file.FileAlreadyExistsException clash -> clash.getFile() + " exists and is not a directory";
            case java.nio.file.FileSystemException other when other.getReason() != null -> other.getReason();
            default -> e.toString();
        };
    }
}
