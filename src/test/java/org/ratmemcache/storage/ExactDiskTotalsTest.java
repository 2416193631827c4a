package org.ratmemcache.storage;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.ratmemcache.core.Arithmetic;
import org.ratmemcache.core.Expiry;
import org.ratmemcache.core.Key;
import org.ratmemcache.core.StoreMode;
import org.ratmemcache.core.compress.ValueCompression;
import org.ratmemcache.core.disk.DiskTier;
import org.ratmemcache.core.engine.TieredCache;
import org.ratmemcache.testing.DiskStores;
import org.ratmemcache.testing.ManualClock;
import org.ratmemcache.testing.Reads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The disk's totals stay exact while writes learn what they replace from memory instead of
 * reading it: after any mix of commands from several threads, with items expiring, flushed and
 * evicted from memory meanwhile, the totals equal a count of the records one by one. On each store.
 */
class ExactDiskTotalsTest {

    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock();
    private DiskStores store;
    private DiskTier disk;
    private TieredCache cache;

    @AfterEach
    void close() {
        if (cache != null) {
            cache.close();
        }
    }

    private void open(DiskStores store, long l1Entries, boolean compressed) throws Exception {
        this.store = store;
        disk = store.open(dir, compressed);
        cache = TieredCache.builder().clock(clock).maxEntries(l1Entries).sweepInterval(Duration.ofMillis(20)).disk(disk)
                .compression(new ValueCompression(64)).build();
    }

    @ParameterizedTest
    @EnumSource
    void anOverwriteOfAKeyMemoryHoldsReadsNothing(DiskStores store) throws Exception {
        open(store, 10_000, true);
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < 100; i++) {
                set("k" + i, "v".repeat(10 + round * 100), 0);
            }
            await().until(() -> Reads.writeBackQueue(cache.view()) == 0);
        }
        Map<String, Long> statistics = disk.statistics();
        assertThat(statistics.get("records_written")).isGreaterThanOrEqualTo(300);
        assertThat(statistics.get("records_read_before_write")).as("only the first set of each key asks the disk").isEqualTo(store == DiskStores.LOG ? 0 : 100); // the log's directory knows these keys are new
        assertExact();
    }

    @ParameterizedTest
    @EnumSource
    void totalsStayExactUnderAnyMixOfCommands(DiskStores store) throws Exception {
        // a small memory, so that keys come and go between the tiers; values that compress, kept
        // compressed on disk (compression none), and ones that do not
        open(store, 64, false);
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            for (int phase = 0; phase < 4; phase++) {
                List<Future<?>> running = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    long seed = phase * 16L + t;
                    running.add(threads.submit(() -> mix(new SplittableRandom(seed), 3_000)));
                }
                for (Future<?> run : running) {
                    run.get();
                }
                clock.advance(Duration.ofSeconds(5)); // the short TTLs pass; the sweep reclaims them
                if (phase == 2) {
                    cache.flushAll(clock.millis()).join();
                }
                await().until(() -> Reads.writeBackQueue(cache.view()) == 0);
                // the writer's upkeep may still be reclaiming what the flush and the passing TTLs
                // left, between the recount and the reading of the totals: they agree once it has
                await().untilAsserted(this::assertExact);
            }
        } finally {
            threads.shutdownNow();
        }
        assertThat(disk.statistics().get("records_read_before_write")).as("memory answered some")
                .isLessThan(disk.statistics().get("records_written"));
    }

    @ParameterizedTest
    @EnumSource
    void memoryForgetsWhatTheDiskEvicts(DiskStores store) throws Exception {
        // memory holds every key, so each overwrite tells the disk what it replaces; the disk,
        // bounded at a fifth of what is written, evicts records memory still holds
        this.store = store;
        disk = store.open(dir, false);
        cache = TieredCache.builder().clock(clock).maxEntries(100_000).sweepInterval(Duration.ZERO).maxDiskSize(8L << 20).disk(disk)
                .build();
        SplittableRandom random = new SplittableRandom(7);
        byte[] value = new byte[4096];
        for (int i = 0; i < 10_000; i++) {
            random.nextBytes(value);
            cache.store(StoreMode.SET, Key.of("key" + random.nextInt(2_000)), 0, Expiry.NEVER, value, 0).join();
        }
        await().atMost(Duration.ofSeconds(30))
                .until(() -> Reads.writeBackQueue(cache.view()) == 0 && cache.view().stats().l2Evictions.sum() > 0);
        for (int i = 0; i < 2_000; i++) { // every key again: some replace what the disk evicted
            cache.store(StoreMode.SET, Key.of("key" + i), 0, Expiry.NEVER, value, 0).join();
        }
        await().until(() -> Reads.writeBackQueue(cache.view()) == 0);
        assertExact();
        for (int i = 0; i < 2_000; i++) { // what memory holds, the disk holds: the version it replaces there
            Key key = Key.of("key" + i);
            var inMemory = cache.memory().get(key, false);
            if (inMemory != null) {
                assertThat(disk.read(key)).as("key%d", i).isNotNull().extracting(item -> item.version()).isEqualTo(inMemory.version());
            }
        }
    }

    private void mix(SplittableRandom random, int commands) {
        for (int i = 0; i < commands; i++) {
            String key = "key" + random.nextInt(300);
            int ttl = random.nextInt(4) == 0 ? 3 : 0;
            CompletableFuture<?> done = switch (random.nextInt(8)) {
                case 0, 1, 2 -> store(StoreMode.SET, key, value(random), ttl);
                case 3 -> store(StoreMode.ADD, key, value(random), ttl);
                case 4 -> store(StoreMode.APPEND, key, "+tail", 0);
                case 5 -> cache.delete(Key.of(key), 0);
                case 6 -> cache.touch(Key.of(key), Expiry.fromExptime(random.nextInt(3) * 2, clock.millis()));
                default -> cache.delta(Key.of(key), Arithmetic.of(Arithmetic.Direction.INCR, 1));
            };
            done.join();
        }
    }

    private static String value(SplittableRandom random) {
        return random.nextBoolean() ? "text ".repeat(1 + random.nextInt(200)) : Long.toHexString(random.nextLong()).repeat(1 + random.nextInt(4));
    }

    private CompletableFuture<?> store(StoreMode mode, String key, String value, int ttl) {
        return cache.store(mode, Key.of(key), 0, Expiry.fromExptime(ttl, clock.millis()), value.getBytes(StandardCharsets.US_ASCII), 0);
    }

    private void set(String key, String value, int ttl) {
        store(StoreMode.SET, key, value, ttl).join();
    }

    private void assertExact() throws Exception {
        long[] counted = store.recount(disk);
        assertThat(new long[] {disk.itemCount(), disk.dataBytes()}).as("items and bytes, kept and counted").containsExactly(counted);
    }
}
