package org.ratmemcache.core;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.ratmemcache.core.engine.TieredCache;
import org.ratmemcache.testing.Reads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ratmemcache.core.StoreMode.SET;

/** Redis's INCRBY over the cache: signed 64-bit decimals as Redis writes them, refused past the range. */
class IncrementTest extends CacheTestSupport {

    private Increment increment(String key, long by) {
        return cache.increment(Key.of(key), by).join();
    }

    private long sum(String key, long by) {
        Increment result = increment(key, by);
        assertThat(result).isInstanceOf(Increment.Done.class);
        return ((Increment.Done) result).value();
    }

    @Test
    void aMissingKeyCountsAsZeroAndIsCreatedWithoutExpiry() {
        assertThat(sum("n", -5)).isEqualTo(-5);
        assertThat(get("n")).isEqualTo("-5");
        assertThat(Reads.item(cache, Key.of("n")).expiresAt()).isEqualTo(Expiry.NEVER);
        assertThat(sum("n", 7)).isEqualTo(2);
        assertThat(get("n")).isEqualTo("2");
    }

    @Test
    void theResultIsWrittenAsRedisWritesIt() {
        set("n", "-10", 0);
        assertThat(sum("n", 10)).isZero();
        assertThat(get("n")).as("no padding, unlike memcached's incr").isEqualTo("0");
        assertThat(sum("n", Long.MIN_VALUE)).isEqualTo(Long.MIN_VALUE);
        assertThat(get("n")).isEqualTo("-9223372036854775808");
    }

    @Test
    void keepsFlagsAndExpiryAndGivesANewCas() {
        store(SET, "n", "41", 42, 10, 0);
        long cas = casOf("n");
        assertThat(sum("n", 1)).isEqualTo(42);
        Item item = Reads.item(cache, Key.of("n"));
        assertThat(item.flags()).isEqualTo(42);
        assertThat(item.cas()).isGreaterThan(cas);
        clock.advance(Duration.ofSeconds(10));
        assertThat(sum("n", 1)).as("expired: counts as missing").isEqualTo(1);
    }

    @Test
    void refusesWhatRedisDoesNotReadAsAnInteger() {
        for (String value : new String[] {"abc", "", "+1", "01", "-0", " 1", "1 ", "1.5", "9223372036854775808", "123456789012345678901"}) {
            set("n", value, 0);
            assertThat(increment("n", 1)).as("'%s'", value).isEqualTo(Increment.NOT_AN_INTEGER);
            assertThat(get("n")).isEqualTo(value);
        }
    }

    @Test
    void refusesASumPastTheSignedRange() {
        set("n", "9223372036854775807", 0);
        assertThat(increment("n", 1)).isEqualTo(Increment.OVERFLOW);
        assertThat(sum("n", -1)).isEqualTo(Long.MAX_VALUE - 1);
        set("n", "-9223372036854775808", 0);
        assertThat(increment("n", -1)).isEqualTo(Increment.OVERFLOW);
        assertThat(sum("n", Long.MAX_VALUE)).isEqualTo(-1);
        assertThat(get("n")).isEqualTo("-1");
    }

    @Test
    void aKeyTooLongForAnItemOfItsSumIsRefusedAndKeepsNothing() {
        try (TieredCache small = TieredCache.builder().clock(clock).sweepInterval(Duration.ZERO).itemSizeMax(100).build()) {
            Key longKey = Key.of("k".repeat(60));
            assertThat(small.increment(longKey, 1).join()).isEqualTo(Increment.NO_ROOM);
            assertThat(Reads.item(small, longKey)).isNull();
        }
    }

    @Test
    void anAnswerReadLaterIsItsOwn() {
        Increment first = increment("a", 1);
        Increment second = increment("b", 2);
        assertThat(((Increment.Done) first).value()).as("not the thread's reused answer").isEqualTo(1);
        assertThat(((Increment.Done) second).value()).isEqualTo(2);
    }
}
