package org.ratmemcache.storage.rocksdb;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import org.ratmemcache.core.Expiry;
import org.ratmemcache.core.Key;
import org.ratmemcache.core.disk.DiskItem;
import org.ratmemcache.core.disk.DiskWrite;
import org.ratmemcache.core.disk.Prior;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompactionOptionsFIFO;
import org.rocksdb.CompactionStyle;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.DataBlockIndexType;
import org.rocksdb.FlushOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.RocksDB;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteBufferManager;
import org.rocksdb.WriteOptions;

/**
 * The disk tier's write path, design against design, outside the server: the same stream of
 * writes (16-byte keys, a 30-byte header and a 1 KiB value, uniform over 500,000 keys, so about 90
 * % overwrites once warm, in batches of 1,000 as the write-back writer takes them) through each
 * way of storing them, one after the other in one process. Reports, per write, the process's CPU
 * (every thread: the writing thread, RocksDB's flushes and compactions, the collector) while
 * writing, then the CPU that flushing the memtables left at the end takes, and the bytes on disk.
 *
 * <ul>
 *   <li>{@code tier}: RocksDbTier as shipped, told what each write replaces (issue 23's step 1):
 *       the record and its age index entries, one JNI call per entry.</li>
 *   <li>{@code tier-reading}: the same, not told: it reads the header of the record it replaces.</li>
 *   <li>{@code records}: the items column family only (step 2), a JNI call per record.</li>
 *   <li>{@code one-call}: likewise, the batch built in Java and handed over in one call (step 4).</li>
 *   <li>{@code blob}: one-call, values in BlobDB's blob files, uncompressed (step 3).</li>
 *   <li>{@code fifo}: one-call, FIFO compaction (step 2's other way).</li>
 *   <li>{@code log}: an append-only log in 1 MiB pages and a key directory in memory (step 6).</li>
 * </ul>
 *
 * <p>Run through bench/diskpath.sh.
 */
public final class DiskWritePath {

