package org.ratmemcache.admin;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import io.quarkus.runtime.StartupEvent;

import org.ratmemcache.config.RatMemCacheConfig;
import org.ratmemcache.core.CacheStats;
import org.ratmemcache.core.CacheView;
import org.ratmemcache.server.CommandLatency;
import org.ratmemcache.server.MemcachedServer;
import org.ratmemcache.server.ServerStats;

/**
 * The last minutes of the cache, one {@link Sample} a second: what the console's charts draw
 * ({@code GET /admin/stats/history}). Each tick reads the counters the cache keeps anyway and one
 * snapshot of the latency histogram, and turns their change since the last tick into rates; so
 * the request path pays nothing for it.
 */
@Singleton
public class StatsHistory {

    /** Five minutes of one-second samples. */
    static final int SAMPLES = 300;

    private final CacheView cache;
    private final MemcachedServer server;
    private final RatMemCacheConfig config;
    private final Sample[] ring = new Sample[SAMPLES];
    private long taken;
    private Counters previous;
    private ScheduledExecutorService ticker;

    StatsHistory(CacheView cache, MemcachedServer server, RatMemCacheConfig config) {
        this.cache = cache;
        this.server = server;
        this.config = config;
    }

    /** Requests per second by command. */
    public record Requests(double get, double set, double delete, double other) {
    }

    /** Commands per second by protocol: memcached's (text with meta, and binary) and Redis's. */
    public record Protocols(double memcached, double redis) {
    }

    /** One second of the cache: rates over the second before {@code at}, levels at {@code at}. */
    public record Sample(long sequence, long at, Requests requestsPerSecond, Protocols commandsPerSecond, Double hitRatio,
            LatencyPercentiles latency, double evictionsPerSecond, AdminStats now) {
    }

    /** The cumulative counters a sample's rates are taken from. */
    record Counters(long atMillis, long gets, long hits, long sets, long deletes, long others, long evictions,
            long memcachedCommands, long redisCommands, LatencyPercentiles.Snapshot latency) {
    }

    void start(@Observes StartupEvent event) {
        server.stats().latency().startRecording();
        previous = counters();
        ticker = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("ratmemcache-stats-history").factory());
        ticker.scheduleAtFixedRate(this::tick, 1, 1, TimeUnit.SECONDS);
    }

    @PreDestroy
    void stop() {
        if (ticker != null) {
            ticker.shutdownNow();
        }
    }

    /** The samples after {@code afterSequence} (all of them when it is negative), oldest first. */
    public synchronized List<Sample> after(long afterSequence) {
        List<Sample> samples = new ArrayList<>();
        for (long s = Math.max(afterSequence + 1, Math.max(0, taken - SAMPLES)); s < taken; s++) {
            samples.add(ring[(int) (s % SAMPLES)]);
        }
        return samples;
    }

    /** Takes one sample now: the ticker's job, and a test's. */
    synchronized Sample tick() {
        Counters now = counters();
        Sample sample = between(taken, previous, now, AdminStats.read(cache, server, config));
        ring[(int) (taken % SAMPLES)] = sample;
        taken++;
        previous = now;
        return sample;
    }

    static Sample between(long sequence, Counters before, Counters after, AdminStats levels) {
        double seconds = Math.max(1, after.atMillis() - before.atMillis()) / 1000.0;
        long gets = after.gets() - before.gets();
        return new Sample(sequence, after.atMillis(),
                new Requests(gets / seconds, (after.sets() - before.sets()) / seconds, (after.deletes() - before.deletes()) / seconds,
                        (after.others() - before.others()) / seconds),
                new Protocols((after.memcachedCommands() - before.memcachedCommands()) / seconds,
                        (after.redisCommands() - before.redisCommands()) / seconds),
                gets <= 0 ? null : (double) (after.hits() - before.hits()) / gets,
                LatencyPercentiles.between(before.latency(), after.latency()),
                (after.evictions() - before.evictions()) / seconds, levels);
    }

    private Counters counters() {
        CacheStats stats = cache.stats();
        ServerStats protocols = server.stats();
        long hits = stats.getHits.sum();
        return new Counters(cache.clock().millis(), hits + stats.getMisses.sum(), hits, stats.cmdSet.sum(),
                stats.deleteHits.sum() + stats.deleteMisses.sum(),
                stats.touchHits.sum() + stats.touchMisses.sum() + stats.incrHits.sum() + stats.incrMisses.sum()
                        + stats.decrHits.sum() + stats.decrMisses.sum(),
                stats.evictions.sum(),
                protocols.commands(CommandLatency.Protocol.TEXT) + protocols.commands(CommandLatency.Protocol.BINARY),
                protocols.commands(CommandLatency.Protocol.RESP), latency());
    }

    /** Every protocol's latency histogram merged into one snapshot; they share their buckets. */
    private LatencyPercentiles.Snapshot latency() {
        long[] bounds = CommandLatency.boundsNanos();
        double[] boundsNanos = new double[bounds.length];
        double[] cumulative = new double[bounds.length];
        long count = 0;
        for (CommandLatency.Protocol protocol : CommandLatency.Protocol.values()) {
            CommandLatency.Snapshot snapshot = server.stats().latency().snapshot(protocol);
            long below = 0;
            for (int i = 0; i < bounds.length; i++) {
                below += snapshot.counts()[i];
                cumulative[i] += below;
            }
            count += snapshot.count();
        }
        for (int i = 0; i < bounds.length; i++) {
            boundsNanos[i] = bounds[i];
        }
        return new LatencyPercentiles.Snapshot(boundsNanos, cumulative, count);
    }
}
