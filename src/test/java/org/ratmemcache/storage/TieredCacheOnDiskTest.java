package org.ratmemcache.storage;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.ratmemcache.core.Arithmetic;
import org.ratmemcache.core.DeltaResult;
import org.ratmemcache.core.Expiry;
import org.ratmemcache.core.Increment;
import org.ratmemcache.core.Item;
import org.ratmemcache.core.Key;
import org.ratmemcache.core.StoreMode;
import org.ratmemcache.core.StoreResult;
import org.ratmemcache.core.disk.DiskItem;
import org.ratmemcache.core.disk.DiskTier;
import org.ratmemcache.core.disk.DiskTierException;
import org.ratmemcache.core.engine.TieredCache;
import org.ratmemcache.testing.DiskStores;
import org.ratmemcache.testing.ManualClock;
import org.ratmemcache.testing.Reads;
import org.ratmemcache.core.memory.Eviction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The cache over a real disk tier (each store) with a tiny L1, so that items spill: every command
 * must behave the same whichever tier holds the item.
 */
@ParameterizedClass
@EnumSource(DiskStores.class)
class TieredCacheOnDiskTest {

    @Parameter
    DiskStores store;

    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock();
    private DiskTier disk;
    private TieredCache cache;

    private int fillers;

    private TieredCache open(boolean writeThrough, long l1Entries) throws Exception {
        disk = store.open(dir, true);
        // fifo, so that newer writes push older keys to disk in an order the tests can name, whatever
        // was read (lru is CLOCK: a key read since it was stored outlasts one more pass)
        cache = TieredCache.builder().eviction(Eviction.FIFO).clock(clock).sweepInterval(Duration.ZERO).maxEntries(l1Entries)
                .disk(disk).writeThrough(writeThrough).build();
        return cache;
    }

    private void reopen() throws Exception {
        cache.close();
        open(false, 4);
    }

    @AfterEach
    void close() {
        if (cache != null) {
            cache.close();
        }
    }

    private StoreResult store(StoreMode mode, String key, String value, int flags, long exptime, long cas) {
        return cache.store(mode, Key.of(key), flags, Expiry.fromExptime(exptime, clock.millis()),
                value.getBytes(StandardCharsets.ISO_8859_1), cas).join();
    }

    private Item item(String key) {
        return Reads.item(cache, Key.of(key));
    }

    private String value(String key) {
        Item item = item(key);
        return item == null ? null : new String(item.value(), StandardCharsets.ISO_8859_1);
    }

    /**
     * Pushes {@code key} out of L1 with fresh keys, and waits until L2 holds everything. The
     * evictor runs on its own thread, and goes a block at a time, so fresh keys come until the key
     * has gone.
     */
    private void onlyOnDisk(String key) {
        for (int i = 0; cache.memory().get(Key.of(key), false) != null; i++) {
            assertThat(i).as("%s pushed out of L1 by fresh keys", key).isLessThan(10_000);
            store(StoreMode.SET, "filler-" + fillers++, "f", 0, 0, 0);
            if (i % 8 == 7) {
                await().atMost(Duration.ofSeconds(10)).until(() -> cache.memory().items() <= 4);
            }
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> Reads.writeBackQueue(cache.view()) == 0);
        assertThat(readDisk(key)).as("%s on disk: a get must read it there", key).isNotNull();
    }

