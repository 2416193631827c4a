package org.ratmemcache.core;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.ratmemcache.core.engine.TieredCache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.ratmemcache.core.StoreMode.ADD;
import static org.ratmemcache.core.StoreMode.CAS;
import static org.ratmemcache.core.StoreResult.STORED;

/** memcached's exptime rules, lazy removal and the sweeper. */
class ExptimeTest extends CacheTestSupport {

    @Test
    void zeroNeverExpires() {
        set("k", "v", 0);
        clock.advance(Duration.ofDays(3650));
        assertThat(get("k")).isEqualTo("v");
    }

    @Test
    void relativeSecondsExpireThenAndNotBefore() {
        set("k", "v", 10);
        clock.advance(Duration.ofMillis(9_999));
        assertThat(get("k")).isEqualTo("v");
        clock.advance(Duration.ofMillis(1));
        assertThat(get("k")).isNull();
        assertThat(cache.view().stats().getExpired.sum()).isEqualTo(1);
    }

    @Test
    void thirtyDaysIsStillRelative() {
        set("k", "v", 2_592_000);
        clock.advance(Duration.ofDays(29));
        assertThat(get("k")).isEqualTo("v");
        clock.advance(Duration.ofDays(1));
        assertThat(get("k")).isNull();
    }

    @Test
    void aboveThirtyDaysIsAnAbsoluteUnixTime() {
        set("k", "v", clock.epochSeconds() + 60);
        clock.advance(Duration.ofSeconds(59));
        assertThat(get("k")).isEqualTo("v");
        clock.advance(Duration.ofSeconds(1));
        assertThat(get("k")).isNull();
    }

    @Test
    void anAbsoluteTimeInThePastIsExpired() {
        assertThat(set("k", "v", clock.epochSeconds() - 1)).isEqualTo(STORED);
        assertThat(get("k")).isNull();
    }

    @Test
    void negativeMeansAlreadyExpiredAndReplacesTheItem() {
        set("k", "old", 0);
        assertThat(set("k", "v", -1)).isEqualTo(STORED);
        assertThat(get("k")).isNull();
        assertThat(cache.view().itemCount()).isZero();
    }

    @Test
    void folsomDeletesWithCasByStoringWithMinusOne() {
        set("k", "v", 0);
        long cas = casOf("k");
        assertThat(store(CAS, "k", "", 0, -1, cas)).isEqualTo(STORED);
        assertThat(get("k")).isNull();
    }

    @Test
    void expiredItemsAreRemovedWhenAccessed() {
        set("k", "v", 1);
        clock.advance(Duration.ofSeconds(1));
        assertThat(cache.view().itemCount()).isEqualTo(1);
        assertThat(get("k")).isNull();
        assertThat(cache.view().itemCount()).isZero();
        assertThat(cache.view().memory().bytes()).isZero();
        assertThat(cache.view().stats().reclaimed.sum()).isEqualTo(1);
        assertThat(cache.view().stats().expiredUnfetched.sum()).isEqualTo(1);
    }

    @Test
    void theSweeperRemovesExpiredItemsNobodyReads() {
        set("short", "v", 1);
        set("long", "v", 100);
        set("never", "v", 0);
        clock.advance(Duration.ofSeconds(2));
        cache.sweep();
        assertThat(cache.view().itemCount()).isEqualTo(2);
        assertThat(cache.view().stats().crawlerReclaimed.sum()).isEqualTo(1);
        assertThat(cache.view().stats().crawlerItemsChecked.sum()).isEqualTo(3);
        assertThat(get("long")).isEqualTo("v");
    }

    @Test
    void theSweeperRunsOnItsOwnEveryInterval() {
        try (TieredCache swept = TieredCache.builder().clock(clock).sweepInterval(Duration.ofMillis(20)).build()) {
            swept.store(StoreMode.SET, Key.of("k"), 0, clock.millis() + 1000, bytes("v"), 0).join();
            clock.advance(Duration.ofSeconds(1));
            await().atMost(Duration.ofSeconds(5)).until(() -> swept.view().itemCount() == 0);
            assertThat(swept.view().stats().crawlerReclaimed.sum()).isEqualTo(1);
        }
    }

    @Test
    void addTreatsAnExpiredItemAsAbsent() {
        set("k", "old", 1);
        clock.advance(Duration.ofSeconds(1));
        assertThat(store(ADD, "k", "new", 0, 0, 0)).isEqualTo(STORED);
        assertThat(get("k")).isEqualTo("new");
    }

    @Test
    void touchSetsANewExpiryAndKeepsTheCas() {
        set("k", "v", 10);
        long cas = casOf("k");
        assertThat(cache.touch(Key.of("k"), Expiry.fromExptime(100, clock.millis())).join()).isTrue();
        clock.advance(Duration.ofSeconds(50));
        assertThat(get("k")).isEqualTo("v");
        assertThat(casOf("k")).isEqualTo(cas);
        assertThat(cache.touch(Key.of("missing"), 0).join()).isFalse();
        assertThat(cache.view().stats().touchHits.sum()).isEqualTo(1);
        assertThat(cache.view().stats().touchMisses.sum()).isEqualTo(1);
    }

    @Test
    void getAndTouchReturnsTheItemAndMovesItsExpiry() {
        set("k", "v", 10);
        Item item = cache.getAndTouch(Key.of("k"), Expiry.fromExptime(-1, clock.millis())).join();
        assertThat(new String(item.value(), StandardCharsets.US_ASCII)).isEqualTo("v");
        assertThat(get("k")).isNull();
    }
}
