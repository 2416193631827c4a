package org.ratmemcache.core.memory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.LongUnaryOperator;

import org.ratmemcache.core.Key;
import org.ratmemcache.core.KeyHash;

/**
 * The second layout measured for issue 22, against the memory tier's segments: memcached's slab
 * classes behind the same {@link Index} and the same {@link ItemFormat}. Pages of 1 MiB, each
 * given for good to the first class that needs one; classes of chunks from 96 bytes up by a
 * factor of 1.25, rounded to 8 (memcached's {@code -n 48 -f 1.25}); a free list of chunks per
 * class; when a class has no free chunk and no page can be had, a CLOCK over the class's chunks
 * (the index slot's policy bits as the access bit) takes the first one not read since the hand
 * last passed. The segments run in the real {@link MemoryTier}, under {@link Eviction#LRU} (CLOCK
 * too, so that both evict alike), evicting on the caller's thread.
 *
 * <p>One thread, so the slabs need no epochs: a chunk reused at once is safe here. A slab tier
 * serving many threads would need them too, or memcached's reference counts.
 *
 * <p>Each layout, in turn and three times over, in one JVM: fills {@code items} items of a
 * 16-byte key and a 100-byte value into a budget that holds them all, reads them all back in a
 * random order (each value copied out, as a reply would), then sets keys of a space twice the
 * budget's, uniformly, with values of 100 to 4,000 bytes (log-uniform: items of many classes),
 * and counts the items held and what each layout took. Prints the medians with min–max.
 *
 * <p>{@code java -cp "$cp" org.ratmemcache.core.memory.SlabLayout [items] [churn-megabytes]},
 * on bench/hitratio/build.sh's class path.
 */
public final class SlabLayout {

    /** What a layout does for the benchmark. */
    interface Layout extends AutoCloseable {

        /** Stores the key's item with this value; false if there was no room. */
        boolean set(Key key, byte[] value, int length, long version);

        /** Copies the key's value into {@code into}; its length, or -1 on a miss. */
        int get(Key key, byte[] into);

        long items();

        /** The item memory taken: segments or pages. */
        long memoryBytes();

        /** The bytes of the items held. */
        long liveBytes();

        @Override
        void close();
    }

    /** memcached's slab classes over the tier's index and item format. */
    static final class Slabs implements Layout, Index.Keys {
        static final int PAGE = 1 << 20;
        private static final int PAGE_BITS = 20;
        private static final LongUnaryOperator MARK_READ = slot -> Index.withPolicyBits(slot, 1);

        private final int[] chunkSizes;
        private final MemorySegment[] pages;
        private final Arena[] arenas;
        private final int[] pageClass;
        private int pageCount;
        /** Per class: its pages, free chunks, next chunk never handed out, and the CLOCK hand. */
        private final int[][] classPages;
        private final int[] classPageCount;
        private final long[][] free;
        private final int[] freeCount;
        private final long[] carved;
        private final long[] hand;
        private final Epochs epochs = new Epochs();
        private final KeyStripes stripes = new KeyStripes();
        private final Index index;
        private long evictions;

        Slabs(long budget) {
            int[] sizes = new int[64];
            int count = 0;
            for (double size = 96; size <= PAGE / 2.0; size *= 1.25) {
                sizes[count++] = (int) ((long) size + 7 & ~7L);
            }
            sizes[count++] = PAGE;
            chunkSizes = Arrays.copyOf(sizes, count);
            int maxPages = (int) Math.max(1, budget / PAGE);
            pages = new MemorySegment[maxPages + 1];
            arenas = new Arena[maxPages + 1];
            pageClass = new int[maxPages + 1];
            classPages = new int[count][maxPages + 1];
            classPageCount = new int[count];
            free = new long[count][16];
            freeCount = new int[count];
            carved = new long[count];
            hand = new long[count];
            index = new Index(this, epochs, stripes, Index.MIN_BUCKETS);
        }

        private int classOf(long size) {
            int c = Arrays.binarySearch(chunkSizes, (int) size);
            return c >= 0 ? c : -c - 1;
        }

        private static long location(int page, long offset) {
            return (long) page << PAGE_BITS | offset;
        }

        private MemorySegment memory(long location) {
            return pages[(int) (location >>> PAGE_BITS)];
        }

        private static long offset(long location) {
            return location & (PAGE - 1);
        }

        @Override
        public boolean matches(long location, Key key) {
            return ItemFormat.hasKey(memory(location), offset(location), key);
        }

        @Override
        public long hashAt(long location) {
            return ItemFormat.keyHash(memory(location), offset(location));
        }

