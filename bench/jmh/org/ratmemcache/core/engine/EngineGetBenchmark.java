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
import org.ratmemcache.core.Lookup;
import org.ratmemcache.core.MetaGet;
import org.ratmemcache.core.StoreMode;

/**
 * The engine's get as a connection calls it, without the network: a lookup key over a request
 * buffer, on a memory-only cache of 10,000 items; a hit, a miss, and the meta protocol's plain mg
 * hit. Each inside the protection a connection takes for a batch (without it, a hit is a copy
 * of the item). Run with {@code bench/jmh.sh -prof gc EngineGet}: a get should allocate nothing.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class EngineGetBenchmark {

    private static final int KEYS = 10_000;

    private TieredCache cache;
    private final Key lookup = Key.lookup();
    private byte[][] hits;
    private byte[][] misses;
    private int next;

    @Setup(Level.Trial)
    public void fill() {
        cache = TieredCache.builder().sweepInterval(Duration.ZERO).build();
        hits = new byte[KEYS][];
        misses = new byte[KEYS][];
        for (int i = 0; i < KEYS; i++) {
            hits[i] = ("key:" + i).getBytes(StandardCharsets.US_ASCII);
            misses[i] = ("nokey:" + i).getBytes(StandardCharsets.US_ASCII);
            cache.store(StoreMode.SET, Key.of(hits[i]), 0, 0, new byte[100], 0).join();
        }
    }

    @TearDown(Level.Trial)
    public void close() {
        cache.close();
    }

    @Benchmark
    public Lookup hit() {
        byte[] key = hits[next++ % KEYS];
        cache.protect();
        try {
            return cache.get(lookup.set(key, 0, key.length));
        } finally {
            cache.release();
        }
    }

    @Benchmark
    public CompletableFuture<MetaGet.Result> metaGetHit() {
        byte[] key = hits[next++ % KEYS];
        cache.protect();
        try {
            return cache.metaGet(lookup.set(key, 0, key.length), MetaGet.READ);
        } finally {
            cache.release();
        }
    }

    @Benchmark
    public Lookup miss() {
        byte[] key = misses[next++ % KEYS];
        cache.protect();
        try {
            return cache.get(lookup.set(key, 0, key.length));
        } finally {
            cache.release();
        }
    }
}
