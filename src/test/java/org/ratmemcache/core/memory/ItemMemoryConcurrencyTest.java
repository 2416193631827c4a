package org.ratmemcache.core.memory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;

import org.junit.jupiter.api.Test;
import org.ratmemcache.core.Arithmetic;
import org.ratmemcache.core.DeltaResult;
import org.ratmemcache.core.Item;
import org.ratmemcache.core.Key;
import org.ratmemcache.core.Lookup;
import org.ratmemcache.core.StoreMode;
import org.ratmemcache.core.StoreResult;
import org.ratmemcache.core.engine.TieredCache;
import org.ratmemcache.testing.ManualClock;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Item memory under threads that reuse it all the time: no reader ever sees another item's bytes,
 * a torn item, or a block reused under it, and the books balance afterwards.
 */
class ItemMemoryConcurrencyTest {

    private static final int THREADS = 8;

    /** A value that names its key and version and ends with the CRC-32 of what comes before. */
    static byte[] value(String key, long version, int padding) {
        byte[] body = (key + "|" + version + "|" + "x".repeat(padding) + "|").getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(body);
        byte[] value = new byte[body.length + 8];
        System.arraycopy(body, 0, value, 0, body.length);
        System.arraycopy(String.format("%08x", crc.getValue()).getBytes(StandardCharsets.US_ASCII), 0, value, body.length, 8);
        return value;
    }

    /** Whether {@code value} is one {@link #value} made for {@code key}: whole, with its checksum right. */
    static boolean intact(String key, byte[] value) {
        if (value.length < 8) {
            return false;
        }
        CRC32 crc = new CRC32();
        crc.update(value, 0, value.length - 8);
        String sum = new String(value, value.length - 8, 8, StandardCharsets.US_ASCII);
        return sum.equals(String.format("%08x", crc.getValue()))
                && new String(value, 0, value.length - 8, StandardCharsets.US_ASCII).startsWith(key + "|");
    }

