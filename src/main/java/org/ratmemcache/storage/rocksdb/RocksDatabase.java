package org.ratmemcache.storage.rocksdb;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DataBlockIndexType;
import org.rocksdb.DBOptions;
import org.rocksdb.Env;
import org.rocksdb.FlushOptions;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.LRUCache;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.SstFileManager;
import org.rocksdb.WriteBufferManager;

/**
 * One open RocksDB instance with the tier's column families, and every native object it needs:
 * opened together, closed together (handles before the database, options after it).
 */
final class RocksDatabase implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(RocksDatabase.class.getName());

    static final byte[] ITEMS = "items".getBytes(StandardCharsets.US_ASCII);
    static final byte[] META = "meta".getBytes(StandardCharsets.US_ASCII);
    static final byte[] EXPIRY = "expiry".getBytes(StandardCharsets.US_ASCII);
    static final byte[] AGE = "age".getBytes(StandardCharsets.US_ASCII);

    /**
     * The memtable's Bloom filter, as a share of its size, taken from the memtable's own budget:
     * 1% is 13 bits per entry for the smallest records (16-byte key, 100-byte value, ~160 bytes).
     */
    private static final double MEMTABLE_BLOOM_RATIO = 0.01;

    static {
        RocksDbLibrary.load();
    }

    final RocksDB db;
    final ColumnFamilyHandle items;
    final ColumnFamilyHandle meta;
    final ColumnFamilyHandle expiry;
    final ColumnFamilyHandle age;
    private final List<ColumnFamilyHandle> handles;
    private final List<AutoCloseable> options;

    private RocksDatabase(RocksDB db, List<ColumnFamilyHandle> handles, List<AutoCloseable> options) {
        this.db = db;
        this.handles = handles;
        this.options = options;
        this.items = handles.get(1);
        this.meta = handles.get(2);
        this.expiry = handles.get(3);
        this.age = handles.get(4);
    }

    /** Opens (and creates, the first time) the database in {@code dir}. */
    static RocksDatabase open(Path dir, RocksDbSettings settings) throws RocksDBException {
        List<AutoCloseable> options = new ArrayList<>();
        try {
            // One budget for blocks and memtables: every column family's memtables are charged to
            // the block cache, which is as large as both, so that RocksDB's native memory stays
            // within block-cache-size + write-buffer-size x max-write-buffer-number whatever the mix.
            long memtableBudget = settings.writeBufferSize() * settings.maxWriteBufferNumber();
            LRUCache blockCache = add(options, new LRUCache(settings.blockCacheSize() + memtableBudget));
            WriteBufferManager memtables = add(options, new WriteBufferManager(memtableBudget, blockCache));
            BloomFilter bloom = add(options, new BloomFilter(10));
            // Every put first looks up the record it replaces, mostly in a file: a Bloom filter in
            // the memtable skips its skip list for those, and a hash index in each data block
            // skips the binary search there.
            ColumnFamilyOptions itemOptions = add(options, new ColumnFamilyOptions()
                    .setWriteBufferSize(settings.writeBufferSize())
                    .setMaxWriteBufferNumber(settings.maxWriteBufferNumber())
                    .setCompressionType(compression(settings.compression()))
                    .setMemtablePrefixBloomSizeRatio(MEMTABLE_BLOOM_RATIO)
                    .setMemtableWholeKeyFiltering(true)
                    .setTableFormatConfig(new BlockBasedTableConfig().setBlockCache(blockCache).setFilterPolicy(bloom)
                            .setDataBlockIndexType(DataBlockIndexType.kDataBlockBinaryAndHash)));
            // The indexes and the meta records: smaller memtables, and the same block cache (a
            // column family left to RocksDB's defaults would get a cache of its own).
            ColumnFamilyOptions smallOptions = add(options, new ColumnFamilyOptions()
                    .setWriteBufferSize(Math.max(1 << 20, settings.writeBufferSize() / 4))
                    .setTableFormatConfig(new BlockBasedTableConfig().setBlockCache(blockCache)));
            SstFileManager files = add(options, new SstFileManager(Env.getDefault()));
            DBOptions dbOptions = add(options, new DBOptions()
                    .setSstFileManager(files)
                    .setWriteBufferManager(memtables)
                    .setCreateIfMissing(true)
                    .setCreateMissingColumnFamilies(true)
                    .setMaxBackgroundJobs(settings.backgroundThreads())
                    .setInfoLogLevel(InfoLogLevel.WARN_LEVEL)
                    .setKeepLogFileNum(2)
                    // Every batch also writes the small column families, so a log file would stay
                    // alive until their memtables fill; this bound makes RocksDB flush them and let it go.
                    .setMaxTotalWalSize(2 * settings.writeBufferSize() * settings.maxWriteBufferNumber()));
            List<ColumnFamilyDescriptor> families = List.of(
                    new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, smallOptions),
                    new ColumnFamilyDescriptor(ITEMS, itemOptions),
                    new ColumnFamilyDescriptor(META, smallOptions),
                    new ColumnFamilyDescriptor(EXPIRY, smallOptions),
                    new ColumnFamilyDescriptor(AGE, smallOptions));
            List<ColumnFamilyHandle> handles = new ArrayList<>();
            RocksDB db = RocksDB.open(dbOptions, dir.toString(), families, handles);
            return new RocksDatabase(db, handles, options);
        } catch (RocksDBException | RuntimeException e) {
            options.forEach(RocksDatabase::closeQuietly);
            throw e;
        }
    }

    /**
     * Writes the memtables to files and syncs the log, so that the next open has no log to replay
     * (a million items' log took seconds to replay), then closes.
     */
    @Override
    public void close() {
        try (FlushOptions wait = new FlushOptions().setWaitForFlush(true)) {
            db.flush(wait, handles);
        } catch (RocksDBException e) {
            LOG.log(System.Logger.Level.DEBUG, "flushing the memtables on close failed: " + e.getMessage());
        }
        try {
            db.flushWal(true);
        } catch (RocksDBException e) {
            LOG.log(System.Logger.Level.DEBUG, "syncing the write-ahead log on close failed: " + e.getMessage());
        }
        handles.forEach(RocksDatabase::closeQuietly);
        closeQuietly(db);
        options.forEach(RocksDatabase::closeQuietly);
    }

    private static <T extends AutoCloseable> T add(List<AutoCloseable> resources, T resource) {
        resources.add(resource);
        return resource;
    }

    private static CompressionType compression(RocksDbSettings.Compression compression) {
        return switch (compression) {
            case LZ4 -> CompressionType.LZ4_COMPRESSION;
            case ZSTD -> CompressionType.ZSTD_COMPRESSION;
            case NONE -> CompressionType.NO_COMPRESSION;
        };
    }

    static void closeQuietly(AutoCloseable resource) {
        try {
            resource.close();
        } catch (Exception e) {
            LOG.log(System.Logger.Level.DEBUG, "closing " + resource + " failed", e);
        }
    }
}
