package org.ratmemcache.core;

import java.time.Duration;
import java.util.Random;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.ratmemcache.core.compress.ValueCompression;
import org.ratmemcache.core.engine.TieredCache;
import org.ratmemcache.testing.ManualClock;
import org.ratmemcache.testing.Reads;

import static org.assertj.core.api.Assertions.assertThat;

/** LZ4 in memory: smaller when it pays, never when it does not, always the client's exact bytes. */
class CompressionTest {

    private final TieredCache cache = TieredCache.builder().clock(new ManualClock()).sweepInterval(Duration.ZERO)
            .compression(new ValueCompression(1024)).build();

    @AfterEach
    void close() {
        cache.close();
    }

    private byte[] stored(String key, byte[] value) {
        cache.store(StoreMode.SET, Key.of(key), 0, 0, value, 0).join();
        return Reads.item(cache, Key.of(key)).value();
    }

    @Test
    void compressibleValuesTakeLessMemoryAndComeBackExactly() {
        byte[] text = "the quick brown fox jumps over the lazy dog. ".repeat(1000).getBytes();
        assertThat(stored("text", text)).isEqualTo(text);
        assertThat(cache.memory().rawValueBytes()).isEqualTo(text.length);
        assertThat(cache.memory().storedValueBytes()).isLessThan(text.length / 10);
        assertThat(cache.view().memory().bytes()).isLessThan(text.length / 10);
    }

    @Test
    void incompressibleValuesStayRaw() {
        byte[] noise = new byte[50_000];
        new Random(1).nextBytes(noise);
        assertThat(stored("noise", noise)).isEqualTo(noise);
        assertThat(cache.memory().storedValueBytes()).isEqualTo(noise.length);
    }

    @Test
    void valuesBelowTheThresholdStayRaw() {
        byte[] small = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".getBytes();
        assertThat(stored("small", small)).isEqualTo(small);
        assertThat(cache.memory().storedValueBytes()).isEqualTo(small.length);
    }

    @Test
    void appendPrependAndIncrWorkOnCompressedValues() {
        byte[] digits = "0".repeat(2000).getBytes();
        stored("n", digits);
        assertThat(cache.memory().storedValueBytes()).isLessThan(2000);
        assertThat(((DeltaResult.Applied) cache.delta(Key.of("n"), Arithmetic.of(Arithmetic.Direction.INCR, 7)).join()).value()).isEqualTo(7);
        cache.store(StoreMode.SET, Key.of("log"), 0, 0, "x".repeat(3000).getBytes(), 0).join();
        cache.store(StoreMode.APPEND, Key.of("log"), 0, 0, "!".getBytes(), 0).join();
        assertThat(new String(Reads.item(cache, Key.of("log")).value())).isEqualTo("x".repeat(3000) + "!");
        cache.store(StoreMode.PREPEND, Key.of("log"), 0, 0, "y".repeat(2000).getBytes(), 0).join();
        assertThat(new String(Reads.item(cache, Key.of("log")).value())).isEqualTo("y".repeat(2000) + "x".repeat(3000) + "!");
        assertThat(cache.memory().storedValueBytes()).as("the joined values compressed again").isLessThan(2000 + 1000);
    }

    /**
     * Compressing keeps a thread's output buffer as large as the value, and the disk tier reads a
     * compressed value back whole; past {@link ValueCompression#MAX_LENGTH} values stay raw, so no
     * value of up to -I's 1 GiB needs a buffer or a heap of its size.
     */
    @Test
    void valuesOverAMebibyteStayRawAndOneMebibyteIsStillCompressed() {
        try (TieredCache large = TieredCache.builder().clock(new ManualClock()).sweepInterval(Duration.ZERO)
                .itemSizeMax(4L << 20).compression(new ValueCompression(1024)).build()) {
            byte[] over = "a".repeat(ValueCompression.MAX_LENGTH + 1).getBytes();
            large.store(StoreMode.SET, Key.of("over"), 0, 0, over, 0).join();
            assertThat(large.memory().storedValueBytes()).isEqualTo(over.length);
            assertThat(Reads.item(large, Key.of("over")).value()).isEqualTo(over);
            byte[] at = "a".repeat(ValueCompression.MAX_LENGTH).getBytes();
            large.store(StoreMode.SET, Key.of("at"), 0, 0, at, 0).join();
            assertThat(large.memory().storedValueBytes()).isLessThan(over.length + at.length / 100);
        }
    }
}
