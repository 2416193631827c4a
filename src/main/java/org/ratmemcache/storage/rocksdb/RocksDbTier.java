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
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;

import org.jboss.logging.Logger;
import org.ratmemcache.core.disk.DiskItem;
import org.ratmemcache.core.disk.DiskTier;
import org.ratmemcache.core.disk.DiskTierException;
import org.ratmemcache.core.Expiry;
import org.ratmemcache.core.Item;
import org.ratmemcache.core.Key;
import org.ratmemcache.core.disk.PersistedState;
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
 *   <li>Column family {@code meta}: the {@link #FORMAT} fingerprint, the totals and the
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
 * <h2>Failure and recovery</h2>
 * A write that fails (a full disk, a read-only file system) leaves RocksDB refusing writes until
 * it is reopened. {@link #recover()} reopens it: every call into the database is bracketed by
 * {@link #enter()} and {@link #exit()}, a striped in-flight count, so the old instance closes only
 * once no thread is inside it. Meanwhile calls fail (reads as errors, {@link #mayContain} as
 * "maybe"), never crash.
 *
 * <p>RocksDB's lock file keeps a second process (or a second tier in this one) off an open
 * directory; opening then fails with a message that says so.
 */
public final class RocksDbTier implements DiskTier {

    private static final Logger LOG = Logger.getLogger(RocksDbTier.class);

    /** The on-disk format this code reads and writes; another one is refused, never half-read. */
    static final String FORMAT = "ratmemcache-l2 records=1 meta=1 indexes=expiry,age";

    private static final byte[] FORMAT_KEY = "format".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TOTALS_KEY = "totals".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] STATE_KEY = "state".getBytes(StandardCharsets.US_ASCII);

    private final Path dataDir;
    private final RocksDbSettings settings;
    private volatile RocksDatabase database;
    /** Calls inside {@link #database}; a recovery waits for none. */
    private final LongAdder inFlight = new LongAdder();
    private volatile boolean reopening;
    /** Compacts after an eviction, so that deleted records give their space back. */
    private final ExecutorService compactor = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("ratmemcache-l2-compactor").daemon().factory());
    private final AtomicBoolean compacting = new AtomicBoolean();
    private final ReadOptions readOptions = new ReadOptions();
    private final WriteOptions writeOptions;
    private final WriteOptions syncedWrites = new WriteOptions().setSync(true);
    /** Values that memory holds compressed are written compressed when RocksDB does not compress. */
    private final boolean keepCompressed;
    /** Scratch for existence checks: only a record's header is copied out. Writer only. */
    private final byte[] header = new byte[RecordFormat.HEADER];
    private final PersistedState openingState;
    /** Records stored, and bytes of their keys and records: exact, kept by the writer. */
    private volatile long itemCount;
    private volatile long dataBytes;

    private RocksDbTier(Path dataDir, RocksDbSettings settings, RocksDatabase database) throws RocksDBException, DiskTierException {
        this.dataDir = dataDir;
        this.settings = settings;
        this.database = database;
        this.writeOptions = new WriteOptions().setSync(settings.fsync());
        this.keepCompressed = settings.compression() == RocksDbSettings.Compression.NONE;
        checkFormat(database);
        loadTotals(database);
        byte[] state = database.db.get(database.meta, STATE_KEY);
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
            throw new DiskTierException("cannot create the L2 data directory " + dir + ": " + describe(e), e);
        }
        RocksDatabase database;
        try {
            database = RocksDatabase.open(dir, settings);
        } catch (RocksDBException e) {
            throw openFailure(dir, e);
        }
        try {
            RocksDbTier tier = new RocksDbTier(dir, settings, database);
            LOG.infof("L2 tier open in %s: %d items", dir, tier.itemCount);
            return tier;
        } catch (RocksDBException | DiskTierException | RuntimeException e) {
            database.close();
            throw e instanceof DiskTierException d ? d
                    : new DiskTierException("cannot open the L2 tier in " + dir + ": " + e.getMessage(), e);
        }
    }

    @Override
    public boolean mayContain(Key key) {
        RocksDatabase open;
        try {
            open = enter();
        } catch (DiskTierException reopening) {
            return true; // cannot rule it out: the caller asks read(), which reports the failure
        }
        try {
            return open.db.keyMayExist(open.items, key.array(), key.offset(), key.length(), null);
        } finally {
            exit();
        }
    }

    @Override
    public DiskItem read(Key key) throws DiskTierException {
        return inside("read of " + key, open -> {
            byte[] record = open.db.get(open.items, readOptions, key.array(), key.offset(), key.length());
            return record == null ? null : RecordFormat.decode(key.toStored(), record);
        });
    }

    @Override
    public List<Key> keysAfter(byte[] prefix, Key after, int max) throws DiskTierException {
        return inside("key listing", open -> {
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
    public void write(List<? extends Item> puts, List<Key> deletes) throws DiskTierException {
        inside("write", open -> {
            try (Batch batch = new Batch(open)) {
                for (Item item : puts) {
                    batch.put(item);
                }
                for (Key key : deletes) {
                    batch.delete(key.toBytes());
                }
                batch.commit();
            }
            return null;
        });
    }

    @Override
    public int reclaim(long nowMillis, long flushCasLimit, int budget) throws DiskTierException {
        return inside("reclaim", open -> {
            int expired = reclaimExpired(open, nowMillis, budget);
            return expired + reclaimFlushed(open, flushCasLimit, budget - expired);
        });
    }

    /** Deletes records whose expiry has passed: the start of the expiry index. */
    private int reclaimExpired(RocksDatabase open, long nowMillis, int budget)
            throws RocksDBException, RecordFormat.UnreadableRecordException {
        try (Batch batch = new Batch(open); RocksIterator expired = open.db.newIterator(open.expiry)) {
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
        }
    }

    /** Deletes records that a flush has invalidated: the start of the age index. */
    private int reclaimFlushed(RocksDatabase open, long flushCasLimit, int budget)
            throws RocksDBException, RecordFormat.UnreadableRecordException {
        try (Batch batch = new Batch(open); RocksIterator oldest = open.db.newIterator(open.age)) {
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
        }
    }

    @Override
    public int evictOldest(long bytes) throws DiskTierException {
        int evicted = inside("evict", open -> {
            try (Batch batch = new Batch(open); RocksIterator oldest = open.db.newIterator(open.age)) {
                int deleted = 0;
                for (oldest.seekToFirst(); oldest.isValid() && -batch.bytes < bytes; oldest.next()) {
                    if (batch.delete(oldest.value())) {
                        deleted++;
                    }
                }
                batch.commit();
                return deleted;
            }
        });
        if (evicted > 0) {
            compactInBackground();
        }
        return evicted;
    }

    @Override
    public void writeState(PersistedState state) throws DiskTierException {
        inside("write of the state", open -> {
            open.db.put(open.meta, syncedWrites, STATE_KEY, encodeState(state));
            return null;
        });
    }

    /**
     * Reopens the database after a failed write: RocksDB refuses writes after an I/O error until
     * it is reopened. Waits until no call is inside the old instance first. If the disk is still
     * failing, the reopen fails too, and the next call to recover tries again.
     */
    @Override
    public synchronized void recover() throws DiskTierException {
        reopening = true;
        try {
            while (inFlight.sum() != 0) {
                Thread.onSpinWait();
            }
            RocksDatabase old = database;
            database = null;
            if (old != null) {
                old.close();
            }
            RocksDatabase reopened = RocksDatabase.open(dataDir, settings);
            loadTotals(reopened);
            database = reopened;
            LOG.infof("L2 tier in %s reopened after a failure: %d items", dataDir, itemCount);
        } catch (RocksDBException e) {
            throw failure("reopen", e);
        } finally {
            reopening = false;
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
        synchronized (this) {
            reopening = true;
            while (inFlight.sum() != 0) {
                Thread.onSpinWait();
            }
            if (database != null) {
                database.close();
                database = null;
            }
        }
        RocksDatabase.closeQuietly(readOptions);
        RocksDatabase.closeQuietly(writeOptions);
        RocksDatabase.closeQuietly(syncedWrites);
        LOG.infof("L2 tier in %s closed", dataDir);
    }

    /**
     * Enters the open database: counted first, then checked, so that {@link #recover} (which
     * flags itself first, then waits for the count) and a caller always see each other.
     */
    private RocksDatabase enter() throws DiskTierException {
        inFlight.increment();
        RocksDatabase open = database;
        if (reopening || open == null) {
            inFlight.decrement();
            throw new DiskTierException("the L2 tier in " + dataDir + " is " + (reopening ? "reopening" : "closed"));
        }
        return open;
    }

    private void exit() {
        inFlight.decrement();
    }

    private long property(String name) {
        try {
            return inside("property " + name, open -> open.db.getLongProperty(open.items, name));
        } catch (DiskTierException e) {
            return -1;
        }
    }

    /** A call into the open database, between {@link #enter()} and {@link #exit()}. */
    @FunctionalInterface
    private interface DatabaseCall<T> {
        T call(RocksDatabase open) throws RocksDBException, RecordFormat.UnreadableRecordException;
    }

    private <T> T inside(String what, DatabaseCall<T> call) throws DiskTierException {
        RocksDatabase open = enter();
        try {
            return call.call(open);
        } catch (RocksDBException | RecordFormat.UnreadableRecordException e) {
            throw failure(what, e);
        } finally {
            exit();
        }
    }

    /**
     * Reads the header of the key's record into {@link #header}; returns the record's length, or
     * {@link RocksDB#NOT_FOUND}. The Bloom filter answers most new keys without a read.
     */
    private int readHeader(RocksDatabase open, byte[] key) throws RocksDBException {
        if (!open.db.keyMayExist(open.items, key, null)) {
            return RocksDB.NOT_FOUND;
        }
        return open.db.get(open.items, readOptions, key, 0, key.length, header, 0, header.length);
    }

    /**
     * One atomic write: records, their index entries, and the totals they change. Reads see the
     * database as it was before the batch, so a batch touches each key at most once.
     */
    private final class Batch implements AutoCloseable {
        private final RocksDatabase open;
        private final WriteBatch batch = new WriteBatch();
        /** Changes to the totals. */
        private long items;
        private long bytes;
        private boolean changed;

        Batch(RocksDatabase open) {
            this.open = open;
        }

        /** Stores the item, replacing its key's record if there is one. */
        void put(Item item) throws RocksDBException, RecordFormat.UnreadableRecordException {
            byte[] key = item.key().toBytes();
            delete(key);
            byte[] record = RecordFormat.encode(item, keepCompressed);
            batch.put(open.items, key, record);
            batch.put(open.age, bigEndian(item.cas()), key);
            if (item.expiresAt() != Expiry.NEVER) {
                batch.put(open.expiry, expiryKey(item.expiresAt(), key), bigEndian(item.cas()));
            }
            items++;
            bytes += key.length + record.length;
            changed = true;
        }

        /** Deletes the key's record and its index entries; returns whether there was one. */
        boolean delete(byte[] key) throws RocksDBException, RecordFormat.UnreadableRecordException {
            int size = readHeader(open, key);
            if (size == RocksDB.NOT_FOUND) {
                return false;
            }
            batch.delete(open.age, bigEndian(RecordFormat.cas(header)));
            long expiresAt = RecordFormat.expiresAt(header);
            if (expiresAt != Expiry.NEVER) {
                batch.delete(open.expiry, expiryKey(expiresAt, key));
            }
            batch.delete(open.items, key);
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
            batch.put(open.meta, TOTALS_KEY, ByteBuffer.allocate(2 * Long.BYTES).putLong(count).putLong(total).array());
            open.db.write(writeOptions, batch);
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
                    inside("compaction", open -> {
                        open.db.compactRange(open.items);
                        return null;
                    });
                } catch (DiskTierException e) {
                    LOG.warnf("L2 tier in %s: compaction after eviction failed: %s", dataDir, e.getMessage());
                } finally {
                    compacting.set(false);
                }
            });
        }
    }

    private void loadTotals(RocksDatabase open) throws RocksDBException {
        byte[] totals = open.db.get(open.meta, TOTALS_KEY);
        itemCount = totals == null ? 0 : ByteBuffer.wrap(totals).getLong(0);
        dataBytes = totals == null ? 0 : ByteBuffer.wrap(totals).getLong(Long.BYTES);
    }

    private void checkFormat(RocksDatabase open) throws RocksDBException, DiskTierException {
        byte[] stored = open.db.get(open.meta, FORMAT_KEY);
        if (stored == null) {
            try (RocksIterator iterator = open.db.newIterator(open.items)) {
                iterator.seekToFirst();
                if (iterator.isValid()) {
                    throw new DiskTierException("the L2 data directory " + dataDir
                            + " holds items but no format fingerprint: not a RatMemCache L2 tier, refusing to use it");
                }
            }
            open.db.put(open.meta, syncedWrites, FORMAT_KEY, FORMAT.getBytes(StandardCharsets.US_ASCII));
            return;
        }
        String format = new String(stored, StandardCharsets.US_ASCII);
        if (!format.equals(FORMAT)) {
            throw new DiskTierException("the L2 data directory " + dataDir + " holds format \"" + format
                    + "\", which this version cannot read (it reads \"" + FORMAT + "\"); "
                    + "point ratmemcache.l2.data-dir elsewhere or set ratmemcache.l2.clear-on-startup=true to discard it");
        }
    }

    private static byte[] bigEndian(long value) {
        return ByteBuffer.allocate(Long.BYTES).putLong(value).array();
    }

    private static byte[] expiryKey(long expiresAt, byte[] key) {
        return ByteBuffer.allocate(Long.BYTES + key.length).putLong(expiresAt).put(key).array();
    }

    private static byte[] encodeState(PersistedState state) {
        return ByteBuffer.allocate(3 * Long.BYTES)
                .putLong(state.casReserved()).putLong(state.flushCasLimit()).putLong(state.flushPendingAt()).array();
    }

    private static PersistedState decodeState(byte[] bytes) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        return new PersistedState(buffer.getLong(), buffer.getLong(), buffer.getLong());
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