        /** A chunk of class {@code c}: a free one, a new one, or one CLOCK evicts; 0 if none. */
        private long chunk(int c) {
            if (freeCount[c] > 0) {
                return free[c][--freeCount[c]];
            }
            int perPage = PAGE / chunkSizes[c];
            if (carved[c] < (long) classPageCount[c] * perPage) {
                return chunkAt(c, carved[c]++);
            }
            if (pageCount + 1 < pages.length) {
                int page = ++pageCount;
                arenas[page] = Arena.ofShared();
                pages[page] = arenas[page].allocate(PAGE, 64);
                pageClass[page] = c;
                classPages[c][classPageCount[c]++] = page;
                return chunkAt(c, carved[c]++);
            }
            return evict(c);
        }

        private long chunkAt(int c, long n) {
            int perPage = PAGE / chunkSizes[c];
            return location(classPages[c][(int) (n / perPage)], n % perPage * chunkSizes[c]);
        }

        private long evict(int c) {
            long chunks = carved[c];
            if (chunks == 0) {
                return 0;
            }
            for (long passed = 0; passed < 2 * chunks + 1; passed++) {
                long at = chunkAt(c, hand[c]);
                hand[c] = (hand[c] + 1) % chunks;
                long hash = hashAt(at);
                long slot = index.slotOf(hash, at);
                if (slot == 0) {
                    return at; // not live: garbage the free list lost (not expected)
                }
                if (Index.policyBits(slot) != 0) {
                    index.move(hash, at, at, 0);
                } else if (index.remove(hash, at)) {
                    evictions++;
                    return at;
                }
            }
            return 0;
        }

        private void free(long location) {
            int c = pageClass[(int) (location >>> PAGE_BITS)];
            if (freeCount[c] == free[c].length) {
                free[c] = Arrays.copyOf(free[c], free[c].length * 2);
            }
            free[c][freeCount[c]++] = location;
        }

        @Override
        public boolean set(Key key, byte[] value, int length, long version) {
            int shape = ItemFormat.shape(key.length(), 0, false, false, 0);
            long size = ItemFormat.size(shape, key.length(), length);
            epochs.enter();
            try {
                index.help(8);
                long at = chunk(classOf(size));
                if (at == 0) {
                    return false;
                }
                MemorySegment memory = memory(at);
                long valueAt = ItemFormat.writeHeader(memory, offset(at), shape, key.array(), key.offset(), key.length(), length);
                MemorySegment.copy(value, 0, memory, ItemFormat.BYTE, valueAt, length);
                long fixedAt = ItemFormat.varintAt(offset(at), shape) + ItemFormat.varintSize(length);
                memory.set(ItemFormat.LONG, fixedAt, version);
                long replaced;
                synchronized (stripes.of(key.hash64())) {
                    replaced = index.put(key, at, 0);
                }
                if (replaced == Index.FULL) {
                    free(at);
                    return false;
                }
                if (replaced != 0) {
                    free(Index.location(replaced));
                }
                return true;
            } finally {
                epochs.exit();
            }
        }

        @Override
        public int get(Key key, byte[] into) {
            epochs.enter();
            try {
                long slot = index.get(key, MARK_READ);
                if (slot == 0) {
                    return -1;
                }
                long at = Index.location(slot);
                MemorySegment memory = memory(at);
                long itemAt = offset(at);
                int shape = ItemFormat.shape(memory, itemAt);
                long varintAt = ItemFormat.varintAt(itemAt, shape);
                int length = ItemFormat.storedLength(memory, varintAt);
                long valueAt = itemAt + ItemFormat.size(shape, ItemFormat.keyLength(memory, itemAt, shape), length) - length;
                MemorySegment.copy(memory, ItemFormat.BYTE, valueAt, into, 0, length);
                return length;
            } finally {
                epochs.exit();
            }
        }

        @Override
        public long items() {
            return index.entries();
        }

        @Override
        public long memoryBytes() {
            return (long) pageCount * PAGE;
        }

        @Override
        public long liveBytes() {
            long[] total = new long[1];
            index.forEach(slot -> {
                long at = Index.location(slot);
                MemorySegment memory = memory(at);
                int shape = ItemFormat.shape(memory, offset(at));
                total[0] += ItemFormat.size(shape, ItemFormat.keyLength(memory, offset(at), shape),
                        ItemFormat.storedLength(memory, ItemFormat.varintAt(offset(at), shape)));
            });
            return total[0];
        }

        @Override
        public void close() {
            index.close();
            for (int page = 1; page <= pageCount; page++) {
                arenas[page].close();
            }
        }
    }

    /** The memory tier as it is: segments. */
    static final class Segments implements Layout {
        private final Epochs epochs = new Epochs();
        private final KeyStripes stripes = new KeyStripes();
        private final MemoryTier tier;

        Segments(long budget) {
            tier = new MemoryTier(Eviction.LRU, budget, Long.MAX_VALUE, () -> 0L, epochs, stripes, MemoryTier.Listener.NONE,
                    EvictorThread.WRITER);
        }

        @Override
        public boolean set(Key key, byte[] value, int length, long version) {
            epochs.enter();
            try {
                tier.helpIndex();
                synchronized (stripes.of(key.hash64())) {
                    return tier.write(key, 0, 0, version, version, 0, 0, false, value, length, -1) != null;
                }
            } finally {
                epochs.exit();
            }
        }