    private DiskItem readDisk(String key) {
        try {
            return disk.read(Key.of(key));
        } catch (DiskTierException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void everyItemStaysReachableWhenL1HoldsFew() throws Exception {
        open(false, 10);
        for (int i = 0; i < 1000; i++) {
            store(StoreMode.SET, "k" + i, "v" + i, i, 0, 0);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> Reads.writeBackQueue(cache.view()) == 0);
        for (int i = 0; i < 1000; i++) {
            Item item = item("k" + i);
            assertThat(new String(item.value(), StandardCharsets.US_ASCII)).isEqualTo("v" + i);
            assertThat(item.flags()).isEqualTo(i);
        }
        await().until(() -> cache.memory().items() <= 10); // the evictor runs on its own thread
        await().until(() -> cache.view().itemCount() == 1000);
        assertThat(cache.view().stats().promotions.sum()).isPositive();
    }

    @Test
    void everyCommandWorksOnAnItemThatLivesOnlyOnDisk() throws Exception {
        open(false, 4);
        store(StoreMode.SET, "a", "1", 3, 0, 0);
        long cas = item("a").cas();

        onlyOnDisk("a");
        Item read = item("a");
        assertThat(read.cas()).isEqualTo(cas);
        assertThat(read.flags()).isEqualTo(3);
        assertThat(cache.memory().get(Key.of("a"), false)).as("promoted").isNotNull();

        onlyOnDisk("a");
        assertThat(store(StoreMode.ADD, "a", "x", 0, 0, 0)).isEqualTo(StoreResult.NOT_STORED);
        onlyOnDisk("a");
        assertThat(store(StoreMode.APPEND, "a", "2", 0, 0, 0)).isEqualTo(StoreResult.STORED);
        onlyOnDisk("a");
        assertThat(store(StoreMode.PREPEND, "a", "0", 0, 0, 0)).isEqualTo(StoreResult.STORED);
        onlyOnDisk("a");
        assertThat(value("a")).isEqualTo("012");
        assertThat(item("a").flags()).isEqualTo(3);

        onlyOnDisk("a");
        assertThat(store(StoreMode.CAS, "a", "stale", 0, 0, cas)).isEqualTo(StoreResult.EXISTS);
        long current = item("a").cas();
        onlyOnDisk("a");
        assertThat(store(StoreMode.CAS, "a", "10", 0, 0, current)).isEqualTo(StoreResult.STORED);

        onlyOnDisk("a");
        assertThat(((DeltaResult.Applied) cache.delta(Key.of("a"), Arithmetic.of(Arithmetic.Direction.INCR, 5)).join()).value()).isEqualTo(15);
        onlyOnDisk("a");
        assertThat(((DeltaResult.Applied) cache.delta(Key.of("a"), Arithmetic.of(Arithmetic.Direction.DECR, 20)).join()).value()).isZero();
        assertThat(value("a")).isEqualTo("0 ");
        onlyOnDisk("a");
        assertThat(cache.increment(Key.of("a"), 1).join()).as("Redis's INCR reads \"0 \" as no integer").isEqualTo(Increment.NOT_AN_INTEGER);
        store(StoreMode.SET, "a", "-3", 0, 0, 0);
        onlyOnDisk("a");
        assertThat(((Increment.Done) cache.increment(Key.of("a"), -4).join()).value()).isEqualTo(-7);
        assertThat(value("a")).isEqualTo("-7");

        onlyOnDisk("a");
        assertThat(store(StoreMode.REPLACE, "a", "r", 9, 0, 0)).isEqualTo(StoreResult.STORED);
        onlyOnDisk("a");
        assertThat(cache.touch(Key.of("a"), clock.millis() + 10_000).join()).isTrue();
        onlyOnDisk("a");
        Item touched = cache.getAndTouch(Key.of("a"), clock.millis() + 20_000).join();
        assertThat(new String(touched.value(), StandardCharsets.US_ASCII)).isEqualTo("r");
        clock.advance(Duration.ofSeconds(15));
        onlyOnDisk("a");
        assertThat(value("a")).as("gat's expiry, not touch's").isEqualTo("r");
        clock.advance(Duration.ofSeconds(5));
        onlyOnDisk("a");
        assertThat(value("a")).as("expired on disk").isNull();

        store(StoreMode.SET, "d", "x", 0, 0, 0);
        onlyOnDisk("d");
        assertThat(cache.delete(Key.of("d")).join()).isTrue();
        assertThat(cache.delete(Key.of("d")).join()).isFalse();
        assertThat(value("d")).isNull();
        assertThat(store(StoreMode.REPLACE, "d", "x", 0, 0, 0)).isEqualTo(StoreResult.NOT_STORED);
        assertThat(store(StoreMode.ADD, "d", "y", 0, 0, 0)).isEqualTo(StoreResult.STORED);
    }

    @Test
    void aFlushCoversItemsOnDiskToo() throws Exception {
        open(false, 4);
        store(StoreMode.SET, "old", "1", 0, 0, 0);
        onlyOnDisk("old");
        // A flush that comes due a second later: a flush taking effect at once also starts deleting
        // flushed records from disk, which could beat the read below and leave nothing to count.
        cache.flushAll(clock.millis() + 1000).join();
        clock.advance(Duration.ofSeconds(1));
        store(StoreMode.SET, "new", "2", 0, 0, 0);
        assertThat(value("old")).isNull();
        assertThat(value("new")).isEqualTo("2");
        assertThat(cache.view().stats().getFlushed.sum()).isEqualTo(1);
    }

    @Test
    void aRestartBringsBackValuesFlagsExpiryAndCas() throws Exception {
        open(false, 4);
        store(StoreMode.SET, "forever", "f", 1, 0, 0);
        store(StoreMode.SET, "minute", "m", 2, 60, 0);
        store(StoreMode.SET, "gone", "g", 0, 0, 0);
        cache.delete(Key.of("gone")).join();
        long before = item("minute").cas();
        reopen();
        Item forever = item("forever");
        Item minute = item("minute");
        assertThat(forever.flags()).isEqualTo(1);
        assertThat(new String(minute.value(), StandardCharsets.US_ASCII)).isEqualTo("m");
        assertThat(minute.cas()).isEqualTo(before);
        assertThat(minute.expiresAt()).isEqualTo(ManualClock.START.toEpochMilli() + 60_000);
        assertThat(value("gone")).isNull();
        assertThat(cache.view().itemCount()).isEqualTo(2);
        store(StoreMode.SET, "after", "a", 0, 0, 0);
        assertThat(item("after").cas()).as("no CAS is reused after a restart").isGreaterThan(before);
        clock.advance(Duration.ofSeconds(60));
        assertThat(value("minute")).isNull();
    }

    @Test
    void aFlushSurvivesARestart() throws Exception {
        open(false, 4);
        store(StoreMode.SET, "old", "1", 0, 0, 0);
        cache.flushAll(clock.millis()).join();
        store(StoreMode.SET, "new", "2", 0, 0, 0);
        reopen();
        assertThat(value("old")).isNull();
        assertThat(value("new")).isEqualTo("2");
    }

    @Test
    void theSweepReclaimsItemsThatExpiredOnDisk() throws Exception {
        disk = store.open(dir, true);
        cache = TieredCache.builder().clock(clock).sweepInterval(Duration.ofMillis(20)).maxEntries(4).disk(disk).build();
        for (int i = 0; i < 100; i++) {
            store(StoreMode.SET, "short" + i, "s", 0, 10, 0);
            store(StoreMode.SET, "long" + i, "l", 0, 1000, 0);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> cache.view().itemCount() == 200);
        clock.advance(Duration.ofSeconds(10));
        await().atMost(Duration.ofSeconds(10)).until(() -> cache.view().itemCount() == 100);
        assertThat(disk.read(Key.of("short7"))).isNull();
        assertThat(value("long7")).isEqualTo("l");
    }

    @Test
    void aFlushIsReclaimedFromDisk() throws Exception {
        open(false, 4);
        for (int i = 0; i < 100; i++) {
            store(StoreMode.SET, "k" + i, "v", 0, 0, 0);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> cache.view().itemCount() == 100);
        cache.flushAll(clock.millis()).join();
        store(StoreMode.SET, "after", "a", 0, 0, 0);
        await().atMost(Duration.ofSeconds(10)).until(() -> cache.view().itemCount() == 1);
        assertThat(disk.read(Key.of("k0"))).isNull();
    }

    @Test
    void theDiskStaysNearItsBoundEvictingTheOldestItems() throws Exception {
        long bound = 16L << 20;
        disk = store.open(dir, false);
        cache = TieredCache.builder().clock(clock).sweepInterval(Duration.ZERO).maxEntries(16).maxDiskSize(bound).disk(disk).build();
        byte[] value = new byte[10_000];
        for (int i = 0; i < 8_000; i++) { // 80 MB of values, five times the bound
            cache.store(StoreMode.SET, Key.of(String.format("k%05d", i)), 0, 0, value, 0).join();
        }
        AtomicLong peak = new AtomicLong();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> {
            long usage = disk.diskUsage();
            peak.accumulateAndGet(usage, Math::max);
            return Reads.writeBackQueue(cache.view()) == 0 && cache.view().stats().l2Evictions.sum() > 0 && usage <= bound * 11 / 10;
        });
        long settled = disk.diskUsage();
        System.out.printf("disk bound %d bytes: peak %d (%.2f x), settled %d (%.2f x)%n",
                bound, peak.get(), peak.get() / (double) bound, settled, settled / (double) bound);
        assertThat(value("k07999")).as("the newest item stays").isNotNull();
        assertThat(disk.read(Key.of("k00000"))).as("the oldest item went first").isNull();
    }

    @Test
    void largeValuesLiveOnDiskOnly() throws Exception {
        cache = TieredCache.builder().clock(clock).sweepInterval(Duration.ZERO).largeValueThreshold(1000)
                .disk(store.open(dir, true)).build();
        store(StoreMode.SET, "big", "x".repeat(5000), 0, 0, 0);
        store(StoreMode.SET, "small", "x", 0, 0, 0);
        assertThat(cache.memory().get(Key.of("big"), false)).isNull();
        assertThat(cache.memory().get(Key.of("small"), false)).isNotNull();
        assertThat(value("big")).hasSize(5000);
        await().until(() -> Reads.writeBackQueue(cache.view()) == 0);
        assertThat(value("big")).hasSize(5000);
        assertThat(cache.memory().get(Key.of("big"), false)).as("never promoted").isNull();
        assertThat(store(StoreMode.APPEND, "big", "y", 0, 0, 0)).isEqualTo(StoreResult.STORED);
        assertThat(value("big")).hasSize(5001).endsWith("y");
    }

    @Test
    void writeThroughAcknowledgesOnlyWhatIsOnDisk() throws Exception {
        open(true, 4);
        for (int i = 0; i < 100; i++) {
            store(StoreMode.SET, "k" + i, "v" + i, 0, 0, 0);
            assertThat(disk.read(Key.of("k" + i))).as("k%d in RocksDB when acknowledged", i).isNotNull();
        }
        assertThat(cache.delete(Key.of("k5")).join()).isTrue();
        assertThat(disk.read(Key.of("k5"))).isNull();
    }

    /** Write-through, so that a key leaves the write queue at once and commands must read the disk. */
    @Test
    void racingUpdatesOfAKeyThatKeepsLeavingMemoryAreNeverLost() throws Exception {
        open(true, 2);
        store(StoreMode.SET, "n", "0", 0, 0, 0);
        store(StoreMode.SET, "log", "", 0, 0, 0);
        store(StoreMode.SET, "r", "0", 0, 0, 0);
        int threads = 6;
        int rounds = 300;
        CyclicBarrier start = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < rounds; i++) {
                        CompletableFuture<DeltaResult> incr = cache.delta(Key.of("n"), Arithmetic.of(Arithmetic.Direction.INCR, 1));
                        CompletableFuture<StoreResult> append = cache.store(StoreMode.APPEND, Key.of("log"), 0, 0,
                                new byte[] {(byte) ('a' + thread)}, 0);
                        CompletableFuture<Increment> redisIncr = cache.increment(Key.of("r"), -1);
                        // churn, so that n and log keep leaving the 2-entry L1
                        cache.store(StoreMode.SET, Key.of("churn-" + thread + "-" + i), 0, 0, new byte[1], 0).join();
                        assertThat(incr.join()).isInstanceOf(DeltaResult.Applied.class);
                        assertThat(append.join()).isEqualTo(StoreResult.STORED);
                        assertThat(redisIncr.join()).isInstanceOf(Increment.Done.class);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(value("n")).isEqualTo(Integer.toString(threads * rounds));
        assertThat(value("log")).hasSize(threads * rounds);
        assertThat(value("r")).isEqualTo(Integer.toString(-threads * rounds));
        assertThat(cache.view().stats().l2Hits.sum()).as("the race did reach the disk").isPositive();
    }
}
