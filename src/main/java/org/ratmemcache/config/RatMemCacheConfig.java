package org.ratmemcache.config;

import java.time.Duration;
import java.util.OptionalInt;
import java.util.OptionalLong;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import org.ratmemcache.core.memory.Eviction;

/**
 * Every setting of the service, under {@code ratmemcache.}. Each key can also be set through its
 * environment variable, e.g. {@code RATMEMCACHE_SERVER_PORT}. Sizes take a unit suffix
 * ({@code 64m}, {@code 2g}); durations take {@code 30s} or {@code 5m}.
 */
@ConfigMapping(prefix = "ratmemcache")
public interface RatMemCacheConfig {

    Server server();

    L1 l1();

    Ttl ttl();

    /** The memcached listener. */
    interface Server {

        /** Address to listen on: every interface by default, as memcached and a container need. */
        @WithDefault("0.0.0.0")
        String bind();

        /** TCP port for the memcached protocols; 0 picks a free one. */
        @WithDefault("11211")
        int port();

        /** Event-loop threads; by default one per available processor. */
        OptionalInt ioThreads();

        /** Client connections served at once, as memcached's -c; more are refused. */
        @WithDefault("1024")
        int maxConnections();

        /** Close a connection idle this long; 0s never does, as memcached's default. */
        @WithDefault("0s")
        Duration idleTimeout();

        /** The largest item, as memcached's -I (counted as memcached counts it). */
        @WithDefault("1m")
        MemorySize itemSizeMax();

        /** Use Linux's native epoll transport when it is available; false forces Java NIO. */
        @WithDefault("true")
        boolean nativeTransport();

        /** On shutdown, how long connections get to finish the requests they have sent. */
        @WithDefault("5s")
        Duration drainTimeout();
    }

    /** The in-memory tier. */
    interface L1 {

        /** The byte budget for cached data, as memcached's -m: keys, values and per-item overhead. */
        @WithDefault("64m")
        MemorySize maxMemory();

        /** The most items held; unbounded unless set. */
        OptionalLong maxEntries();

        /** Which items go first when the tier is full. */
        @WithDefault("lru")
        Eviction eviction();
    }

    /** Expiry. */
    interface Ttl {

        /** How often expired and flushed items are swept from memory; 0s sweeps only on access. */
        @WithDefault("30s")
        Duration cleanupInterval();
    }
}
