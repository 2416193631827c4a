package org.ratmemcache.metrics;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
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
 * What recording one command's latency costs, with the clock read the connection adds: the
 * server's own histogram ({@link CommandLatency}, as {@link CacheMetrics} serves it to a Prometheus
 * registry) beside the Micrometer timer it replaced (a percentile histogram from 1 µs to 10 s,
 * through a composite registry as Quarkus binds meters). Run with {@code bench/jmh.sh}, with
 * {@code -t 2} to see two event loops; {@code -prof gc} shows the bytes allocated per operation.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class LatencyRecordingBenchmark {

    /** What every benchmark thread shares, as event loops share the server. */
    @State(Scope.Benchmark)
    public static class Server {

        private TieredCache cache;
        private CacheMetrics metrics;
        private CommandLatency latency;
        private Timer timer;

        @Setup(Level.Trial)
        public void bind() {
            cache = TieredCache.builder().sweepInterval(Duration.ZERO).build();
            MemcachedServer server = new MemcachedServer(new ServerSettings("127.0.0.1", 0, 1, 16, Duration.ZERO, "bench", false), cache,
                    cache.view());
            metrics = new CacheMetrics(cache.view(), server);
            metrics.bindTo(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
            latency = server.stats().latency();
            CompositeMeterRegistry composite = new CompositeMeterRegistry();
            composite.add(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
            timer = Timer.builder("timer").publishPercentileHistogram().minimumExpectedValue(Duration.ofNanos(1_000))
                    .maximumExpectedValue(Duration.ofSeconds(10)).register(composite);
        }

        @TearDown(Level.Trial)
        public void close() {
            metrics.unbind();
            cache.close();
        }
    }

    /** One benchmark thread's: its recorder, as each event loop has one. */
    @State(Scope.Thread)
    public static class Loop {

        private CommandLatency.Recorder recorder;
        private long nanos;

        @Setup(Level.Trial)
        public void take(Server server) {
            recorder = server.latency.recorder();
        }

        /** The next latency, spread over the histogram's buckets. */
        long next() {
            nanos = (nanos + 7919) & 0xFFFFF;
            return nanos;
        }
    }

    /** The clock read alone: what a connection spends per command with no meter bound. */
    @Benchmark
    public long clockOnly() {
        return System.nanoTime();
    }

    /** A command's record, as the connection makes it: a clock read and the histogram update. */
    @Benchmark
    public void timeACommand(Loop loop) {
        long now = System.nanoTime();
        loop.recorder.record(CommandLatency.Protocol.TEXT, loop.next(), now);
    }

    /** The same through the Micrometer timer the server used before. */
    @Benchmark
    public void timeACommandWithMicrometer(Server server, Loop loop) {
        long now = System.nanoTime();
        server.timer.record(loop.next() + (now & 1), TimeUnit.NANOSECONDS);
    }
}