    @Test
    void eightThreadsMixingCommandsOverAFewBlocksNeverReadAnotherItemsBytes() throws Exception {
        try (TieredCache cache = TieredCache.builder().clock(new ManualClock()).sweepInterval(Duration.ZERO)
                .maxMemory(256 << 10).build()) {
            AtomicLong versions = new AtomicLong();
            CyclicBarrier start = new CyclicBarrier(THREADS);
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    start.await();
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    for (int i = 0; i < 20_000; i++) {
                        String key = "k" + random.nextInt(400);
                        Key k = Key.of(key);
                        switch (random.nextInt(8)) {
                            case 0, 1 -> cache.store(StoreMode.SET, k, 0, 0, value(key, versions.incrementAndGet(), random.nextInt(200)), 0).join();
                            case 2, 3 -> {
                                cache.protect(); // as a server's batch: the item is read in place
                                try {
                                    if (cache.get(k) instanceof Item item) {
                                        assertThat(intact(key, item.value())).as("%s read whole", key).isTrue();
                                    }
                                } finally {
                                    cache.release();
                                }
                            }
                            case 4 -> cache.delete(k).join();
                            case 5 -> {
                                if (cache.get(k) instanceof Item item) {
                                    StoreResult result = cache.store(StoreMode.CAS, k, 0, 0,
                                            value(key, versions.incrementAndGet(), random.nextInt(200)), item.cas()).join();
                                    assertThat(result).isIn(StoreResult.STORED, StoreResult.EXISTS, StoreResult.NOT_FOUND);
                                }
                            }
                            case 6 -> {
                                String counter = "n" + random.nextInt(20);
                                cache.store(StoreMode.ADD, Key.of(counter), 0, 0, "0".getBytes(StandardCharsets.US_ASCII), 0).join();
                                DeltaResult result = cache.delta(Key.of(counter), Arithmetic.Direction.INCR, 1).join();
                                assertThat(result).isInstanceOfAny(DeltaResult.Applied.class, DeltaResult.NotFound.class);
                            }
                            default -> {
                                String log = "log" + random.nextInt(20);
                                byte[] record = ("<" + thread + ":" + i + ">").getBytes(StandardCharsets.US_ASCII);
                                cache.store(StoreMode.APPEND, Key.of(log), 0, 0, record, 0).join();
                                if (cache.get(Key.of(log)) instanceof Item item) {
                                    String records = new String(item.value(), StandardCharsets.US_ASCII);
                                    assertThat(records).as("a log of whole records").matches("(<[0-9]+:[0-9]+>)*");
                                }
                                if (random.nextInt(50) == 0) {
                                    cache.store(StoreMode.SET, Key.of(log), 0, 0, new byte[0], 0).join();
                                }
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            pool.shutdown();
            MemoryTier memory = cache.memory();
            memory.evictNow();
            long[] books = new long[2];
            memory.forEachItem(item -> {
                books[0]++;
                books[1] += item.size();
                String key = new String(item.key().toBytes(), StandardCharsets.US_ASCII);
                if (key.startsWith("k")) {
                    assertThat(intact(key, item.value())).as("%s whole in memory", key).isTrue();
                }
            });
            assertThat(memory.items()).as("items").isEqualTo(books[0]);
            assertThat(memory.bytes()).as("bytes").isEqualTo(books[1]).isLessThanOrEqualTo(memory.maxBytes());
            assertThat(cache.view().stats().evictions.sum()).as("blocks were evicted and reused").isPositive();
            assertThat(memory.allocatedBytes()).as("item memory").isLessThanOrEqualTo(memory.maxBytes() + 16 * (1 << 10));
        }
    }

    @Test
    void aReaderInsideItsEpochKeepsItsItemsBytesWhileTheBlockIsEvictedAndMemoryRunsShort() throws Exception {
        try (TieredCache cache = TieredCache.builder().clock(new ManualClock()).sweepInterval(Duration.ZERO)
                .eviction(Eviction.FIFO).maxMemory(64 << 10).build()) {
            byte[] mine = value("mine", 1, 100);
            cache.store(StoreMode.SET, Key.of("mine"), 0, 0, mine, 0).join();
            for (int i = 0; i < 20; i++) { // fill and seal the segment that holds "mine" (1 KiB segments)
                cache.store(StoreMode.SET, Key.of("before" + i), 0, 0, value("before" + i, i, 100), 0).join();
            }
            CountDownLatch reading = new CountDownLatch(1);
            CountDownLatch churned = new CountDownLatch(1);
            ExecutorService reader = Executors.newSingleThreadExecutor();
            Future<byte[]> seen = reader.submit(() -> {
                cache.protect();
                try {
                    Item item = (Item) cache.get(Key.of("mine"));
                    reading.countDown();
                    churned.await();
                    return item.value(); // read in place, after its block was evicted
                } finally {
                    cache.release();
                }
            });
            reading.await();
            // Other items, until memory runs out: the blocks sealed before the reader entered are
            // evicted, "mine"'s first, but none is reused while the reader is inside, nor any
            // block sealed since evicted, so the writers find no room once the overdraft is spent.
            int stored = 0;
            StoreResult last = StoreResult.STORED;
            for (int i = 0; i < 5_000 && last == StoreResult.STORED; i++) {
                last = cache.store(StoreMode.SET, Key.of("other" + i), 0, 0, value("other" + i, i, 100), 0).join();
                stored += last == StoreResult.STORED ? 1 : 0;
            }
            assertThat(last).as("memory ran out").isEqualTo(StoreResult.NO_MEMORY);
            assertThat(cache.memory().allocatedBytes()).as("within the budget and its overdraft")
                    .isLessThanOrEqualTo(cache.memory().maxBytes() + (64 << 10));
            assertThat(cache.view().stats().evictions.sum()).as("blocks evicted").isPositive();
            assertThat(cache.get(Key.of("mine"))).as("evicted meanwhile").isEqualTo(Lookup.MISS);
            churned.countDown();
            assertThat(seen.get()).as("the reader's bytes").isEqualTo(mine);
            reader.shutdown();
            assertThat(stored).isGreaterThan((64 << 10) / 150);
            // once the reader has left, the memory it held back is reused
            for (int i = 0; i < 2_000; i++) {
                assertThat(cache.store(StoreMode.SET, Key.of("again" + i), 0, 0, value("again" + i, i, 100), 0).join())
                        .as("again%d", i).isEqualTo(StoreResult.STORED);
            }
        }
    }

    @Test
    void writersOfNewKeysWhileTheIndexGrowsLoseNone() throws Exception {
        try (TieredCache cache = TieredCache.builder().clock(new ManualClock()).sweepInterval(Duration.ZERO)
                .maxMemory(256L << 20).build()) {
            CyclicBarrier start = new CyclicBarrier(4);
            ExecutorService pool = Executors.newFixedThreadPool(4);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < 100_000; i++) {
                        assertThat(cache.store(StoreMode.SET, Key.of(thread + ":" + i), 0, 0, new byte[8], 0).join())
                                .as("%d:%d", thread, i).isEqualTo(StoreResult.STORED);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            pool.shutdown();
            assertThat(cache.memory().items()).isEqualTo(400_000);
            for (int t = 0; t < 4; t++) {
                for (int i = 0; i < 100_000; i++) {
                    assertThat(cache.get(Key.of(t + ":" + i))).as("%d:%d", t, i).isInstanceOf(Item.class);
                }
            }
        }
    }
}
