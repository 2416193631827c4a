package org.ratmemcache.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.ToDoubleFunction;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.prometheus.client.CollectorRegistry;

import org.ratmemcache.core.CacheStats;
import org.ratmemcache.core.CacheView;
import org.ratmemcache.core.StoreMode;
import org.ratmemcache.core.StoreResult;
import org.ratmemcache.server.CommandLatency;
import org.ratmemcache.server.ConnectionCounts;
import org.ratmemcache.server.MemcachedServer;
import org.ratmemcache.server.ServerStats;

/**
 * The cache's and the server's figures as Micrometer meters, served by Prometheus at /q/metrics.
 *
 * <p>Counters and gauges read the counters the cache and the server keep anyway (the ones behind
 * memcached's {@code stats}) when scraped, so recording them costs a request nothing. Their names
 * follow the Prometheus memcached_exporter ({@code memcached_commands_total{command,status}},
 * {@code memcached_current_items}, …), so that its dashboards work unchanged; what memcached has
 * no name for is under {@code ratmemcache_}. The one meter written per request is the command
 * latency histogram, which each event loop records into on its own and a scrape sums
 * ({@link LatencyCollector}; BENCHMARKS.md).
 */
@Singleton
public class CacheMetrics implements MeterBinder {

    private final CacheView cache;
    private final MemcachedServer server;
    /** What this application registered, removed when it stops: the registry outlives a dev-mode reload. */
    private final List<Meter> bound = new ArrayList<>();
    /** Unregisters the latency histogram from each Prometheus registry it was added to. */
    private final List<Runnable> latencyCollectors = new ArrayList<>();
    private MeterRegistry registry;

    CacheMetrics(CacheView cache, MemcachedServer server) {
        this.cache = cache;
        this.server = server;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        this.registry = registry;
        CacheStats stats = cache.stats();
        bindMemcachedCommands(registry, stats);
        bindMemcachedGauges(registry, stats, server.stats());
        bindTiers(registry, stats);
        bindStores(registry, stats);
        bindProtocols(registry, server.stats());
        bindLatency(registry);
    }

    /** Commands by protocol, and the Redis listener's connections beside memcached's. */
    private void bindProtocols(MeterRegistry registry, ServerStats stats) {
        for (CommandLatency.Protocol protocol : CommandLatency.Protocol.values()) {
            keep(FunctionCounter.builder("ratmemcache.commands", stats, s -> s.commands(protocol)).tag("protocol", name(protocol))
                    .description("Commands executed, by protocol (text with meta, binary, resp).").register(registry));
        }
        ConnectionCounts resp = stats.respConnections();
        keep(Gauge.builder("ratmemcache.resp.current.connections", resp, ConnectionCounts::current)
                .description("Open connections on the Redis protocol's port.").register(registry));
        keep(FunctionCounter.builder("ratmemcache.resp.connections", resp, ConnectionCounts::total)
                .description("Connections admitted on the Redis protocol's port.").register(registry));
        keep(FunctionCounter.builder("ratmemcache.resp.connections.rejected", resp, ConnectionCounts::rejected)
                .description("Connections on the Redis protocol's port turned away at its connection limit.").register(registry));
    }

    /** Removes this application's meters, so that a restarted application's take their place. */
    @PreDestroy
    void unbind() {
        latencyCollectors.forEach(Runnable::run);
        latencyCollectors.clear();
        if (registry != null) {
            bound.forEach(registry::remove);
        }
        bound.clear();
    }

    private <M extends Meter> M keep(M meter) {
        bound.add(meter);
        return meter;
    }

    /** memcached_commands_total as the exporter derives it from memcached's stats. */
    private void bindMemcachedCommands(MeterRegistry registry, CacheStats stats) {
        command(registry, "get", "hit", stats.getHits);
        command(registry, "get", "miss", stats.getMisses);
        command(registry, "delete", "hit", stats.deleteHits);
        command(registry, "delete", "miss", stats.deleteMisses);
        command(registry, "incr", "hit", stats.incrHits);
        command(registry, "incr", "miss", stats.incrMisses);
        command(registry, "decr", "hit", stats.decrHits);
        command(registry, "decr", "miss", stats.decrMisses);
        command(registry, "cas", "hit", stats.casHits);
        command(registry, "cas", "miss", stats.casMisses);
        command(registry, "cas", "badval", stats.casBadval);
        command(registry, "touch", "hit", stats.touchHits);
        command(registry, "touch", "miss", stats.touchMisses);
        command(registry, "flush", "hit", stats.cmdFlush);
        // memcached counts cas commands in cmd_set too; the exporter takes them out of "set".
        keep(FunctionCounter.builder("memcached.commands", stats, s -> s.cmdSet.sum() - s.casHits.sum() - s.casMisses.sum() - s.casBadval.sum())
                .tags("command", "set", "status", "hit")
                .description("Total number of all requests broken down by command (get, set, etc.) and status.")
                .register(registry));
    }

