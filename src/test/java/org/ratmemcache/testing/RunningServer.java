package org.ratmemcache.testing;

import java.time.Duration;
import java.util.function.UnaryOperator;

import org.ratmemcache.core.TieredCache;
import org.ratmemcache.server.MemcachedServer;
import org.ratmemcache.server.ServerSettings;

/** This project's memcached server on a free loopback port, with a cache on a manual clock. */
public final class RunningServer implements AutoCloseable {

    public static final String VERSION = "1.6.18-ratmemcache-test";

    /** memcached's defaults: 1024 connections, no idle timeout, epoll where available. */
    private static final ServerSettings DEFAULTS = new ServerSettings("127.0.0.1", 0, 2, 1024, Duration.ZERO, VERSION, true);

    private final ManualClock clock = new ManualClock();
    private final TieredCache cache;
    private final MemcachedServer server;

    private RunningServer(UnaryOperator<TieredCache.Builder> cacheSettings, ServerSettings settings) {
        this.cache = cacheSettings.apply(TieredCache.builder().clock(clock).sweepInterval(Duration.ZERO)).build();
        this.server = new MemcachedServer(settings, cache);
        server.start();
    }

    /** memcached's defaults: 64 MiB, 1 MiB items, 1024 connections. */
    public static RunningServer start() {
        return new RunningServer(UnaryOperator.identity(), DEFAULTS);
    }

    public static RunningServer start(UnaryOperator<TieredCache.Builder> cacheSettings) {
        return new RunningServer(cacheSettings, DEFAULTS);
    }

    public static RunningServer start(int maxConnections, Duration idleTimeout) {
        return new RunningServer(UnaryOperator.identity(),
                new ServerSettings("127.0.0.1", 0, 2, maxConnections, idleTimeout, VERSION, true));
    }

    /** On Java NIO, as on a platform without epoll (macOS, Windows, a native image). */
    public static RunningServer startOnNio() {
        return new RunningServer(UnaryOperator.identity(),
                new ServerSettings("127.0.0.1", 0, 2, 1024, Duration.ZERO, VERSION, false));
    }

    public int port() {
        return server.address().getPort();
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
