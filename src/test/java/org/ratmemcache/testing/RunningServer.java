package org.ratmemcache.testing;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;

import org.ratmemcache.core.compress.ValueCompression;
import org.ratmemcache.core.disk.DiskTierException;
import org.ratmemcache.core.engine.TieredCache;
import org.ratmemcache.core.engine.TieredCacheBuilder;
import org.ratmemcache.server.ListenAddress;
import org.ratmemcache.server.MemcachedServer;
import org.ratmemcache.server.RespListener;
import org.ratmemcache.server.ServerSettings;
import org.ratmemcache.server.resp.RespSettings;
import org.ratmemcache.storage.rocksdb.RocksDbSettings;
import org.ratmemcache.storage.rocksdb.RocksDbTier;

/** This project's memcached server on a free loopback port, with a cache on a manual clock. */
public final class RunningServer implements AutoCloseable {

    public static final String VERSION = "1.6.18-ratmemcache-test";

    /** memcached's defaults: 1024 connections, no idle timeout, epoll where available. */
    private static final ServerSettings DEFAULTS = new ServerSettings("127.0.0.1", 0, 2, 1024, Duration.ZERO, VERSION, true);

    private final ManualClock clock = new ManualClock();
    private final TieredCache cache;
    private final MemcachedServer server;

    private RunningServer(UnaryOperator<TieredCacheBuilder> cacheSettings, ServerSettings settings) {
        this.cache = cacheSettings.apply(TieredCache.builder().clock(clock).sweepInterval(Duration.ZERO)).build();
        this.server = new MemcachedServer(settings, cache, cache.view());
        server.start();
    }

    /** memcached's defaults: 64 MiB, 1 MiB items, 1024 connections. */
    public static RunningServer start() {
        return new RunningServer(UnaryOperator.identity(), DEFAULTS);
    }

    public static RunningServer start(UnaryOperator<TieredCacheBuilder> cacheSettings) {
        return new RunningServer(cacheSettings, DEFAULTS);
    }

    public static RunningServer start(int maxConnections, Duration idleTimeout) {
        return new RunningServer(UnaryOperator.identity(),
                new ServerSettings("127.0.0.1", 0, 2, maxConnections, idleTimeout, VERSION, true));
    }

    /**
     * With an L2 tier on RocksDB in {@code dataDir}, an L1 of {@code l1Entries} entries and a
     * write-back lag of 1 ms (so that items soon live on disk only and commands take the disk
     * paths), and LZ4 for values of 64 bytes and more.
     */
    public static RunningServer startWithDisk(Path dataDir, long l1Entries, boolean writeThrough) {
        return startWithDisk(dataDir, l1Entries, writeThrough, UnaryOperator.identity());
    }

    /** As {@link #startWithDisk(Path, long, boolean)}, with more settings. */
    public static RunningServer startWithDisk(Path dataDir, long l1Entries, boolean writeThrough,
            UnaryOperator<TieredCacheBuilder> more) {
        return new RunningServer(b -> more.apply(b.maxEntries(l1Entries).writeThrough(writeThrough).disk(openTier(dataDir))
                .writeBackLimits(100_000, 64L << 20, Duration.ofMillis(1))
                .compression(new ValueCompression(64))), DEFAULTS);
    }

    private static RocksDbTier openTier(Path dataDir) {
        try {
            return RocksDbTier.open(RocksDbSettings.defaults(dataDir));
        } catch (DiskTierException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Listening as {@code settings} say (the version command still answers {@link #VERSION} if they give it). */
    public static RunningServer start(ServerSettings settings) {
        return new RunningServer(UnaryOperator.identity(), settings);
    }

    /** With both the cache's and the server's settings given. */
    public static RunningServer start(UnaryOperator<TieredCacheBuilder> cacheSettings, ServerSettings settings) {
        return new RunningServer(cacheSettings, settings);
    }

    /** On Java NIO, as on a platform without epoll (macOS, Windows, a native image). */
    public static RunningServer startOnNio() {
        return new RunningServer(UnaryOperator.identity(),
                new ServerSettings("127.0.0.1", 0, 2, 1024, Duration.ZERO, VERSION, false));
    }

    public int port() {
        return server.address().getPort();
    }

    /** These settings, serving the Redis protocol on a free loopback port as {@code resp} says. */
    public static ServerSettings withResp(ServerSettings settings, RespSettings resp) {
        return settings.withResp(new RespListener(List.of(new ListenAddress.Tcp("127.0.0.1", 0)), resp));
    }

    /** memcached's defaults, and the Redis protocol with Redis's. */
    public static ServerSettings withResp() {
        return withResp(DEFAULTS, RespSettings.defaults());
    }

    /** The port the Redis protocol is served on. */
    public int respPort() {
        return server.respAddresses().getFirst().getPort();
    }

    public ManualClock clock() {
        return clock;
    }

    public TieredCache cache() {
        return cache;
    }

    public MemcachedServer server() {
        return server;
    }

    @Override
    public void close() {
        server.stop(Duration.ofSeconds(5));
        cache.close();
    }
}
