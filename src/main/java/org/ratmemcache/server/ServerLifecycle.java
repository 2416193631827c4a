package org.ratmemcache.server;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

import org.jboss.logging.Logger;
import org.ratmemcache.config.InvalidSettingException;
import org.ratmemcache.config.LaunchConfigSources;
import org.ratmemcache.config.RatMemCacheConfig;

/** Starts the memcached server with the application and stops it gracefully with it. */
@Singleton
public class ServerLifecycle {

    private static final Logger LOG = Logger.getLogger(ServerLifecycle.class);

    private final MemcachedServer server;
    private final RatMemCacheConfig config;
    private volatile boolean stopping;

    ServerLifecycle(MemcachedServer server, RatMemCacheConfig config) {
        this.server = server;
        this.config = config;
    }

    void start(@Observes StartupEvent event) {
        LaunchConfigSources.warnings().forEach(LOG::warn);
        // memcached's shutdown command (with -A): the application's own graceful stop, either way
        server.onShutdownCommand(graceful -> {
            LOG.info("stopping: a client sent the shutdown command");
            Quarkus.asyncExit();
        });
        try {
            server.start();
        } catch (IllegalStateException e) {
            throw new InvalidSettingException("ratmemcache.server.port", e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            // the TLS certificate or key did not load
            throw new InvalidSettingException("ratmemcache.server.tls", e.getMessage(), e);
        }
        LOG.info(StartupSummary.of(config, server));
    }

    /** With a shutdown delay (quarkus.shutdown.delay), readiness goes DOWN for its whole length. */
    void shutdownRequested(@Observes ShutdownDelayInitiatedEvent event) {
        stopping = true;
    }

    void stop(@Observes ShutdownEvent event) {
        stopping = true;
        server.stop(config.server().drainTimeout());
    }

    /** True once shutdown has begun: readiness reports DOWN from then on. */
    public boolean stopping() {
        return stopping;
    }

    public MemcachedServer server() {
        return server;
    }
}
