package org.ratmemcache.core;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.ratmemcache.core.engine.TieredCache;
import org.ratmemcache.testing.ManualClock;
import org.ratmemcache.testing.Reads;

import static org.ratmemcache.core.StoreMode.SET;

/** A cache on a clock the tests move, and shorthands for the core's semantics tests. */
abstract class CacheTestSupport {

    final ManualClock clock = new ManualClock();
    final TieredCache cache = TieredCache.builder().clock(clock).sweepInterval(Duration.ZERO).build();

    @AfterEach
    void close() {
        cache.close();
    }

    StoreResult store(StoreMode mode, String key, String value, int flags, long exptime, long cas) {
        return cache.store(mode, Key.of(key), flags, Expiry.fromExptime(exptime, clock.millis()), bytes(value), cas).join();
    }

    StoreResult set(String key, String value, long exptime) {
        return store(SET, key, value, 0, exptime, 0);
    }

    String get(String key) {
        Item item = Reads.item(cache, Key.of(key));
        return item == null ? null : new String(item.value(), StandardCharsets.ISO_8859_1);
    }

    long casOf(String key) {
        return Reads.item(cache, Key.of(key)).cas();
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