    private void command(MeterRegistry registry, String command, String status, LongAdder counter) {
        keep(FunctionCounter.builder("memcached.commands", counter, LongAdder::sum)
                .tags("command", command, "status", status)
                .description("Total number of all requests broken down by command (get, set, etc.) and status.")
                .register(registry));
    }

    private void bindMemcachedGauges(MeterRegistry registry, CacheStats stats, ServerStats connections) {
        gauge(registry, "memcached.current.items", "Current number of items stored by this instance.", cache, CacheView::itemCount);
        counter(registry, "memcached.items", "Total number of items stored during the life of this instance.", stats.totalItems);
        counter(registry, "memcached.items.evicted", "Total number of valid items removed from cache to free memory for new items.",
                stats.evictions);
        counter(registry, "memcached.items.reclaimed", "Total number of times an entry was stored using memory from an expired entry.",
                stats.reclaimed);
        counter(registry, "memcached.item.too.large", "The number of times an item exceeded the max-item-size when being stored.",
                stats.storeTooLarge);
        counter(registry, "memcached.item.no.memory", "The number of times an item could not be stored due to no more memory.",
                stats.storeNoMemory);
        gauge(registry, "memcached.current.bytes", "Current number of bytes used to store items.", cache.memory(),
                CacheView.MemoryFigures::bytes);
        gauge(registry, "memcached.limit.bytes", "Number of bytes this server is allowed to use for storage.", cache.memory(),
                CacheView.MemoryFigures::maxBytes);
        gauge(registry, "memcached.current.connections", "Current number of open connections.", connections, ServerStats::currConnections);
        gauge(registry, "memcached.max.connections", "Maximum number of clients allowed.", server,
                s -> s.settings().maxConnections());
        keep(FunctionCounter.builder("memcached.connections", connections, ServerStats::totalConnections)
                .description("Total number of connections opened since the server started running.").register(registry));
        keep(FunctionCounter.builder("memcached.connections.rejected", connections, ServerStats::rejectedConnections)
                .description("Total number of connections rejected due to hitting the max-connections limit.").register(registry));
        keep(FunctionCounter.builder("memcached.read", connections, ServerStats::bytesRead).baseUnit("bytes")
                .description("Total number of bytes read by this server from network.").register(registry));
        keep(FunctionCounter.builder("memcached.written", connections, ServerStats::bytesWritten).baseUnit("bytes")
                .description("Total number of bytes sent by this server to network.").register(registry));
    }

    /** Each tier's traffic and contents, and what moves between them. */
    private void bindTiers(MeterRegistry registry, CacheStats stats) {
        tierCounter(registry, "ratmemcache.tier.hits", "Reads a tier answered.", "l1", stats.l1Hits);
        tierCounter(registry, "ratmemcache.tier.misses", "Reads a tier could not answer.", "l1", stats.l1Misses);
        tierCounter(registry, "ratmemcache.tier.evictions", "Live items a tier dropped to stay within its bounds.", "l1", stats.evictions);
        counter(registry, "ratmemcache.expirations", "Expired or flushed items removed, on access or by the sweep.", stats.reclaimed);
        counter(registry, "ratmemcache.sweep.reclaimed", "Expired or flushed items the TTL sweep removed.", stats.crawlerReclaimed);
        keep(Gauge.builder("ratmemcache.tier.items", cache.memory(), CacheView.MemoryFigures::items).tags("tier", "l1")
                .description("Items a tier holds.").register(registry));
        keep(Gauge.builder("ratmemcache.tier.bytes", cache.memory(), CacheView.MemoryFigures::bytes).tags("tier", "l1").baseUnit("bytes")
                .description("Bytes a tier holds: keys, values and per-item overhead in memory; data files on disk.").register(registry));
        cache.disk().ifPresent(disk -> bindDiskTier(registry, stats, disk));
    }