        @Override
        public int get(Key key, byte[] into) {
            epochs.enter();
            try {
                ItemView item = tier.get(key, true);
                if (item == null) {
                    return -1;
                }
                int length = item.storedLength();
                MemorySegment.copy(item.valueMemory(), ItemFormat.BYTE, item.valueOffset(), into, 0, length);
                return length;
            } finally {
                epochs.exit();
            }
        }

        @Override
        public long items() {
            return tier.items();
        }

        @Override
        public long memoryBytes() {
            return tier.allocatedBytes();
        }

        @Override
        public long liveBytes() {
            return tier.bytes();
        }

        @Override
        public void close() {
            tier.close();
        }
    }

    record Run(double setNanos, double getNanos, double churnNanos, long churnItems, long churnBytes, long churnLive, long filledBytes) {
    }

    public static void main(String[] args) {
        int items = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        long churnBudget = (args.length > 1 ? Long.parseLong(args[1]) : 64) << 20;
        Key[] keys = new Key[items];
        for (int i = 0; i < items; i++) {
            keys[i] = Key.of(String.format("key:%012d", i)); // 16 bytes
        }
        int[] readOrder = new SplittableRandom(1).ints(items, 0, items).toArray();
        long fillBudget = (long) (items * 200L * 1.1) + (64L << 20);
        String[] names = {"segments", "slabs"};
        Run[][] runs = new Run[2][3];
        for (int round = 0; round < 3; round++) {
            for (int layout = 0; layout < 2; layout++) {
                runs[layout][round] = run(layout == 0, keys, readOrder, fillBudget, churnBudget);
                System.out.printf("round %d %s: %s%n", round, names[layout], runs[layout][round]);
            }
        }
        System.out.println("| layout | set, fill (ns) | get (ns) | set, churn (ns) | items held in churn | their bytes | item memory after fill | after churn |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        for (int layout = 0; layout < 2; layout++) {
            Run[] r = runs[layout];
            System.out.printf("| %s | %s | %s | %s | %s | %s | %s | %s |%n", names[layout], median(r, Run::setNanos), median(r, Run::getNanos),
                    median(r, Run::churnNanos), median(r, x -> x.churnItems()), median(r, x -> x.churnLive() >> 20) + " MiB",
                    median(r, x -> x.filledBytes() >> 20) + " MiB",
                    median(r, x -> x.churnBytes() >> 20) + " MiB");
        }
    }

    private static Run run(boolean segments, Key[] keys, int[] readOrder, long fillBudget, long churnBudget) {
        byte[] value = new byte[4000];
        byte[] into = new byte[4000];
        double setNanos;
        double getNanos;
        long filledBytes;
        try (Layout layout = segments ? new Segments(fillBudget) : new Slabs(fillBudget)) {
            long started = System.nanoTime();
            for (int i = 0; i < keys.length; i++) {
                if (!layout.set(keys[i], value, 100, i + 1)) {
                    throw new IllegalStateException("no room for item " + i);
                }
            }
            setNanos = (System.nanoTime() - started) / (double) keys.length;
            started = System.nanoTime();
            long found = 0;
            for (int id : readOrder) {
                found += layout.get(keys[id], into) >= 0 ? 1 : 0;
            }
            getNanos = (System.nanoTime() - started) / (double) readOrder.length;
            if (found != readOrder.length) {
                throw new IllegalStateException("found " + found + " of " + readOrder.length);
            }
            filledBytes = layout.memoryBytes();
        }
        SplittableRandom random = new SplittableRandom(2);
        int keySpace = (int) Math.min(keys.length, 2 * churnBudget / 1000); // twice what the budget holds, at ~1 KB a value
        int[] sizes = new int[keySpace];
        for (int id = 0; id < keySpace; id++) {
            sizes[id] = (int) Math.round(Math.exp(Math.log(100) + random.nextDouble() * (Math.log(4000) - Math.log(100))));
        }
        try (Layout layout = segments ? new Segments(churnBudget) : new Slabs(churnBudget)) {
            int sets = 4 * keySpace;
            long started = System.nanoTime();
            for (int i = 0; i < sets; i++) {
                int id = random.nextInt(keySpace);
                layout.set(keys[id], value, sizes[id], i + 1);
            }
            return new Run(setNanos, getNanos, (System.nanoTime() - started) / (double) sets, layout.items(), layout.memoryBytes(),
                    layout.liveBytes(), filledBytes);
        }
    }

    private static String median(Run[] runs, java.util.function.ToDoubleFunction<Run> field) {
        double[] values = Arrays.stream(runs).mapToDouble(field).sorted().toArray();
        return values[0] == values[values.length - 1] ? String.format("%.0f", values[1])
                : String.format("%.0f (%.0f–%.0f)", values[1], values[0], values[values.length - 1]);
    }

    private SlabLayout() {
    }
}
