package org.ratmemcache.core.memory;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.ratmemcache.core.Key;
import org.ratmemcache.core.ValueForm;
import org.ratmemcache.testing.ManualClock;

import static org.assertj.core.api.Assertions.assertThat;

/** The memory tier on its own: items written, read in place, replaced, removed, and the books. */
class MemoryTierTest {

    private final ManualClock clock = new ManualClock();
    private final MemoryTier tier = new MemoryTier(Eviction.FIFO, 1 << 20, Long.MAX_VALUE, clock, new Epochs(), new KeyStripes(),
            MemoryTier.Listener.NONE, EvictorThread.WRITER);

    @AfterEach
    void close() {
        tier.close();
    }

    private ItemView write(String key, String value, int flags, long expiresAt, long version) {
        return tier.write(Key.of(key), flags, expiresAt, version, version, 0, 0, false, value.getBytes(StandardCharsets.US_ASCII), -1);
    }

    private static String value(ItemView item) {
        return new String(item.value(), StandardCharsets.US_ASCII);
    }

    @Test
    void anItemIsReadBackFieldByField() {
        tier.epochs().enter();
        try {
            long expiresAt = clock.millis() + 5_000;
            write("greeting", "hello", 0xdead, expiresAt, 42);
            ItemView item = tier.get(Key.of("greeting"), true);
            assertThat(item).isNotNull();
            assertThat(value(item)).isEqualTo("hello");
            assertThat(item.key()).isEqualTo(Key.of("greeting"));
            assertThat(item.flags()).isEqualTo(0xdead);
            assertThat(item.expiresAt()).isEqualTo(expiresAt);
            assertThat(item.version()).isEqualTo(42);
            assertThat(item.cas()).isEqualTo(42);
            assertThat(item.valueLength()).isEqualTo(5);
            assertThat(item.fetched()).isFalse();
            assertThat(tier.items()).isEqualTo(1);
            assertThat(tier.bytes()).isEqualTo(item.size());
        } finally {
            tier.epochs().exit();
        }
    }

    @Test
    void theValueFormRidesAboveTheVersionWithoutChangingIt() {
        tier.epochs().enter();
        try {
            long version = (1L << ItemFormat.FORM_SHIFT) - 1;
            for (ValueForm form : ValueForm.values()) {
                tier.write(Key.of("f"), 0, 0, version, version, MemoryTier.marks(true, false, form), 0, false, new byte[1], -1);
                ItemView item = tier.get(Key.of("f"), false);
                assertThat(item.form()).isEqualTo(form);
                assertThat(item.version()).isEqualTo(version);
                assertThat(item.cas()).isEqualTo(version);
                assertThat(item.stale()).isTrue();
                assertThat(item.detach().form()).isEqualTo(form);
            }
        } finally {
            tier.epochs().exit();
        }
    }

    @Test
    void aSixteenByteKeyWithAHundredByteValueTakes131BytesAnd135WithAnExpiry() {
        tier.epochs().enter();
        try {
            tier.write(Key.of("0123456789abcdef"), 0, 0, 1, 1, 0, 0, false, new byte[100], -1);
            assertThat(tier.get(Key.of("0123456789abcdef"), false).size()).isEqualTo(131);
            tier.write(Key.of("0123456789abcdeF"), 0, clock.millis() + 60_000, 2, 2, 0, 0, false, new byte[100], -1);
            assertThat(tier.get(Key.of("0123456789abcdeF"), false).size()).isEqualTo(135);
        } finally {
            tier.epochs().exit();
        }
    }

    @Test
    void aNewVersionReplacesTheOldAndTheBooksFollow() {
        tier.epochs().enter();
        try {
            write("k", "first", 0, 0, 1);
            long before = tier.bytes();
            write("k", "second version", 0, 0, 2);
            assertThat(tier.items()).isEqualTo(1);
            assertThat(value(tier.get(Key.of("k"), false))).isEqualTo("second version");
            assertThat(tier.bytes()).isEqualTo(before + "second version".length() - "first".length());
            assertThat(tier.remove(Key.of("k"))).isTrue();
            assertThat(tier.get(Key.of("k"), false)).isNull();
            assertThat(tier.items()).isZero();
            assertThat(tier.bytes()).isZero();
            assertThat(tier.remove(Key.of("k"))).isFalse();
        } finally {
            tier.epochs().exit();
        }
    }