    /** The disk tier's figures, when there is one. */
    private void bindDiskTier(MeterRegistry registry, CacheStats stats, CacheView.DiskFigures disk) {
        tierCounter(registry, "ratmemcache.tier.hits", "Reads a tier answered.", "l2", stats.l2Hits);
        tierCounter(registry, "ratmemcache.tier.misses", "Reads a tier could not answer.", "l2", stats.l2Misses);
        tierCounter(registry, "ratmemcache.tier.evictions", "Live items a tier dropped to stay within its bounds.", "l2", stats.l2Evictions);
        counter(registry, "ratmemcache.promotions", "Items read from disk and copied into memory.", stats.promotions);
        keep(Gauge.builder("ratmemcache.tier.items", disk, CacheView.DiskFigures::items).tags("tier", "l2")
                .description("Items a tier holds.").register(registry));
        keep(Gauge.builder("ratmemcache.tier.bytes", disk, CacheView.DiskFigures::dataBytes).tags("tier", "l2").baseUnit("bytes")
                .description("Bytes a tier holds: keys, values and per-item overhead in memory; data files on disk.").register(registry));
        gauge(registry, "ratmemcache.writeback.queue.depth", "Changes waiting to be written to disk.", disk,
                CacheView.DiskFigures::writeBackQueue);
        keep(Gauge.builder("ratmemcache.writeback.lag", disk, d -> d.writeBackLagMillis() / 1000.0).baseUnit("seconds")
                .description("How long the oldest change has waited for the disk.").register(registry));
        keep(FunctionCounter.builder("ratmemcache.l2.write.failures", disk, CacheView.DiskFigures::writeFailures)
                .description("Batch writes the disk tier failed, retries included.").register(registry));
        gauge(registry, "ratmemcache.l2.up", "1 while the disk tier accepts writes, 0 while it fails.", disk,
                d -> d.writeFailure().isEmpty() ? 1 : 0);
        diskStatistic(registry, disk, "disk_usage", "ratmemcache.rocksdb.disk.usage", "bytes", "What the data directory's files take.");
        diskStatistic(registry, disk, "log_dead_bytes", "ratmemcache.l2.log.dead", "bytes",
                "Bytes of the log store's segments that replaced or deleted records take, until compaction frees them.");
        diskStatistic(registry, disk, "directory_bytes", "ratmemcache.l2.directory", "bytes",
                "The memory the log store's directory of the keys takes.");
        diskStatistic(registry, disk, "estimate_num_keys", "ratmemcache.rocksdb.estimate.num.keys", null,
                "RocksDB's estimate of the keys it holds.");
        diskStatistic(registry, disk, "estimate_live_data_size", "ratmemcache.rocksdb.live.data.size", "bytes",
                "RocksDB's estimate of its live data.");
        diskStatistic(registry, disk, "pending_compaction_bytes", "ratmemcache.rocksdb.pending.compaction", "bytes",
                "What RocksDB estimates compaction still has to rewrite.");
    }

    /** Every store command by its outcome: stored, not_stored, exists, not_found, too_large, no_memory. */
    private void bindStores(MeterRegistry registry, CacheStats stats) {
        for (StoreMode mode : StoreMode.values()) {
            for (StoreResult result : StoreResult.values()) {
                if (!happens(mode, result)) {
                    continue;
                }
                keep(FunctionCounter.builder("ratmemcache.stores", stats, s -> s.stores(mode, result))
                        .tags("command", name(mode), "result", name(result))
                        .description("Store commands by command and outcome.").register(registry));
            }
        }
    }

    /** Whether a store command can have this outcome at all: only those get a series. */
    private static boolean happens(StoreMode mode, StoreResult result) {
        return switch (result) {
            case STORED, TOO_LARGE, NO_MEMORY -> true;
            case NOT_STORED -> mode == StoreMode.ADD || mode == StoreMode.REPLACE || mode.concatenates();
            case EXISTS -> mode == StoreMode.CAS || mode == StoreMode.CAS_OR_STALE || mode.concatenates();
            case NOT_FOUND -> mode == StoreMode.CAS || mode == StoreMode.CAS_OR_STALE;
        };
    }

    /**
     * The per-request meter: the server's own histogram ({@link CommandLatency}), served by every
     * Prometheus registry among {@code registry}'s; the server records only while one serves it.
     */
    private void bindLatency(MeterRegistry registry) {
        for (PrometheusMeterRegistry prometheus : prometheusRegistries(registry)) {
            CollectorRegistry collectors = prometheus.getPrometheusRegistry();
            LatencyCollector collector = new LatencyCollector(server.stats().latency());
            collectors.register(collector);
            latencyCollectors.add(() -> collectors.unregister(collector));
            server.stats().latency().startRecording();
        }
    }

    private static List<PrometheusMeterRegistry> prometheusRegistries(MeterRegistry registry) {
        return switch (registry) {
            case PrometheusMeterRegistry prometheus -> List.of(prometheus);
            case CompositeMeterRegistry composite -> composite.getRegistries().stream().flatMap(r -> prometheusRegistries(r).stream()).toList();
            default -> List.of();
        };
    }

    /** One of the disk tier's own statistics, asked afresh at each scrape; NaN under a store without it. */
    private void diskStatistic(MeterRegistry registry, CacheView.DiskFigures disk, String statistic, String name, String unit,
            String description) {
        keep(Gauge.builder(name, disk, d -> {
            Long value = d.statistics().get(statistic);
            return value == null || value < 0 ? Double.NaN : value;
        }).baseUnit(unit).description(description).register(registry));
    }

    private void counter(MeterRegistry registry, String name, String description, LongAdder counter) {
        keep(FunctionCounter.builder(name, counter, LongAdder::sum).description(description).register(registry));
    }

    private void tierCounter(MeterRegistry registry, String name, String description, String tier, LongAdder counter) {
        keep(FunctionCounter.builder(name, counter, LongAdder::sum).tags("tier", tier).description(description).register(registry));
    }

    private <T> void gauge(MeterRegistry registry, String name, String description, T source, ToDoubleFunction<T> value) {
        keep(Gauge.builder(name, source, value).description(description).register(registry));
    }

    private static String name(Enum<?> constant) {
        return constant.name().toLowerCase(Locale.ROOT);
    }
}
