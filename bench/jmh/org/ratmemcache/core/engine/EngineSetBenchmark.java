package org.ratmemcache.core.engine;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.ratmemcache.core.Key;
import org.ratmemcache.core.StoreMode;
import org.ratmemcache.core.StoreResult;

/**
 * The engine's set as a connection calls it, without the network: an overwrite of one of 10,000
 * items with a 100-byte value, on a memory-only cache. The value array is the parser's (the item
 * keeps it), so {@code bench/jmh.sh -prof gc EngineSet} shows what the engine itself allocates
 * per set (nothing: the item is bytes in item memory, and the future is shared).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class EngineSetBenchmark {

    private static final int KEYS = 10_000;

    private TieredCache cache;
    private final Key lookup = Key.lookup();
    private final byte[] value = new byte[100];
    private byte[][] keys;
    private int next;

    @Setup(Level.Trial)
    public void fill() {
        cache = TieredCache.builder().sweepInterval(Duration.ZERO).build();
        keys = new byte[KEYS][];
        for (int i = 0; i < KEYS; i++) {
            keys[i] = ("key:" + i).getBytes(StandardCharsets.US_ASCII);
            cache.store(StoreMode.SET, Key.of(keys[i]), 0, 0, value, 0).join();
        }
    }

    @TearDown(Level.Trial)
    public void close() {
        cache.close();
    }

    @Benchmark
    public CompletableFuture<StoreResult> overwrite() {
        byte[] key = keys[next++ % KEYS];
        cache.protect(); // as a connection's batch
        try {
            return cache.store(StoreMode.SET, lookup.set(key, 0, key.length), 0, 0, value, 0);
        } finally {
            cache.release();
        }
    }
}
