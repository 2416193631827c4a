package org.ratmemcache.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.ratmemcache.testing.Reads;

/** {@link Cache#atomically}: several keys read and changed as one step. */
class AtomicTest extends CacheTestSupport {

    @Test
    void aStepWritesEachOfItsKeys() {
        cache.atomically(List.of(Key.of("a"), Key.of("b"), Key.of("c")), keys -> {
            keys.put(0, bytes("1"), 0, 0);
            keys.put(1, bytes("2"), 0, 0);
            keys.put(2, bytes("3"), 5, 0);
            return null;
        }).join();

        assertThat(get("a")).isEqualTo("1");
        assertThat(get("b")).isEqualTo("2");
        assertThat(get("c")).isEqualTo("3");
        assertThat(Reads.item(cache, Key.of("c")).flags()).isEqualTo(5);
    }

    @Test
    void newKeysFindRoomWhileTheIndexGrows() throws InterruptedException {
        // two writers of new keys, as two event loops are: every step helps the index's growth
        // along, as memcached's stores do, so that no insert finds the new table full
        AtomicInteger refused = new AtomicInteger();
        Runnable writer = () -> {
            String prefix = Thread.currentThread().getName();
            for (int k = 0; k < 150_000; k++) {
                if (!cache.atomically(List.of(Key.of(prefix + k)), keys -> keys.put(0, bytes("1"), 0, 0)).join()) {
                    refused.incrementAndGet();
                }
            }
        };
        Thread first = Thread.ofPlatform().name("a").start(writer);
        Thread second = Thread.ofPlatform().name("b").start(writer);
        first.join();
        second.join();

        assertThat(refused.get()).as("puts refused").isZero();
        assertThat(cache.view().itemCount()).isEqualTo(300_000);
    }

    @Test
    void aStepHoldsEachKeysItemAtOnce() {
        set("a", "1", 0);
        set("b", "2", 0);
        String seen = cache.atomically(List.of(Key.of("a"), Key.of("b"), Key.of("c"), Key.of("d")), keys -> {
            keys.put(2, bytes("3"), 0, 0);
            keys.put(3, bytes("4"), 0, 0);
            return text(keys.get(0)) + text(keys.get(1)) + text(keys.get(2)) + text(keys.get(3));
        }).join();

        assertThat(seen).isEqualTo("1234");
    }

    @Test
    void aStepReadsItsOwnWritesAndARepeatedKeyIsOneItem() {
        set("a", "old", 0);
        String seen = cache.atomically(List.of(Key.of("a"), Key.of("b"), Key.of("a")), keys -> {
            String before = text(keys.get(2));
            keys.put(0, bytes("new"), 0, 0);
            keys.remove(1);
            return before + "," + text(keys.get(2)) + "," + text(keys.get(1));
        }).join();

        assertThat(seen).isEqualTo("old,new,null");
        assertThat(get("a")).isEqualTo("new");
    }

    @Test
    void theSameBytesInTwoDatabasesAreTwoKeys() {
        cache.atomically(List.of(Key.of(0, bytes("k")), Key.of(3, bytes("k"))), keys -> {
            keys.put(0, bytes("zero"), 0, 0);
            keys.put(1, bytes("three"), 0, 0);
            return null;
        }).join();

        assertThat(get("k")).isEqualTo("zero");
        assertThat(text(Reads.item(cache, Key.of(3, bytes("k"))))).isEqualTo("three");
        assertThat(Reads.item(cache, Key.of(1, bytes("k")))).isNull();
    }

    @Test
    void expiringGivesANewCasAndAPastExpiryRemoves() {
        set("a", "v", 0);
        long before = casOf("a");
        cache.atomically(List.of(Key.of("a")), keys -> {
            keys.expire(0, clock.millis() + 5_000);
            return null;
        }).join();
        assertThat(casOf("a")).isGreaterThan(before);
        assertThat(Reads.item(cache, Key.of("a")).expiresAt()).isEqualTo(clock.millis() + 5_000);

        cache.atomically(List.of(Key.of("a")), keys -> {
            keys.expire(0, clock.millis());
            return null;
        }).join();
        assertThat(get("a")).isNull();
    }

    private static String text(Item item) {
        return item == null ? "null" : new String(item.value(), StandardCharsets.ISO_8859_1);
    }
}
