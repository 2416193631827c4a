package org.ratmemcache.storage.rocksdb;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import org.jboss.logging.Logger;
import org.ratmemcache.core.DiskItem;
import org.ratmemcache.core.DiskTier;
import org.ratmemcache.core.DiskTierException;
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
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * The L2 tier on RocksDB.
 *
 * <h2>Layout</h2>
 * <ul>
 *   <li>Column family {@code items}: key bytes to a {@link RecordFormat} record.</li>
 *   <li>Column family {@code meta}: the {@link #FORMAT} fingerprint, the item count and the
 *       {@link PersistedState}, so that a restart neither scans the items nor reuses a CAS.</li>
 * </ul>
 *
 * <h2>Writes</h2>
 * One writer at a time (the cache's write-back thread). Each batch checks which of its keys
 * exist already, without reading their values where the Bloom filter says no, so the item count
 * is exact and stored in the same atomic batch as the items: a crash can never make it drift.
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
    static final String FORMAT = "ratmemcache-l2 records=1 meta=1";

    private static final byte[] ITEMS = "items".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] META = "meta".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FORMAT_KEY = "format".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] COUNT_KEY = "item-count".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] STATE_KEY = "state".getBytes(StandardCharsets.US_ASCII);

    static {
        RocksDB.loadLibrary();
    }

    private final Path dataDir;
    private final RocksDB db;
    private final ColumnFamilyHandle items;
    private final ColumnFamilyHandle meta;
    private final List<AutoCloseable> resources = new ArrayList<>();
    private final ReadOptions readOptions = new ReadOptions();
    private final WriteOptions writeOptions;
    private final WriteOptions syncedWrites = new WriteOptions().setSync(true);
    /** Scratch for existence checks: only a record's header is copied out. */
    private final byte[] header = new byte[RecordFormat.HEADER];
    private final PersistedState openingState;
    private volatile long itemCount;

    private RocksDbTier(Path dataDir, RocksDB db, ColumnFamilyHandle items, ColumnFamilyHandle meta, RocksDbSettings settings)
            throws RocksDBException, DiskTierException {
        this.dataDir = dataDir;
        this.db = db;
        this.items = items;
        this.meta = meta;
        this.writeOptions = new WriteOptions().setSync(settings.fsync());
        checkFormat();
        byte[] count = db.get(meta, COUNT_KEY);
        this.itemCount = count == null ? 0 : ByteBuffer.wrap(count).getLong();
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
                .setKeepLogFileNum(2);
        List<ColumnFamilyDescriptor> families = List.of(
                new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, metaOptions),
                new ColumnFamilyDescriptor(ITEMS, itemOptions),
                new ColumnFamilyDescriptor(META, metaOptions));
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
            RocksDbTier tier = new RocksDbTier(dir, db, handles.get(1), handles.get(2), settings);
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
        try (WriteBatch batch = new WriteBatch()) {
            long count = itemCount;
            for (Item item : puts) {
                Key key = item.key();
                if (!exists(key)) {
                    count++;
                }
                batch.put(items, key.toBytes(), RecordFormat.encode(item));
            }
            for (Key key : deletes) {
                if (exists(key)) {
                    count--;
                    batch.delete(items, key.toBytes());
                }
            }
            batch.put(meta, COUNT_KEY, ByteBuffer.allocate(Long.BYTES).putLong(count).array());
            db.write(writeOptions, batch);
            itemCount = count;
        } catch (RocksDBException e) {
            throw failure("write", e);
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

    /** A RocksDB property of the items, e.g. {@code rocksdb.estimate-num-keys}; -1 if unknown. */
    public long property(String name) {
        try {
            return db.getLongProperty(items, name);
        } catch (RocksDBException e) {
            return -1;
        }
    }

    @Override
    public void close() {
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

    /** Whether the key has a record, copying out no more than its header. */
    private boolean exists(Key key) throws RocksDBException {
        return db.keyMayExist(items, key.array(), key.offset(), key.length(), null)
                && db.get(items, readOptions, key.array(), key.offset(), key.length(), header, 0, header.length) != RocksDB.NOT_FOUND;
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

    private DiskTierException failure(String what, RocksDBException e) {
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
