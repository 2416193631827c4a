package org.ratmemcache.core;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ratmemcache.core.StoreMode.SET;
import static org.ratmemcache.core.StoreResult.NOT_FOUND;

/** incr and decr on 64-bit unsigned decimals. */
class IncrDecrTest extends CacheTestSupport {

    private long delta(boolean increment, long by) {
        return ((DeltaResult.Applied) cache.delta(Key.of("n"), increment, by).join()).value();
    }

    @Test
    void incrementsAndDecrementsDecimalValues() {
        set("n", "10", 0);
        assertThat(delta(true, 5)).isEqualTo(15);
        assertThat(delta(false, 6)).isEqualTo(9);
        assertThat(cache.stats().incrHits.sum()).isEqualTo(1);
        assertThat(cache.stats().decrHits.sum()).isEqualTo(1);
    }

    @Test
    void decrStopsAtZero() {
        set("n", "3", 0);
        assertThat(delta(false, 5)).isZero();
        assertThat(delta(false, 1)).isZero();
    }

    @Test
    void incrWrapsAt2To64() {
        set("n", "18446744073709551615", 0);
        assertThat(delta(true, 1)).isZero();
        set("n", "18446744073709551615", 0);
        assertThat(delta(true, 3)).isEqualTo(2);
        set("n", "1", 0);
        assertThat(Long.toUnsignedString(delta(true, -2L))).isEqualTo("18446744073709551615");
    }

    @Test
    void aShorterResultIsPaddedWithSpacesAsMemcachedDoesInPlace() {
        set("n", "100", 0);
        delta(false, 1);
        assertThat(get("n")).isEqualTo("99 ");
        delta(true, 1);
        assertThat(get("n")).isEqualTo("100");
        delta(true, 900);
        assertThat(get("n")).isEqualTo("1000");
    }

    @Test
    void keepsFlagsAndExpiry() {
        store(SET, "n", "1", 42, 10, 0);
        delta(true, 1);
        assertThat(cache.get(Key.of("n")).flags()).isEqualTo(42);
        clock.advance(Duration.ofSeconds(10));
        assertThat(cache.delta(Key.of("n"), true, 1).join()).isEqualTo(DeltaResult.NOT_FOUND);
    }

    @Test
    void refusesNonNumericValues() {
        for (String value : new String[] {"abc", "", "12a", "-1", " "}) {
            set("n", value, 0);
            assertThat(cache.delta(Key.of("n"), true, 1).join()).as(value).isEqualTo(DeltaResult.NON_NUMERIC);
            assertThat(get("n")).isEqualTo(value);
        }
    }

    @Test
    void missesAreCounted() {
        assertThat(cache.delta(Key.of("n"), true, 1).join()).isEqualTo(DeltaResult.NOT_FOUND);
        assertThat(cache.delta(Key.of("n"), false, 1).join()).isEqualTo(DeltaResult.NOT_FOUND);
        assertThat(cache.stats().incrMisses.sum()).isEqualTo(1);
        assertThat(cache.stats().decrMisses.sum()).isEqualTo(1);
    }
}
