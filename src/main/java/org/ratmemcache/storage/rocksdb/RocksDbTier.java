package org.ratmemcache.storage.rocksdb;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
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
import java.util.stream.Stream;

import org.jboss.logging.Logger;
import org.ratmemcache.core.DiskItem;
import org.ratmemcache.core.DiskTier;
import org.ratmemcache.core.DiskTierException;
import org.ratmemcache.core.Expiry;
import org.ratmemcache.core.Item;
import org.ratmemcache.core.Key;
import org.ratmemcache.core.PersistedState;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.LRUCache;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * The L2 tier on RocksDB.
 *
 * <h2>Layout</h2>
 * <ul>
 *   <li>Column family {@code items}: key bytes to a {@link RecordFormat} record.</li>
 *   <li>Column family {@code expiry}: expiry time (8 bytes, big-endian) + key, to the record's
 *       CAS, for every record that expires: the TTL sweep is a range scan up to now.</li>
 *   <li>Column family {@code age}: CAS (8 bytes, big-endian) to key. CAS uniques grow with every
 *       write, so this orders records by their last write: flushed records (CAS at or below the
 *       flush horizon) and the oldest records (evicted when the disk is over its bound) are both
 *       a range scan from the start.</li>
 *   <li>Column family {@code meta}: the {@link #FORMAT} fingerprint, the item count and the
 *       {@link PersistedState}, so that a restart neither scans the items nor reuses a CAS.</li>
 * </ul>
 *
 * <h2>Writes</h2>
 * One writer at a time (the cache's write-back thread). Each batch reads the header of the
 * records it replaces or deletes (the Bloom filter skips keys that are new), so it can keep the
 * totals (records, bytes) and both indexes exact, and writes them in the same atomic batch as
 * the items: a crash can never make them drift, and every index entry points at a record that
 * exists.
 *
 * <h2>Reads</h2>
 * {@link #mayContain} asks the memtables and the Bloom filters only, never the disk, so a miss for
 * a key the tier never held is answered on the event loop. {@link #read} may read the disk.
 *
 * <p>RocksDB's lock file keeps a second process (or a second tier in this one) off an open
 * directory; opening then fails with a message that says so.
 */
public final class RocksDbTier implements DiskTier {

    private static final Logger LOG = Logger.getLogger(RocksDbTier.class);

    /** The on-disk format this code reads and writes; another one is refused, never half-read. */
    static final String FORMAT = "ratmemcache-l2 records=1 meta=1 indexes=expiry,age";

    private static final byte[] ITEMS = "items".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] META = "meta".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EXPIRY = "expiry".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] AGE = "age".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FORMAT_KEY = "format".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TOTALS_KEY = "totals".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] STATE_KEY = "state".getBytes(StandardCharsets.US_ASCII);

    static {
        RocksDB.loadLibrary();
    }

    private final Path dataDir;
    private final RocksDB db;
    private final ColumnFamilyHandle items;
    private final ColumnFamilyHandle meta;
    private final ColumnFamilyHandle expiry;
    private final ColumnFamilyHandle age;
    /** Compacts after an eviction, so that deleted records give their space back. */
    private final ExecutorService compactor = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("ratmemcache-l2-compactor").daemon().factory());
    private final AtomicBoolean compacting = new AtomicBoolean();
    private final List<AutoCloseable> resources = new ArrayList<>();
    private final ReadOptions readOptions = new ReadOptions();
    private final WriteOptions writeOptions;
    /** Values that memory holds compressed are written compressed when RocksDB does not compress. */
    private final boolean keepCompressed;
    private final WriteOptions syncedWrites = new WriteOptions().setSync(true);
    /** Scratch for existence checks: only a record's header is copied out. */
    private final byte[] header = new byte[RecordFormat.HEADER];
    private final PersistedState openingState;
    /** Records stored, and bytes of their keys and records: exact, kept by the writer. */
    private volatile long itemCount;
    private volatile long dataBytes;

    private RocksDbTier(Path dataDir, RocksDB db, List<ColumnFamilyHandle> handles, RocksDbSettings settings)
            throws RocksDBException, DiskTierException {
        this.dataDir = dataDir;
        this.db = db;
        this.items = handles.get(1);
        this.meta = handles.get(2);
        this.expiry = handles.get(3);
        this.age = handles.get(4);
        this.writeOptions = new WriteOptions().setSync(settings.fsync());
        this.keepCompressed = settings.compression() == RocksDbSettings.Compression.NONE;
        checkFormat();
        byte[] totals = db.get(meta, TOTALS_KEY);
        this.itemCount = totals == null ? 0 : ByteBuffer.wrap(totals).getLong(0);
        this.dataBytes = totals == null ? 0 : ByteBuffer.wrap(totals).getLong(Long.BYTES);
        byte[] state = db.get(meta, STATE_KEY);
        this.openingState = state == null ? PersistedState.EMPTY : decodeState(state);
    }

    /** Opens (and creates, the first time) the database in the settings' data directory. */
    public static RocksDbTier open(RocksDbSettings settings) throws DiskTierException {
        Path dir = settings.dataDir().toAbsolutePath();
        try {
            if (settings.clearOnStartup()) {
                deleteContents(dir);
            }
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new DiskTierException("cannot prepare the L2 data directory " + dir + ": " + e.getMessage(), e);
        }
        LRUCache blockCache = new LRUCache(settings.blockCacheSize());
        BloomFilter bloom = new BloomFilter(10);
        ColumnFamilyOptions itemOptions = new ColumnFamilyOptions()
                .setWriteBufferSize(settings.writeBufferSize())
                .setMaxWriteBufferNumber(settings.maxWriteBufferNumber())
                .setCompressionType(compression(settings.compression()))
                .setTableFormatConfig(new BlockBasedTableConfig().setBlockCache(blockCache).setFilterPolicy(bloom));
        ColumnFamilyOptions metaOptions = new ColumnFamilyOptions();
        DBOptions options = new DBOptions()
                .setCreateIfMissing(true)
                .setCreateMissingColumnFamilies(true)
                .setMaxBackgroundJobs(settings.backgroundThreads())
                .setInfoLogLevel(InfoLogLevel.WARN_LEVEL)
                .setKeepLogFileNum(2)
                // Every batch also writes the small column families, so a log file would stay alive
                // until their memtables fill; this bound makes RocksDB flush them and let it go.
                .setMaxTotalWalSize(2 * settings.writeBufferSize() * settings.maxWriteBufferNumber());
        List<ColumnFamilyDescriptor> families = List.of(
                new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, metaOptions),
                new ColumnFamilyDescriptor(ITEMS, itemOptions),
                new ColumnFamilyDescriptor(META, metaOptions),
                new ColumnFamilyDescriptor(EXPIRY, metaOptions),
                new ColumnFamilyDescriptor(AGE, metaOptions));
        List<ColumnFamilyHandle> handles = new ArrayList<>();
        RocksDB db;
        try {
            db = RocksDB.open(options, dir.toString(), families, handles);
        } catch (RocksDBException e) {
            for (AutoCloseable resource : List.of(options, itemOptions, metaOptions, bloom, blockCache)) {
                closeQuietly(resource);
            }
            throw openFailure(dir, e);
        }
        try {
            RocksDbTier tier = new RocksDbTier(dir, db, handles, settings);
            tier.resources.addAll(handles);
            tier.resources.addAll(List.of(db, options, itemOptions, metaOptions, bloom, blockCache));
            LOG.infof("L2 tier open in %s: %d items", dir, tier.itemCount);
            return tier;
        } catch (RocksDBException | DiskTierException | RuntimeException e) {
            handles.forEach(RocksDbTier::closeQuietly);
            for (AutoCloseable resource : List.of(db, options, itemOptions, metaOptions, bloom, blockCache)) {
                closeQuietly(resource);
            }
            throw e instanceof DiskTierException d ? d
                    : new DiskTierException("cannot open the L2 tier in " + dir + ": " + e.getMessage(), e);
        }
    }

    @Override
    public boolean mayContain(Key key) {
        return db.keyMayExist(items, key.array(), key.offset(), key.length(), null);
    }

    @Override
    public DiskItem read(Key key) throws DiskTierException {
        try {
            byte[] record = db.get(items, readOptions, key.array(), key.offset(), key.length());
            return record == null ? null : RecordFormat.decode(key.toStored(), record);
        } catch (RocksDBException e) {
            throw failure("read", e);
        } catch (RecordFormat.UnreadableRecordException e) {
            throw new DiskTierException("unreadable record for key " + key + " in " + dataDir + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void write(List<? extends Item> puts, List<Key> deletes) throws DiskTierException {
        try (Batch batch = new Batch()) {
            for (Item item : puts) {
                batch.put(item);
            }
            for (Key key : deletes) {
                batch.delete(key.toBytes());
            }
            batch.commit();
        } catch (RocksDBException | RecordFormat.UnreadableRecordException e) {
            throw failure("write", e);
        }
    }

    @Override
    public int reclaim(long nowMillis, long flushCasLimit, int budget) throws DiskTierException {
        int expired = reclaimExpired(nowMillis, budget);
        return expired + reclaimFlushed(flushCasLimit, budget - expired);
    }

    /** Deletes records whose expiry has passed: the start of the expiry index. */
    private int reclaimExpired(long nowMillis, int budget) throws DiskTierException {
        try (Batch batch = new Batch(); RocksIterator expired = db.newIterator(expiry)) {
            int reclaimed = 0;
            for (expired.seekToFirst(); expired.isValid() && reclaimed < budget; expired.next()) {
                byte[] entry = expired.key();
                if (ByteBuffer.wrap(entry).getLong() > nowMillis) {
                    break;
                }
                if (batch.delete(Arrays.copyOfRange(entry, Long.BYTES, entry.length))) {
                    reclaimed++;
                }
            }
            batch.commit();
            return reclaimed;
        } catch (RocksDBException | RecordFormat.UnreadableRecordException e) {
            throw failure("reclaim expired", e);
        }
    }

    /** Deletes records that a flush has invalidated: the start of the age index. */
    private int reclaimFlushed(long flushCasLimit, int budget) throws DiskTierException {
        try (Batch batch = new Batch(); RocksIterator oldest = db.newIterator(age)) {
            int reclaimed = 0;
            for (oldest.seekToFirst(); oldest.isValid() && reclaimed < budget; oldest.next()) {
                if (ByteBuffer.wrap(oldest.key()).getLong() > flushCasLimit) {
                    break;
                }
                if (batch.delete(oldest.value())) {
                    reclaimed++;
                }
            }
            batch.commit();
            return reclaimed;
        } catch (RocksDBException | RecordFormat.UnreadableRecordException e) {
            throw failure("reclaim flushed", e);
        }
    }

    @Override
    public int evictOldest(long bytes) throws DiskTierException {
        try (Batch batch = new Batch(); RocksIterator oldest = db.newIterator(age)) {
            int evicted = 0;
            for (oldest.seekToFirst(); oldest.isValid() && -batch.bytes < bytes; oldest.next()) {
                if (batch.delete(oldest.value())) {
                    evicted++;
                }
            }
            batch.commit();
            if (evicted > 0) {
                compactInBackground();
            }
            return evicted;
        } catch (RocksDBException | RecordFormat.UnreadableRecordException e) {
            throw failure("evict", e);
        }
    }

    @Override
    public long dataBytes() {
        return dataBytes;
    }

    @Override
    public long diskUsage() {
        try (Stream<Path> files = Files.walk(dataDir)) {
            return files.filter(Files::isRegularFile).mapToLong(file -> file.toFile().length()).sum();
        } catch (IOException | UncheckedIOException e) {
            return -1;
        }
    }

    @Override
    public void writeState(PersistedState state) throws DiskTierException {
        try {
            db.put(meta, syncedWrites, STATE_KEY, encodeState(state));
        } catch (RocksDBException e) {
            throw failure("write state", e);
        }
    }

    @Override
    public PersistedState openingState() {
        return openingState;
    }

    @Override
    public long itemCount() {
        return itemCount;
    }

    /** The directory this tier lives in. */
    public Path dataDir() {
        return dataDir;
    }

    /** RocksDB's own estimates for the items, and the files' size. */
    @Override
    public Map<String, Long> statistics() {
        Map<String, Long> statistics = new LinkedHashMap<>();
        statistics.put("estimate_num_keys", property("rocksdb.estimate-num-keys"));
        statistics.put("estimate_live_data_size", property("rocksdb.estimate-live-data-size"));
        statistics.put("pending_compaction_bytes", property("rocksdb.estimate-pending-compaction-bytes"));
        statistics.put("disk_usage", diskUsage());
        return statistics;
    }

    private long property(String name) {
        try {
            return db.getLongProperty(items, name);
        } catch (RocksDBException e) {
            return -1;
        }
    }

    @Override
    public void close() {
        compactor.shutdownNow();
        try {
            compactor.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            db.flushWal(true);
        } catch (RocksDBException e) {
            LOG.warnf("L2 tier in %s: syncing the write-ahead log on close failed: %s", dataDir, e.getMessage());
        }
        closeQuietly(readOptions);
        closeQuietly(writeOptions);
        closeQuietly(syncedWrites);
        for (AutoCloseable resource : resources) {
            closeQuietly(resource);
        }
        LOG.infof("L2 tier in %s closed", dataDir);
    }

    /**
     * Reads the header of the key's record into {@link #header}; returns the record's length, or
     * {@link RocksDB#NOT_FOUND}. The Bloom filter answers most new keys without a read.
     */
    private int readHeader(byte[] key) throws RocksDBException {
        if (!db.keyMayExist(items, key, null)) {
            return RocksDB.NOT_FOUND;
        }
        return db.get(items, readOptions, key, 0, key.length, header, 0, header.length);
    }

    /**
     * One atomic write: records, their index entries, and the totals they change. Reads see the
     * database as it was before the batch, so a batch touches each key at most once.
     */
    private final class Batch implements AutoCloseable {
        private final WriteBatch batch = new WriteBatch();
        /** Changes to the totals. */
        private long items;
        private long bytes;
        private boolean changed;

        /** Stores the item, replacing its key's record if there is one. */
        void put(Item item) throws RocksDBException, RecordFormat.UnreadableRecordException {
            byte[] key = item.key().toBytes();
            delete(key);
            byte[] record = RecordFormat.encode(item, keepCompressed);
            batch.put(RocksDbTier.this.items, key, record);
            batch.put(age, bigEndian(item.cas()), key);
            if (item.expiresAt() != Expiry.NEVER) {
                batch.put(expiry, expiryKey(item.expiresAt(), key), bigEndian(item.cas()));
            }
            items++;
            bytes += key.length + record.length;
            changed = true;
        }

        /** Deletes the key's record and its index entries; returns whether there was one. */
        boolean delete(byte[] key) throws RocksDBException, RecordFormat.UnreadableRecordException {
            int size = readHeader(key);
            if (size == RocksDB.NOT_FOUND) {
                return false;
            }
            batch.delete(age, bigEndian(RecordFormat.cas(header)));
            long expiresAt = RecordFormat.expiresAt(header);
            if (expiresAt != Expiry.NEVER) {
                batch.delete(expiry, expiryKey(expiresAt, key));
            }
            batch.delete(RocksDbTier.this.items, key);
            items--;
            bytes -= key.length + size;
            changed = true;
            return true;
        }

        void commit() throws RocksDBException {
            if (!changed) {
                return;
            }
            long count = itemCount + items;
            long total = dataBytes + bytes;
            batch.put(meta, TOTALS_KEY, ByteBuffer.allocate(2 * Long.BYTES).putLong(count).putLong(total).array());
            db.write(writeOptions, batch);
            itemCount = count;
            dataBytes = total;
        }

        @Override
        public void close() {
            batch.close();
        }
    }

    private void compactInBackground() {
        if (compacting.compareAndSet(false, true)) {
            compactor.execute(() -> {
                try {
                    db.compactRange(items);
                } catch (RocksDBException e) {
                    LOG.warnf("L2 tier in %s: compaction after eviction failed: %s", dataDir, e.getMessage());
                } finally {
                    compacting.set(false);
                }
            });
        }
    }

    private static byte[] bigEndian(long value) {
        return ByteBuffer.allocate(Long.BYTES).putLong(value).array();
    }

    private static byte[] expiryKey(long expiresAt, byte[] key) {
        return ByteBuffer.allocate(Long.BYTES + key.length).putLong(expiresAt).put(key).array();
    }

    private void checkFormat() throws RocksDBException, DiskTierException {
        byte[] stored = db.get(meta, FORMAT_KEY);
        if (stored == null) {
            try (var iterator = db.newIterator(items)) {
                iterator.seekToFirst();
                if (iterator.isValid()) {
                    throw new DiskTierException("the L2 data directory " + dataDir
                            + " holds items but no format fingerprint: not a RatMemCache L2 tier, refusing to use it");
                }
            }
            db.put(meta, syncedWrites, FORMAT_KEY, FORMAT.getBytes(StandardCharsets.US_ASCII));
            return;
        }
        String format = new String(stored, StandardCharsets.US_ASCII);
        if (!format.equals(FORMAT)) {
            throw new DiskTierException("the L2 data directory " + dataDir + " holds format \"" + format
                    + "\", which this version cannot read (it reads \"" + FORMAT + "\"); "
                    + "point ratmemcache.l2.data-dir elsewhere or set ratmemcache.l2.clear-on-startup=true to discard it");
        }
    }

    private static byte[] encodeState(PersistedState state) {
        return ByteBuffer.allocate(3 * Long.BYTES)
                .putLong(state.casReserved()).putLong(state.flushCasLimit()).putLong(state.flushPendingAt()).array();
    }

    private static PersistedState decodeState(byte[] bytes) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        return new PersistedState(buffer.getLong(), buffer.getLong(), buffer.getLong());
    }

    private static CompressionType compression(RocksDbSettings.Compression compression) {
        return switch (compression) {
            case LZ4 -> CompressionType.LZ4_COMPRESSION;
            case ZSTD -> CompressionType.ZSTD_COMPRESSION;
            case NONE -> CompressionType.NO_COMPRESSION;
        };
    }

    private DiskTierException failure(String what, Exception e) {
        return new DiskTierException("L2 " + what + " failed in " + dataDir + ": " + e.getMessage(), e);
    }

    private static DiskTierException openFailure(Path dir, RocksDBException e) {
        String message = String.valueOf(e.getMessage());
        if (message.contains("lock")) {
            return new DiskTierException("the L2 data directory " + dir + " is in use by another RatMemCache "
                    + "(RocksDB holds " + dir.resolve("LOCK") + "); stop it or choose another ratmemcache.l2.data-dir", e);
        }
        return new DiskTierException("cannot open the L2 tier in " + dir + ": " + message, e);
    }

    private static void deleteContents(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                if (!path.equals(dir)) {
                    Files.delete(path);
                }
            }
        }
    }

    private static void closeQuietly(AutoCloseable resource) {
        try {
            resource.close();
        } catch (Exception e) {
            LOG.debugf(e, "closing %s failed", resource);
        }
    }
}