    private static final int KEYS = 500_000;
    private static final int VALUE = 1024;
    private static final int HEADER = RecordFormat.HEADER;
    private static final int BATCH = 1000;
    private static final long MEMTABLE = 64L << 20;

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]);
        int writes = Integer.parseInt(args[1]);
        List<String> designs = List.of(args).subList(2, args.length);
        System.out.printf("%d writes of a %d-byte key and %d bytes over %d keys, batches of %d%n", writes, 16, HEADER + VALUE, KEYS,
                BATCH);
        for (String design : designs) {
            Path dir = root.resolve(design);
            clear(dir);
            Files.createDirectories(dir);
            Design chosen = switch (design) {
                case "tier" -> new Tier(dir, true);
                case "tier-reading" -> new Tier(dir, false);
                case "records" -> new Records(dir, Layout.PLAIN, false);
                case "one-call" -> new Records(dir, Layout.PLAIN, true);
                case "blob" -> new Records(dir, Layout.BLOB, true);
                case "fifo" -> new Records(dir, Layout.FIFO, true);
                case "log" -> new Log(dir);
                default -> throw new IllegalArgumentException(design);
            };
            run(design, chosen, writes, dir);
            clear(dir);
        }
    }

    private static void run(String name, Design design, int writes, Path dir) throws Exception {
        SplittableRandom random = new SplittableRandom(42);
        // random values, one of 1,024 per write: LZ4 finds little to shrink in a block
        byte[][] values = new byte[1024][VALUE];
        for (byte[] value : values) {
            random.nextBytes(value);
        }
        System.gc();
        long cpu0 = processCpuNanos();
        long wall0 = System.nanoTime();
        for (int done = 0; done < writes; done += BATCH) {
            int[] keys = new int[BATCH];
            for (int i = 0; i < BATCH; i++) {
                keys[i] = random.nextInt(KEYS);
            }
            design.write(keys, values, done);
        }
        long cpu1 = processCpuNanos();
        long wall1 = System.nanoTime();
        design.finish();
        long cpu2 = processCpuNanos();
        long bytes = size(dir);
        design.close();
        System.out.printf("%-13s %6.2f us CPU per write while writing (%,.0f writes/s), %5.2f us more to finish; %,d MB on disk%n",
                name, (cpu1 - cpu0) / 1e3 / writes, writes / ((wall1 - wall0) / 1e9), (cpu2 - cpu1) / 1e3 / writes, bytes >> 20);
    }

    interface Design extends AutoCloseable {
        /** One batch: keys[i] gets version first + i + 1 and the value {@link #value}(values, first + i). */
        void write(int[] keys, byte[][] values, long first) throws Exception;

        /** Flushes the memtables. */
        void finish() throws Exception;
    }

    static byte[] value(byte[][] values, long write) {
        return values[(int) (write % values.length)];
    }

    private static final byte[][] KEY_BYTES = new byte[KEYS][];

    static {
        for (int i = 0; i < KEYS; i++) {
            KEY_BYTES[i] = String.format("key-%012d", i).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        }
    }

    static byte[] key(int key) {
        return KEY_BYTES[key];
    }

    /** RocksDbTier as shipped. */
    static final class Tier implements Design {
        private final RocksDbTier tier;
        private final boolean told;
        private final long[] versions = new long[KEYS];
        private final long[] lastBatch = new long[KEYS];

        Tier(Path dir, boolean told) throws Exception {
            this.tier = RocksDbTier.open(new RocksDbSettings(dir, false, MEMTABLE, 2, 128L << 20, RocksDbSettings.Compression.LZ4, 2, false));
            this.told = told;
        }

        @Override
        public void write(int[] keys, byte[][] values, long first) throws Exception {
            List<DiskWrite> writes = new ArrayList<>(keys.length);
            for (int i = keys.length - 1; i >= 0; i--) { // a batch holds a key once: its last write
                int key = keys[i];
                if (lastBatch[key] == first + 1) {
                    continue;
                }
                lastBatch[key] = first + 1;
                long version = first + i + 1;
                Prior prior = !told ? Prior.UNKNOWN
                        : versions[key] == 0 ? Prior.NONE : new Prior.Held(versions[key], Expiry.NEVER, VALUE, VALUE, false, false);
                // the tier adds its own header: the record is as long as the other designs'
                writes.add(DiskWrite.put(new DiskItem(Key.of(key(key)), value(values, first + i).clone(), 0, Expiry.NEVER, version, 0, false), prior));
                versions[key] = version;
            }
            tier.write(writes);
        }

        @Override
        public void finish() throws Exception {
            tier.close(); // flushes the memtables
        }

        @Override
        public void close() {
        }
    }

    enum Layout { PLAIN, BLOB, FIFO }

    /** One column family of records, as the alternatives to the tier's layout would have it. */
    static final class Records implements Design {
        private final List<AutoCloseable> resources = new ArrayList<>();
        private final RocksDB db;
        private final ColumnFamilyHandle items;
        private final List<ColumnFamilyHandle> handles = new ArrayList<>();
        private final WriteOptions writeOptions = new WriteOptions();
        private final boolean oneCall;
        private final ByteBuffer rep = ByteBuffer.allocate(8 << 20).order(java.nio.ByteOrder.LITTLE_ENDIAN);

        Records(Path dir, Layout layout, boolean oneCall) throws Exception {
            this.oneCall = oneCall;
            LRUCache cache = add(new LRUCache((128L << 20) + 2 * MEMTABLE));
            WriteBufferManager memtables = add(new WriteBufferManager(2 * MEMTABLE, cache));
            ColumnFamilyOptions options = add(new ColumnFamilyOptions().setWriteBufferSize(MEMTABLE).setMaxWriteBufferNumber(2)
                    .setCompressionType(CompressionType.LZ4_COMPRESSION)
                    .setTableFormatConfig(new BlockBasedTableConfig().setBlockCache(cache).setFilterPolicy(add(new BloomFilter(10)))
                            .setDataBlockIndexType(DataBlockIndexType.kDataBlockBinaryAndHash)));
            switch (layout) {
                case BLOB -> options.setEnableBlobFiles(true).setMinBlobSize(256).setBlobCompressionType(CompressionType.NO_COMPRESSION)
                        .setEnableBlobGarbageCollection(true);
                case FIFO -> options.setCompactionStyle(CompactionStyle.FIFO)
                        .setCompactionOptionsFIFO(add(new CompactionOptionsFIFO().setMaxTableFilesSize(4L << 30)));
                case PLAIN -> { }
            }
            DBOptions dbOptions = add(new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true)
                    .setWriteBufferManager(memtables).setMaxBackgroundJobs(2));
            db = RocksDB.open(dbOptions, dir.toString(), List.of(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, options),
                    new ColumnFamilyDescriptor("items".getBytes(), options)), handles);
            items = handles.get(1);
        }

        private <T extends AutoCloseable> T add(T resource) {
            resources.add(resource);
            return resource;
        }

        @Override
        public void write(int[] keys, byte[][] values, long first) throws Exception {
            byte[] record = new byte[HEADER + VALUE];
            Integer[] order = new Integer[keys.length];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            Arrays.sort(order, Comparator.comparingInt(i -> keys[i])); // in key order, as the tier writes
            if (!oneCall) {
                try (WriteBatch batch = new WriteBatch()) {
                    for (int i : order) {
                        ByteBuffer.wrap(record).putLong(14, first + i + 1);
                        System.arraycopy(value(values, first + i), 0, record, HEADER, VALUE);
                        batch.put(items, key(keys[i]), record);
                    }
                    db.write(writeOptions, batch);
                }
                return;
            }
            // RocksDB's batch format: a sequence (8) and a count (4), then per record a tag, the
            // column family's id, and the key and value with their varint lengths
            rep.clear();
            rep.putLong(0).putInt(order.length);
            for (int i : order) {
                ByteBuffer.wrap(record).putLong(14, first + i + 1);
                System.arraycopy(value(values, first + i), 0, record, HEADER, VALUE);
                rep.put((byte) 0x05);
                varint(rep, items.getID());
                byte[] key = key(keys[i]);
                varint(rep, key.length);
                rep.put(key);
                varint(rep, record.length);
                rep.put(record);
            }
            try (WriteBatch batch = new WriteBatch(Arrays.copyOf(rep.array(), rep.position()))) {
                db.write(writeOptions, batch);
            }
        }

        private static void varint(ByteBuffer out, int value) {
            while ((value & ~0x7F) != 0) {
                out.put((byte) (value & 0x7F | 0x80));
                value >>>= 7;
            }
            out.put((byte) value);
        }

        @Override
        public void finish() throws Exception {
            try (FlushOptions wait = new FlushOptions().setWaitForFlush(true)) {
                db.flush(wait, handles);
            }
        }

        @Override
        public void close() {
            handles.forEach(ColumnFamilyHandle::close);
            db.close();
            writeOptions.close();
            resources.forEach(resource -> {
                try {
                    resource.close();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
        }
    }

    /**
     * An append-only log of records in pages of 1 MiB (one write() each), files of 64 MiB, and a
     * directory in memory from a key's 64-bit hash to its record's place: open addressing over
     * two long arrays, 16 bytes a slot.
     */
    static final class Log implements Design {
        private static final int PAGE = 1 << 20;
        private static final long FILE = 64L << 20;
        private final Path dir;
        private final ByteBuffer page = ByteBuffer.allocateDirect(PAGE);
        private final long[] hashes = new long[1 << 20];
        private final long[] places = new long[1 << 20];
        private FileChannel file;
        private int files;
        private long position;

        Log(Path dir) throws IOException {
            this.dir = dir;
            next();
        }

        private void next() throws IOException {
            if (file != null) {
                file.close();
            }
            file = FileChannel.open(dir.resolve("log-" + files++), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            position = 0;
        }

        @Override
        public void write(int[] keys, byte[][] values, long first) throws Exception {
            for (int i = 0; i < keys.length; i++) {
                byte[] key = key(keys[i]);
                int length = 2 + key.length + 4 + HEADER + VALUE;
                if (page.remaining() < length) {
                    flushPage();
                }
                long place = (long) files << 32 | (position + page.position());
                page.putShort((short) key.length).put(key).putInt(HEADER + VALUE).putLong(first + i + 1);
                page.position(page.position() + HEADER - Long.BYTES).put(value(values, first + i));
                index(Key.of(key).hash64(), place);
            }
            flushPage(); // every batch reaches the kernel, as a write-ahead log's would
        }

        private void index(long hash, long place) {
            int mask = hashes.length - 1;
            for (int slot = (int) (hash ^ hash >>> 32) & mask; ; slot = slot + 1 & mask) {
                if (hashes[slot] == 0 || hashes[slot] == hash) {
                    hashes[slot] = hash;
                    places[slot] = place;
                    return;
                }
            }
        }

        private void flushPage() throws IOException {
            page.flip();
            while (page.hasRemaining()) {
                position += file.write(page, position);
            }
            page.clear();
            if (position >= FILE) {
                next();
            }
        }

        @Override
        public void finish() throws IOException {
            flushPage();
        }

        @Override
        public void close() throws IOException {
            file.close();
        }
    }

    private static long processCpuNanos() throws IOException {
        String stat = Files.readString(Path.of("/proc/self/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        return ticks * 1_000_000_000L / 100; // USER_HZ
    }

    private static long size(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(file -> file.toFile().length()).sum();
        }
    }

    private static void clear(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
