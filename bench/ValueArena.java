import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

import com.sun.management.GarbageCollectionNotificationInfo;

/**
 * Issue 9's design question, measured by a prototype: an item's value held on the heap, one byte[]
 * per value as MemoryTier holds it, or off the heap in a memcached-style slab arena (1 MiB pages of
 * direct memory cut into chunks of size classes 1.25 apart, a free list per class).
 *
 * Both variants share everything else: a ConcurrentHashMap index, a new entry per set (as the memory
 * tier makes one), values copied in from a direct "socket" buffer and, on a hit, out into a direct
 * "reply" buffer (what the server does with Netty's buffers). The arena's readers take no lock and
 * write nothing: a chunk carries a stamp that its free bumps, and a reader re-reads it after copying
 * (a sequence lock), retrying if the chunk was reused under it.
 *
 * The item count is what the memory tier would hold in MEGABYTES: MEGABYTES / (16-byte key + value +
 * 176 accounted bytes). The cache is filled, then THREADS threads run SECONDS of random requests over
 * all its keys, SET_PERCENT of them sets (overwrites: each frees the old value, the churn of a full
 * cache). Printed: heap, direct and resident bytes per item after the fill, then requests per second,
 * the collector's pauses and the resident peak under churn.
 *
 *   java -Xms…m -Xmx…m -XX:+UseG1GC -XX:+UseCompactObjectHeaders bench/ValueArena.java \
 *       heap|arena MEGABYTES VALUE_BYTES SECONDS [THREADS] [SET_PERCENT]
 */
public class ValueArena {

    static final int KEY_BYTES = 16;
    static final int ACCOUNTED_OVERHEAD = 176;

    record Key(long id) {}

    /** Where values live; E is the entry the index maps a key to. */
    interface ValueStore<E> {
        E store(ByteBuffer source, int length);

        /** Copies the value into out from position 0; false when it was freed while being copied. */
        boolean copyTo(E entry, ByteBuffer out);

        void free(E entry);

        long bytesOutsideHeap();
    }

    record HeapEntry(byte[] value) {}

    static final class HeapValues implements ValueStore<HeapEntry> {
        @Override
        public HeapEntry store(ByteBuffer source, int length) {
            byte[] value = new byte[length];
            source.get(0, value);
            return new HeapEntry(value);
        }

        @Override
        public boolean copyTo(HeapEntry entry, ByteBuffer out) {
            out.put(0, entry.value());
            return true;
        }

        @Override
        public void free(HeapEntry entry) {
            // the collector's job
        }

        @Override
        public long bytesOutsideHeap() {
            return 0;
        }
    }

    /** A value's chunk: page and offset in one long, the chunk's stamp when it was stored, its class. */
    record ArenaEntry(long handle, int stamp, int length, int slabClass) {}

    static final class SlabArena implements ValueStore<ArenaEntry> {
        static final int PAGE = 1 << 20;
        static final int HEADER = 8; // the chunk's stamp, then padding to keep values 8-byte aligned
        static final VarHandle STAMP = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.nativeOrder());

        private final int[] chunkSizes;
        private final SlabClass[] classes;
        private final ByteBuffer[] pages = new ByteBuffer[1 << 16];
        private final AtomicLong pageCount = new AtomicLong();

        SlabArena() {
            List<Integer> sizes = new ArrayList<>();
            for (double size = 96; size < PAGE; size *= 1.25) {
                sizes.add((int) (size + 7) & ~7);
            }
            sizes.add(PAGE);
            chunkSizes = sizes.stream().mapToInt(Integer::intValue).toArray();
            classes = new SlabClass[chunkSizes.length];
            for (int i = 0; i < classes.length; i++) {
                classes[i] = new SlabClass(chunkSizes[i]);
            }
        }

        int classFor(int length) {
            int needed = length + HEADER;
            for (int i = 0; i < chunkSizes.length; i++) {
                if (chunkSizes[i] >= needed) {
                    return i;
                }
            }
            throw new IllegalArgumentException("larger than a page: " + length);
        }

        @Override
        public ArenaEntry store(ByteBuffer source, int length) {
            int slabClass = classFor(length);
            long handle = classes[slabClass].allocate();
            ByteBuffer page = pages[(int) (handle >>> 32)];
            int offset = (int) handle;
            page.put(offset + HEADER, source, 0, length);
            return new ArenaEntry(handle, (int) STAMP.getAcquire(page, offset), length, slabClass);
        }

        @Override
        public boolean copyTo(ArenaEntry entry, ByteBuffer out) {
            ByteBuffer page = pages[(int) (entry.handle() >>> 32)];
            int offset = (int) entry.handle();
            if ((int) STAMP.getAcquire(page, offset) != entry.stamp()) {
                return false;
            }
            out.put(0, page, offset + HEADER, entry.length());
            VarHandle.loadLoadFence();
            return (int) STAMP.get(page, offset) == entry.stamp();
        }

        @Override
        public void free(ArenaEntry entry) {
            ByteBuffer page = pages[(int) (entry.handle() >>> 32)];
            int offset = (int) entry.handle();
            STAMP.setRelease(page, offset, (int) STAMP.get(page, offset) + 1);
            classes[entry.slabClass()].release(entry.handle());
        }

        @Override
        public long bytesOutsideHeap() {
            return pageCount.get() * PAGE;
        }

        /** One size class: the chunks it has freed, and the page it is cutting new chunks from. */
        final class SlabClass {
            private final int chunkSize;
            private long[] free = new long[1024];
            private int freeCount;
            private int page = -1;
            private int next = PAGE;

