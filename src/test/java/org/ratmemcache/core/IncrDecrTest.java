package org.ratmemcache.core;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.ratmemcache.testing.Reads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ratmemcache.core.StoreMode.SET;
import static org.ratmemcache.core.StoreResult.NOT_FOUND;

/** incr and decr on 64-bit unsigned decimals. */
class IncrDecrTest extends CacheTestSupport {

    private long delta(Arithmetic.Direction direction, long by) {
        return ((DeltaResult.Applied) cache.delta(Key.of("n"), Arithmetic.of(direction, by)).join()).value();
    }

    @Test
    void incrementsAndDecrementsDecimalValues() {
        set("n", "10", 0);
        assertThat(delta(Arithmetic.Direction.INCR, 5)).isEqualTo(15);
        assertThat(delta(Arithmetic.Direction.DECR, 6)).isEqualTo(9);
        assertThat(cache.view().stats().incrHits.sum()).isEqualTo(1);
        assertThat(cache.view().stats().decrHits.sum()).isEqualTo(1);
    }

    @Test
    void decrStopsAtZero() {
        set("n", "3", 0);
        assertThat(delta(Arithmetic.Direction.DECR, 5)).isZero();
        assertThat(delta(Arithmetic.Direction.DECR, 1)).isZero();
    }

    @Test
    void incrWrapsAt2To64() {
        set("n", "18446744073709551615", 0);
        assertThat(delta(Arithmetic.Direction.INCR, 1)).isZero();
        set("n", "18446744073709551615", 0);
        assertThat(delta(Arithmetic.Direction.INCR, 3)).isEqualTo(2);
        set("n", "1", 0);
        assertThat(Long.toUnsignedString(delta(Arithmetic.Direction.INCR, -2L))).isEqualTo("18446744073709551615");
    }

    @Test
    void aShorterResultIsPaddedWithSpacesAsMemcachedDoesInPlace() {
        set("n", "100", 0);
        delta(Arithmetic.Direction.DECR, 1);
        assertThat(get("n")).isEqualTo("99 ");
        delta(Arithmetic.Direction.INCR, 1);
        assertThat(get("n")).isEqualTo("100");
        delta(Arithmetic.Direction.INCR, 900);
        assertThat(get("n")).isEqualTo("1000");
    }

    @Test
    void keepsFlagsAndExpiry() {
        store(SET, "n", "1", 42, 10, 0);
        delta(Arithmetic.Direction.INCR, 1);
        assertThat(Reads.item(cache, Key.of("n")).flags()).isEqualTo(42);
        clock.advance(Duration.ofSeconds(10));
        assertThat(cache.delta(Key.of("n"), Arithmetic.of(Arithmetic.Direction.INCR, 1)).join()).isEqualTo(DeltaResult.NOT_FOUND);
    }

    @Test
    void refusesNonNumericValues() {
        for (String value : new String[] {"abc", "", "12a", "-1", " "}) {
            set("n", value, 0);
            assertThat(cache.delta(Key.of("n"), Arithmetic.of(Arithmetic.Direction.INCR, 1)).join()).as(value).isEqualTo(DeltaResult.NON_NUMERIC);
            assertThat(get("n")).isEqualTo(value);
        }
    }

    @Test
    void missesAreCounted() {
        assertThat(cache.delta(Key.of("n"), Arithmetic.of(Arithmetic.Direction.INCR, 1)).join()).isEqualTo(DeltaResult.NOT_FOUND);
        assertThat(cache.delta(Key.of("n"), Arithmetic.of(Arithmetic.Direction.DECR, 1)).join()).isEqualTo(DeltaResult.NOT_FOUND);
        assertThat(cache.view().stats().incrMisses.sum()).isEqualTo(1);
        assertThat(cache.view().stats().decrMisses.sum()).isEqualTo(1);
    }
}
