package org.ratmemcache.core.memory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.Test;
import org.ratmemcache.core.Key;
import org.ratmemcache.core.StoreMode;
import org.ratmemcache.core.engine.TieredCache;
import org.ratmemcache.core.engine.TieredCacheBuilder;
import org.ratmemcache.testing.ManualClock;
import org.ratmemcache.testing.Reads;

import static org.assertj.core.api.Assertions.assertThat;

/** The memory tier's bounds and its LRU order (the policy pinned to lru), seen through the cache. */
class EvictionTest {

    private final ManualClock clock = new ManualClock();

    private TieredCache cache(UnaryOperator<TieredCacheBuilder> bounds) {
        return bounds.apply(TieredCache.builder().eviction(Eviction.LRU).clock(clock).sweepInterval(Duration.ZERO)).build();
    }

    private static void set(TieredCache cache, String key, int valueLength) {
        cache.store(StoreMode.SET, Key.of(key), 0, 0, new byte[valueLength], 0).join();
    }

    private static boolean has(TieredCache cache, String key) {
        return Reads.item(cache, Key.of(key)) != null;
    }

    @Test
    void evictsTheLeastRecentlyUsedWhenTheEntryBoundIsReached() {
        try (TieredCache cache = cache(b -> b.maxEntries(3))) {
            set(cache, "a", 1);
            set(cache, "b", 1);
            set(cache, "c", 1);
            assertThat(has(cache, "a")).isTrue(); // a is now more recent than b and c
            set(cache, "d", 1);
            assertThat(cache.view().itemCount()).isEqualTo(3);
            assertThat(has(cache, "b")).isFalse();
            assertThat(has(cache, "a")).isTrue();
            assertThat(has(cache, "c")).isTrue();
            assertThat(has(cache, "d")).isTrue();
            assertThat(cache.view().stats().evictions.sum()).isEqualTo(1);
            assertThat(cache.view().stats().evictedUnfetched.sum()).isEqualTo(1);
        }
    }

    @Test
    void aWriteMakesAnItemRecentToo() {
        try (TieredCache cache = cache(b -> b.maxEntries(2))) {
            set(cache, "a", 1);
            set(cache, "b", 1);
            set(cache, "a", 2);
            set(cache, "c", 1);
            assertThat(has(cache, "a")).isTrue();
            assertThat(has(cache, "b")).isFalse();
        }
    }

    @Test
    void stopsAtTheByteBudgetCountingKeyValueAndOverhead() {
        long perItem = MemoryTier.weigh(4, 1000);
        try (TieredCache cache = cache(b -> b.maxMemory(10 * perItem))) {
            for (int i = 0; i < 100; i++) {
                set(cache, String.format("k%03d", i), 1000);
                assertThat(cache.view().memory().bytes()).isLessThanOrEqualTo(10 * perItem);
            }
            assertThat(cache.view().itemCount()).isEqualTo(10);
            assertThat(cache.view().memory().bytes()).isEqualTo(10 * perItem);
            assertThat(cache.view().stats().evictions.sum()).isEqualTo(90);
            for (int i = 90; i < 100; i++) {
                assertThat(has(cache, String.format("k%03d", i))).isTrue();
            }
        }
    }

    @Test
    void aLargeItemEvictsAsManySmallOnesAsItNeeds() {
        long small = MemoryTier.weigh(2, 100);
        try (TieredCache cache = cache(b -> b.maxMemory(20 * small))) {
            for (int i = 0; i < 20; i++) {
                set(cache, String.format("%02d", i), 100);
            }
            set(cache, "big", (int) (5 * small));
            assertThat(cache.view().memory().bytes()).isLessThanOrEqualTo(20 * small);
            assertThat(has(cache, "big")).isTrue();
            assertThat(has(cache, "00")).isFalse();
            assertThat(has(cache, "19")).isTrue();
        }
    }

    @Test
    void accountingReturnsToZero() {
        try (TieredCache cache = cache(b -> b)) {
            for (int i = 0; i < 100; i++) {
                set(cache, "k" + i, i);
                set(cache, "k" + i, 2 * i);
            }
            assertThat(cache.view().itemCount()).isEqualTo(100);
            for (int i = 0; i < 100; i++) {
                cache.delete(Key.of("k" + i)).join();
            }
            assertThat(cache.view().itemCount()).isZero();
            assertThat(cache.view().memory().bytes()).isZero();
        }
    }

    @Test
    void anExpiredVictimCountsAsReclaimedNotEvicted() {
        try (TieredCache cache = cache(b -> b.maxEntries(1))) {
            cache.store(StoreMode.SET, Key.of("short"), 0, clock.millis() + 1000, "v".getBytes(StandardCharsets.US_ASCII), 0).join();
            clock.advance(Duration.ofSeconds(2));
            set(cache, "next", 1);
            assertThat(cache.view().stats().evictions.sum()).isZero();
            assertThat(cache.view().stats().reclaimed.sum()).isEqualTo(1);
        }
    }

    @Test
    void manyReadsStillLeaveTheColdestEntryFirstInLine() {
        try (TieredCache cache = cache(b -> b.maxEntries(1000))) {
            for (int i = 0; i < 1000; i++) {
                set(cache, "k" + i, 1);
            }
            // Read every key but k0, more times than the read buffer holds at once.
            for (int round = 0; round < 3; round++) {
                for (int i = 1; i < 1000; i++) {
                    has(cache, "k" + i);
                }
            }
            assertThat(cache.memory().coldest().key()).isEqualTo(Key.of("k0"));
        }
    }
}
