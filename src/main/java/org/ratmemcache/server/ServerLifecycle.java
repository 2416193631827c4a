package org.ratmemcache.server;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

import org.ratmemcache.config.RatMemCacheConfig;

/** Starts the memcached server with the application and stops it gracefully with it. */
@Singleton
public class ServerLifecycle {

    private final MemcachedServer server;
    private final RatMemCacheConfig config;

    ServerLifecycle(MemcachedServer server, RatMemCacheConfig config) {
        this.server = server;
        this.config = config;
    }

    void start(@Observes StartupEvent event) {
        server.start();
    }

    void stop(@Observes ShutdownEvent event) {
        server.stop(config.server().drainTimeout());
    }
}
