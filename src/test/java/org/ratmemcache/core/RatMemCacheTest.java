package org.ratmemcache.core;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;
import org.ratmemcache.core.memory.Eviction;
import org.ratmemcache.testing.ManualClock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The library API, memory only and over RocksDB, under a clock the test moves. */
class RatMemCacheTest {

    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock();

    static Stream<Arguments> tiers() {
        return Stream.of(Arguments.of("memory"), Arguments.of("memory over disk"));
    }

    private RatMemCache cache(String tiers, Duration defaultTtl, Duration maxTtl) {
        RatMemCache.Builder builder = RatMemCache.builder().l1(16 << 20).clock(clock).cleanupInterval(Duration.ZERO)
                .ttl(defaultTtl, maxTtl);
        if (tiers.contains("disk")) {
            builder.l2(dir.resolve("l2"));
        }
        return builder.build();
    }

    private static byte[] bytes(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The builder's policy decides which key a full 3-entry cache gives up: a, b and c stored, a
     * read, then d. lru (CLOCK) and lfu keep a, which was read, and drop b, the oldest of the
     * others; fifo drops a, the first in; hybrid (S3-FIFO) moves a, read in the small queue, on to
     * the main one, and drops b, the oldest never read. The evictor runs on its own thread, so the
     * eviction is awaited.
     */
    @ParameterizedTest
    @CsvSource({"LRU, b", "LFU, b", "FIFO, a", "HYBRID, b"})
    void theBuildersEvictionPolicyChoosesTheVictim(Eviction eviction, String victim) {
        try (RatMemCache cache = RatMemCache.builder().l1(16 << 20, 3, eviction).clock(clock).cleanupInterval(Duration.ZERO).build()) {
            cache.set("a", bytes("1"));
            cache.set("b", bytes("2"));
            cache.set("c", bytes("3"));
            assertThat(cache.get("a")).isEqualTo(bytes("1"));
            cache.set("d", bytes("4"));
            await().until(() -> cache.stats().evictions() == 1);
            assertThat(Stream.of("a", "b", "c", "d").filter(key -> !cache.containsKey(key))).containsExactly(victim);
            assertThat(cache.stats().evictions()).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @MethodSource("tiers")
    void readsAndWritesAsMemcached(String tiers) {
        try (RatMemCache cache = cache(tiers, Duration.ZERO, Duration.ZERO)) {
            assertThat(cache.get("a")).isNull();
            cache.set("a", bytes("1"));
            assertThat(cache.get("a")).isEqualTo(bytes("1"));
            assertThat(cache.add("a", bytes("2"))).isFalse();
            assertThat(cache.add("b", bytes("2"))).isTrue();

            RatMemCache.CasValue read = cache.gets("a");
            assertThat(cache.cas("a", bytes("3"), read.cas())).isTrue();
            assertThat(cache.cas("a", bytes("4"), read.cas())).as("the item changed since").isFalse();
            assertThat(cache.cas("missing", bytes("4"), read.cas())).isFalse();
            assertThat(cache.get("a")).isEqualTo(bytes("3"));

            assertThat(cache.incr("a", 10)).isEqualTo(OptionalLong.of(13));
            assertThat(cache.decr("a", 20)).as("stops at 0").isEqualTo(OptionalLong.of(0));
            assertThat(cache.incr("missing", 1)).isEmpty();
            cache.set("text", bytes("abc"));
            assertThatThrownBy(() -> cache.incr("text", 1)).isInstanceOf(IllegalStateException.class);

            assertThat(cache.containsKey("b")).isTrue();
            assertThat(cache.delete("b")).isTrue();
            assertThat(cache.delete("b")).isFalse();
            assertThat(cache.containsKey("b")).isFalse();

            assertThat(cache.getAsync("a").join()).as("decr keeps the length, as memcached").isEqualTo(bytes("0 "));
            assertThat(cache.stats().hits()).isPositive();
            cache.flush();
            assertThat(cache.get("a")).isNull();
            assertThat(cache.hitRate()).isBetween(0.0, 1.0);
        }
    }

    @ParameterizedTest
    @MethodSource("tiers")
    void theDefaultTtlAppliesToSetAndTheMaximumClamps(String tiers) {
        try (RatMemCache cache = cache(tiers, Duration.ofMinutes(10), Duration.ofHours(1))) {
            cache.set("default", bytes("x"));
            cache.setWithTtl("long", bytes("x"), Duration.ofDays(1));
            cache.setWithTtl("forever", bytes("x"), Duration.ZERO);
            clock.advance(Duration.ofMinutes(11));
            assertThat(cache.get("default")).as("the default ttl").isNull();
            assertThat(cache.get("long")).isNotNull();
            clock.advance(Duration.ofMinutes(50));
            assertThat(cache.get("long")).as("clamped to the maximum").isNull();
            assertThat(cache.get("forever")).as("never is clamped too").isNull();
        }
    }

    @ParameterizedTest
    @MethodSource("tiers")
    void touchGivesANewTtl(String tiers) {
        try (RatMemCache cache = cache(tiers, Duration.ZERO, Duration.ZERO)) {
            cache.setWithTtl("a", bytes("x"), Duration.ofSeconds(10));
            assertThat(cache.touch("a", Duration.ofMinutes(10))).isTrue();
            assertThat(cache.touch("missing", Duration.ofMinutes(10))).isFalse();
            clock.advance(Duration.ofMinutes(5));
            assertThat(cache.get("a")).isNotNull();
            assertThatThrownBy(() -> cache.setWithTtl("a", bytes("x"), Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @ParameterizedTest
    @MethodSource("tiers")
    void keysStreamPageByPageInByteOrder(String tiers) {
        try (RatMemCache cache = cache(tiers, Duration.ZERO, Duration.ZERO)) {
            for (int i = 0; i < 2_500; i++) {
                cache.set("k%05d".formatted(i), bytes("x"));
            }
            cache.set("other", bytes("x"));
            cache.setWithTtl("k-expiring", bytes("x"), Duration.ofSeconds(1));
            clock.advance(Duration.ofSeconds(2));
            assertThat(cache.keys("k").toList()).hasSize(2_500).isSorted().doesNotContain("k-expiring");
            assertThat(cache.keys("k0249").toList()).containsExactly("k02490", "k02491", "k02492", "k02493", "k02494",
                    "k02495", "k02496", "k02497", "k02498", "k02499");
            assertThat(cache.keys("").limit(3).toList()).containsExactly("k00000", "k00001", "k00002");
        }
    }

    @ParameterizedTest
    @MethodSource("tiers")
    void aValueTooLargeIsRefused(String tiers) {
        try (RatMemCache cache = cache(tiers, Duration.ZERO, Duration.ZERO)) {
            assertThatThrownBy(() -> cache.set("big", new byte[2 << 20])).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("TOO_LARGE");
        }
    }
}