    @Test
    void aChosenCasFlagsAFarExpiryAndAnAccessAreKept() {
        tier.epochs().enter();
        try {
            long far = clock.millis() + 400L * 24 * 3600 * 1000;
            tier.write(Key.of("k"), 7, far, 10, 99, MemoryTier.marks(true, true), 0, false, new byte[3], -1);
            ItemView item = tier.get(Key.of("k"), true);
            assertThat(item.cas()).isEqualTo(99);
            assertThat(item.version()).isEqualTo(10);
            assertThat(item.flags()).isEqualTo(7);
            assertThat(item.expiresAt()).isEqualTo(far);
            assertThat(item.stale()).isTrue();
            assertThat(item.winTokenSent()).isTrue();
            clock.advance(java.time.Duration.ofSeconds(3));
            tier.markFetched(item, clock.millis());
            assertThat(item.fetched()).isTrue();
            assertThat(item.accessedAt()).as("to the second since the tier began").isEqualTo(clock.millis());
        } finally {
            tier.epochs().exit();
        }
    }

    @Test
    void manyKeysGrowTheIndexAndStayFound() {
        tier.epochs().enter();
        try {
            for (int i = 0; i < 5_000; i++) {
                write("key:" + i, "v" + i, 0, 0, i + 1);
            }
        } finally {
            tier.epochs().exit();
        }
        org.awaitility.Awaitility.await().until(() -> !tier.indexGrowing());
        tier.epochs().enter();
        try {
            assertThat(tier.items()).isEqualTo(5_000);
            for (int i = 0; i < 5_000; i++) {
                assertThat(value(tier.get(Key.of("key:" + i), false))).isEqualTo("v" + i);
            }
            assertThat(tier.get(Key.of("key:5000"), false)).isNull();
        } finally {
            tier.epochs().exit();
        }
    }

    @Test
    void churnThroughASmallTierWhileTheIndexGrowsLeavesOneSlotPerItem() {
        // 200,000 keys through a tier of about 4,000 items: the index grows while the evictor
        // moves and drops items without a lock; no slot may be lost, doubled, or left behind
        KeyStripes stripes = new KeyStripes();
        try (MemoryTier small = new MemoryTier(Eviction.LFU, 512 << 10, Long.MAX_VALUE, clock, new Epochs(), stripes,
                MemoryTier.Listener.NONE, EvictorThread.WRITER)) {
            java.util.SplittableRandom random = new java.util.SplittableRandom(7);
            byte[] value = new byte[100];
            for (int i = 0; i < 200_000; i++) {
                Key key = Key.of("key:" + random.nextInt(50_000));
                small.epochs().enter();
                try {
                    if (small.get(key, true) == null) {
                        small.helpIndex();
                        synchronized (stripes.of(key.hash64())) {
                            small.write(key, 0, 0, i + 1, i + 1, 0, 0, false, value, -1);
                        }
                    }
                } finally {
                    small.epochs().exit();
                }
            }
            org.awaitility.Awaitility.await().until(() -> !small.indexGrowing());
            java.util.Set<Long> locations = new java.util.HashSet<>();
            java.util.Set<String> keys = new java.util.HashSet<>();
            small.forEachItem(item -> {
                locations.add(item.location());
                keys.add(new String(item.key().toBytes(), StandardCharsets.US_ASCII));
            });
            assertThat(small.items()).isGreaterThan(2_000).isEqualTo(locations.size()).isEqualTo(keys.size());
            small.epochs().enter();
            try {
                for (String key : keys) {
                    assertThat(small.get(Key.of(key), false)).as(key).isNotNull();
                }
            } finally {
                small.epochs().exit();
            }
        }
    }
}
