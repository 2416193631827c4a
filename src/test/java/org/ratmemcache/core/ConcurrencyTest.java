package org.ratmemcache.core;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.ratmemcache.core.engine.TieredCache;
import org.ratmemcache.core.memory.Entry;
import org.ratmemcache.core.memory.Eviction;
import org.ratmemcache.testing.ManualClock;
import org.ratmemcache.testing.Reads;

import static org.assertj.core.api.Assertions.assertThat;

/** Per-key atomicity across threads, and the memory tier's books after a storm. */
class ConcurrencyTest {

    private static final int THREADS = 8;

    private final TieredCache cache = TieredCache.builder().clock(new ManualClock()).sweepInterval(Duration.ZERO).build();

    private void race(int perThread, ThrowingTask task) throws Exception {
        CyclicBarrier start = new CyclicBarrier(THREADS);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        task.run(thread, i);
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
    }

    @FunctionalInterface
    interface ThrowingTask {
        void run(int thread, int i) throws Exception;
    }

    @Test
    void incrementsOfOneKeyAreNeverLost() throws Exception {
        cache.store(StoreMode.SET, Key.of("n"), 0, 0, "0".getBytes(StandardCharsets.US_ASCII), 0).join();
        race(5_000, (thread, i) -> cache.delta(Key.of("n"), Arithmetic.of(Arithmetic.Direction.INCR, 1)).join());
        assertThat(new String(Reads.item(cache, Key.of("n")).value(), StandardCharsets.US_ASCII)).isEqualTo(Integer.toString(THREADS * 5_000));
    }

    @Test
    void appendsOfOneKeyAreNeverLost() throws Exception {
        cache.store(StoreMode.SET, Key.of("log"), 0, 0, new byte[0], 0).join();
        race(1_000, (thread, i) -> cache.store(StoreMode.APPEND, Key.of("log"), 0, 0, new byte[] {(byte) thread}, 0).join());
        byte[] log = Reads.item(cache, Key.of("log")).value();
        assertThat(log).hasSize(THREADS * 1_000);
        int[] perThread = new int[THREADS];
        for (byte b : log) {
            perThread[b]++;
        }
        assertThat(perThread).containsOnly(1_000);
    }

    @Test
    void exactlyOneCasWinsEachRound() throws Exception {
        cache.store(StoreMode.SET, Key.of("k"), 0, 0, "0".getBytes(StandardCharsets.US_ASCII), 0).join();
        AtomicInteger wins = new AtomicInteger();
        race(2_000, (thread, i) -> {
            while (true) {
                Item seen = Reads.item(cache, Key.of("k"));
                long next = Long.parseLong(new String(seen.value(), StandardCharsets.US_ASCII)) + 1;
                StoreResult result = cache.store(StoreMode.CAS, Key.of("k"), 0, 0,
                        Long.toString(next).getBytes(StandardCharsets.US_ASCII), seen.cas()).join();
                if (result == StoreResult.STORED) {
                    wins.incrementAndGet();
                    return;
                }
                assertThat(result).isEqualTo(StoreResult.EXISTS);
            }
        });
        assertThat(wins.get()).isEqualTo(THREADS * 2_000);
        assertThat(new String(Reads.item(cache, Key.of("k")).value(), StandardCharsets.US_ASCII)).isEqualTo(Integer.toString(THREADS * 2_000));
    }

    @ParameterizedTest
    @EnumSource(Eviction.class)
    void theBooksBalanceAfterMixedTrafficUnderEviction(Eviction eviction) throws Exception {
        try (TieredCache small = TieredCache.builder().clock(new ManualClock()).sweepInterval(Duration.ZERO).eviction(eviction)
                .maxMemory(200 * org.ratmemcache.core.memory.MemoryTier.weigh(4, 64)).maxEntries(150).build()) {
            race(20_000, (thread, i) -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                Key key = Key.of("k" + random.nextInt(500));
                switch (random.nextInt(4)) {
                    case 0, 1 -> small.store(StoreMode.SET, key, 0, 0, new byte[random.nextInt(128)], 0).join();
                    case 2 -> small.get(key);
                    default -> small.delete(key).join();
                }
            });
            long bytes = 0;
            long entries = 0;
            for (Entry entry : small.memory().view()) {
                bytes += entry.weight();
                entries++;
            }
            assertThat(small.view().itemCount()).isEqualTo(entries).isLessThanOrEqualTo(150);
            assertThat(small.view().memory().bytes()).isEqualTo(bytes).isLessThanOrEqualTo(small.view().memory().maxBytes());
            assertThat(small.view().stats().evictions.sum()).as("both bounds were reached").isPositive();
            // the policy orders exactly the entries the map holds, each once
            assertThat(small.memory().keptLongest(Integer.MAX_VALUE)).containsExactlyInAnyOrderElementsOf(small.memory().view());
        }
    }
}
