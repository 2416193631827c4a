package org.ratmemcache.metrics;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;

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
import org.ratmemcache.core.engine.TieredCache;
import org.ratmemcache.server.CommandLatency;
import org.ratmemcache.server.MemcachedServer;
import org.ratmemcache.server.ServerSettings;

/**
 * What recording one command's latency costs, through the meters the service registers
 * ({@link CacheMetrics} bound to a Prometheus registry), with the clock reads the connection adds.
 * Run with {@code bench/jmh.sh}; {@code -prof gc} shows the bytes allocated per operation.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class LatencyRecordingBenchmark {

    private TieredCache cache;
    private CacheMetrics metrics;
    private CommandLatency latency;
    private long nanos;

    @Setup(Level.Trial)
    public void bind() {
        cache = TieredCache.builder().sweepInterval(Duration.ZERO).build();
        MemcachedServer server = new MemcachedServer(new ServerSettings("127.0.0.1", 0, 1, 16, Duration.ZERO, "bench", false), cache, cache.view());
        metrics = new CacheMetrics(cache.view(), server);
        metrics.bindTo(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        latency = server.stats().latency();
    }

    @TearDown(Level.Trial)
    public void close() {
        metrics.unbind();
        cache.close();
    }

    /** The clock reads alone: what a connection spends with no meter bound. */
    @Benchmark
    public long clockOnly() {
        long start = System.nanoTime();
        return System.nanoTime() - start;
    }

    /** A command's record, as the connection makes it: two clock reads and the histogram update. */
    @Benchmark
    public void timeACommand() {
        long start = System.nanoTime();
        nanos = (nanos + 7919) & 0xFFFFF; // spread the values over the histogram's buckets
        latency.record(CommandLatency.Protocol.TEXT, System.nanoTime() - start + nanos);
    }
}