            SlabClass(int chunkSize) {
                this.chunkSize = chunkSize;
            }

            synchronized long allocate() {
                if (freeCount > 0) {
                    return free[--freeCount];
                }
                if (next + chunkSize > PAGE) {
                    page = (int) pageCount.getAndIncrement();
                    pages[page] = ByteBuffer.allocateDirect(PAGE).order(ByteOrder.nativeOrder());
                    next = 0;
                }
                long handle = ((long) page << 32) | next;
                next += chunkSize;
                return handle;
            }

            synchronized void release(long handle) {
                if (freeCount == free.length) {
                    free = java.util.Arrays.copyOf(free, free.length * 2);
                }
                free[freeCount++] = handle;
            }
        }
    }

    /** The collector's pauses, from its notifications (G1's concurrent phases are not pauses). */
    static final class Pauses {
        final LongAdder count = new LongAdder();
        final LongAdder totalMillis = new LongAdder();
        final AtomicLong longestMillis = new AtomicLong();

        Pauses() {
            for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
                ((NotificationEmitter) collector).addNotificationListener((notification, handback) -> {
                    var info = GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
                    if (!info.getGcName().contains("Concurrent")) {
                        long millis = info.getGcInfo().getDuration();
                        count.increment();
                        totalMillis.add(millis);
                        longestMillis.accumulateAndGet(millis, Math::max);
                    }
                }, null, null);
            }
        }

        void reset() {
            count.reset();
            totalMillis.reset();
            longestMillis.set(0);
        }
    }

    public static void main(String[] args) throws Exception {
        String variant = args[0];
        long megabytes = Long.parseLong(args[1]);
        int valueBytes = Integer.parseInt(args[2]);
        int seconds = Integer.parseInt(args[3]);
        int threads = args.length > 4 ? Integer.parseInt(args[4]) : 2;
        int setPercent = args.length > 5 ? Integer.parseInt(args[5]) : 10;
        switch (variant) {
            case "heap" -> run(new HeapValues(), megabytes, valueBytes, seconds, threads, setPercent);
            case "arena" -> run(new SlabArena(), megabytes, valueBytes, seconds, threads, setPercent);
            default -> throw new IllegalArgumentException("heap or arena, not " + variant);
        }
    }

    static <E> void run(ValueStore<E> values, long megabytes, int valueBytes, int seconds, int threads, int setPercent)
            throws Exception {
        int items = (int) ((megabytes << 20) / (KEY_BYTES + valueBytes + ACCOUNTED_OVERHEAD));
        Key[] keys = new Key[items];
        for (int i = 0; i < items; i++) {
            keys[i] = new Key(i);
        }
        ConcurrentHashMap<Key, E> index = new ConcurrentHashMap<>(items);
        ByteBuffer source = randomSource(valueBytes);
        Pauses pauses = new Pauses();
        long heapBefore = heapUsed();
        long rssBefore = residentKiB("VmRSS");
        for (Key key : keys) {
            index.put(key, values.store(source, valueBytes));
        }
        long heap = heapUsed() - heapBefore;
        long rss = (residentKiB("VmRSS") - rssBefore) << 10;
        System.out.printf("%s, %,d items of %d B: per item %.1f B heap, %.1f B off heap, %.1f B resident%n",
                values.getClass().getSimpleName(), items, valueBytes, heap / (double) items,
                values.bytesOutsideHeap() / (double) items, rss / (double) items);

        pauses.reset();
        LongAdder requests = new LongAdder();
        LongAdder retries = new LongAdder();
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            workers.add(Thread.ofPlatform().start(() -> {
                ByteBuffer socket = randomSource(valueBytes);
                ByteBuffer reply = ByteBuffer.allocateDirect(valueBytes);
                ThreadLocalRandom random = ThreadLocalRandom.current();
                long done = 0;
                while ((done & 1023) != 0 || System.nanoTime() < deadline) {
                    Key key = keys[random.nextInt(items)];
                    if (random.nextInt(100) < setPercent) {
                        E old = index.put(key, values.store(socket, valueBytes));
                        if (old != null) {
                            values.free(old);
                        }
                    } else {
                        E entry;
                        while ((entry = index.get(key)) != null && !values.copyTo(entry, reply)) {
                            retries.increment();
                        }
                    }
                    done++;
                }
                requests.add(done);
            }));
        }
        for (Thread worker : workers) {
            worker.join();
        }
        System.out.printf("  %d threads, %d%% sets, %d s: %,d requests/s, %d reads retried; %d pauses, %d ms paused, "
                        + "longest %d ms; resident now %,d MiB, peak %,d MiB; heap %,d MiB committed, %,d MiB off heap%n",
                threads, setPercent, seconds, requests.sum() / seconds, retries.sum(), pauses.count.sum(),
                pauses.totalMillis.sum(), pauses.longestMillis.get(), residentKiB("VmRSS") >> 10,
                residentKiB("VmHWM") >> 10, Runtime.getRuntime().totalMemory() >> 20, values.bytesOutsideHeap() >> 20);
    }

    static ByteBuffer randomSource(int length) {
        byte[] bytes = new byte[length];
        ThreadLocalRandom.current().nextBytes(bytes);
        return ByteBuffer.allocateDirect(length).put(0, bytes);
    }

    static long heapUsed() {
        Runtime runtime = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return runtime.totalMemory() - runtime.freeMemory();
    }

    static long residentKiB(String field) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException(field + " not in /proc/self/status");
    }
}
