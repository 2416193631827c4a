package org.ratmemcache.core;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** flush_all, immediate and delayed. */
class FlushAllTest extends CacheTestSupport {

    @Test
    void invalidatesEverythingStoredBefore() {
        set("a", "1", 0);
        set("b", "2", 0);
        cache.flushAll(clock.millis()).join();
        assertThat(get("a")).isNull();
        assertThat(get("b")).isNull();
        assertThat(cache.view().stats().getFlushed.sum()).isEqualTo(2);
    }

    @Test
    void keepsWhatIsStoredAfterEvenInTheSameMillisecond() {
        set("a", "1", 0);
        cache.flushAll(clock.millis()).join();
        set("b", "2", 0);
        assertThat(get("a")).isNull();
        assertThat(get("b")).isEqualTo("2");
    }

    @Test
    void aDelayedFlushTakesEffectAtItsTime() {
        set("before", "1", 0);
        cache.flushAll(clock.millis() + 10_000).join();
        clock.advance(Duration.ofSeconds(5));
        set("during", "2", 0);
        assertThat(get("before")).isEqualTo("1");
        clock.advance(Duration.ofSeconds(5));
        set("after", "3", 0);
        assertThat(get("before")).isNull();
        assertThat(get("during")).isNull();
        assertThat(get("after")).isEqualTo("3");
    }

    @Test
    void aLaterDelayedFlushDoesNotBringBackFlushedItems() {
        set("a", "1", 0);
        cache.flushAll(clock.millis()).join();
        cache.flushAll(clock.millis() + 100_000).join();
        assertThat(get("a")).isNull();
    }

    @Test
    void touchDoesNotBringBackAFlushedItem() {
        set("a", "1", 0);
        cache.flushAll(clock.millis()).join();
        assertThat(cache.touch(Key.of("a"), 0).join()).isFalse();
        assertThat(get("a")).isNull();
    }

    @Test
    void theSweeperReclaimsFlushedItems() {
        set("a", "1", 0);
        set("b", "2", 0);
        cache.flushAll(clock.millis()).join();
        cache.sweep();
        assertThat(cache.view().itemCount()).isZero();
        assertThat(cache.view().memory().bytes()).isZero();
    }
}
