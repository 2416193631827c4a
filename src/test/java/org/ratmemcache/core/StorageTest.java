package org.ratmemcache.core;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.ratmemcache.core.engine.TieredCache;
import org.ratmemcache.testing.Reads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ratmemcache.core.StoreMode.ADD;
import static org.ratmemcache.core.StoreMode.APPEND;
import static org.ratmemcache.core.StoreMode.CAS;
import static org.ratmemcache.core.StoreMode.PREPEND;
import static org.ratmemcache.core.StoreMode.REPLACE;
import static org.ratmemcache.core.StoreMode.SET;
import static org.ratmemcache.core.StoreResult.NOT_STORED;
import static org.ratmemcache.core.StoreResult.STORED;

/** set, add, replace, append, prepend, delete and the item size limit. */
class StorageTest extends CacheTestSupport {

    @Test
    void addOnlyAddsAndReplaceOnlyReplaces() {
        assertThat(store(REPLACE, "k", "r", 0, 0, 0)).isEqualTo(NOT_STORED);
        assertThat(store(ADD, "k", "a", 0, 0, 0)).isEqualTo(STORED);
        assertThat(store(ADD, "k", "b", 0, 0, 0)).isEqualTo(NOT_STORED);
        assertThat(store(REPLACE, "k", "r", 0, 0, 0)).isEqualTo(STORED);
        assertThat(get("k")).isEqualTo("r");
    }

    @Test
    void flagsAreOpaque32BitValues() {
        store(SET, "k", "v", 0xFFFF_FFFF, 0, 0);
        assertThat(Reads.item(cache, Key.of("k")).flags()).isEqualTo(-1);
    }

    @Test
    void appendAndPrependKeepFlagsAndExpiry() {
        store(SET, "k", "mid", 7, 10, 0);
        assertThat(store(APPEND, "k", ">", 99, 0, 0)).isEqualTo(STORED);
        assertThat(store(PREPEND, "k", "<", 99, 1000, 0)).isEqualTo(STORED);
        Item item = Reads.item(cache, Key.of("k"));
        assertThat(new String(item.value(), StandardCharsets.US_ASCII)).isEqualTo("<mid>");
        assertThat(item.flags()).isEqualTo(7);
        clock.advance(Duration.ofSeconds(10));
        assertThat(get("k")).isNull();
    }

    @Test
    void appendAndPrependNeedAnItem() {
        assertThat(store(APPEND, "k", "x", 0, 0, 0)).isEqualTo(NOT_STORED);
        assertThat(store(PREPEND, "k", "x", 0, 0, 0)).isEqualTo(NOT_STORED);
        assertThat(get("k")).isNull();
    }

    @Test
    void anItemIsMeasuredAsMemcachedMeasuresIt() {
        // With the default 1 MiB limit: 48 header + 8 CAS + key + 1 + value + 2.
        assertThat(Cache.itemSize(1, 0, 1_048_516)).isEqualTo(1L << 20);
        assertThat(store(SET, "k", "x".repeat(1_048_516), 0, 0, 0)).isEqualTo(STORED);
        assertThat(store(SET, "k", "x".repeat(1_048_517), 0, 0, 0)).isEqualTo(StoreResult.TOO_LARGE);
        assertThat(store(SET, "k", "x".repeat(1_048_512), 1, 0, 0)).isEqualTo(STORED);
        assertThat(store(SET, "k", "x".repeat(1_048_513), 1, 0, 0)).isEqualTo(StoreResult.TOO_LARGE);
        assertThat(cache.view().stats().storeTooLarge.sum()).isEqualTo(2);
    }

    @Test
    void aRefusedSetRemovesTheStaleItemButARefusedAppendDoesNot() {
        set("k", "old", 0);
        cache.storeTooLarge(APPEND, Key.of("k")).join();
        assertThat(get("k")).isEqualTo("old");
        cache.storeTooLarge(SET, Key.of("k")).join();
        assertThat(get("k")).isNull();
    }

    @Test
    void anAppendThatWouldBeTooLargeIsNotStored() {
        set("k", "x".repeat(1_048_000), 0);
        assertThat(store(APPEND, "k", "y".repeat(1_000), 0, 0, 0)).isEqualTo(NOT_STORED);
        assertThat(get("k")).hasSize(1_048_000);
    }

    @Test
    void anItemLargerThanTheWholeBudgetIsRefused() {
        try (TieredCache tiny = TieredCache.builder().clock(clock).maxMemory(1024).sweepInterval(Duration.ZERO).build()) {
            assertThat(tiny.store(SET, Key.of("k"), 0, 0, new byte[2000], 0).join()).isEqualTo(StoreResult.NO_MEMORY);
            assertThat(tiny.view().stats().storeNoMemory.sum()).isEqualTo(1);
        }
    }

    @Test
    void deleteRemovesOnlyLiveItems() {
        set("k", "v", 1);
        assertThat(cache.delete(Key.of("k")).join()).isTrue();
        assertThat(cache.delete(Key.of("k")).join()).isFalse();
        set("k", "v", 1);
        clock.advance(Duration.ofSeconds(1));
        assertThat(cache.delete(Key.of("k")).join()).isFalse();
    }

    @Test
    void aLookupKeyIsCopiedBeforeItIsKept() {
        byte[] buffer = bytes("xkeyx");
        Key lookup = Key.lookup().set(buffer, 1, 3);
        cache.store(SET, lookup, 0, 0, bytes("v"), 0).join();
        buffer[2] = 'E';
        assertThat(get("key")).isEqualTo("v");
        assertThat(Reads.item(cache, Key.of("key")).key().toString()).isEqualTo("key");
    }
}
