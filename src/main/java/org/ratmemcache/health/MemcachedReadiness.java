package org.ratmemcache.health;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;
import org.ratmemcache.config.RatMemCacheConfig;
import org.ratmemcache.core.CacheView;
import org.ratmemcache.server.ServerLifecycle;

/**
 * Ready to take traffic: the memcached port is bound, the disk tier (when configured) has opened,
 * and shutdown has not begun. It goes DOWN first on shutdown, while connections are still served,
 * so that a load balancer stops sending new ones. A disk tier that fails later does not make the
 * node unready: memory still serves (see {@link DiskTierWellness}).
 */
@Readiness
@ApplicationScoped
public class MemcachedReadiness implements HealthCheck {

    private final ServerLifecycle lifecycle;
    private final CacheView cache;
    private final boolean diskConfigured;

    MemcachedReadiness(ServerLifecycle lifecycle, CacheView cache, RatMemCacheConfig config) {
        this.lifecycle = lifecycle;
        this.cache = cache;
        this.diskConfigured = config.l2().enabled();
    }

    @Override
    public HealthCheckResponse call() {
        boolean listening = lifecycle.server().listening();
        boolean diskOpen = !diskConfigured || cache.disk().isPresent();
        boolean stopping = lifecycle.stopping();
        HealthCheckResponseBuilder response = HealthCheckResponse.named("memcached")
                .status(listening && diskOpen && !stopping)
                .withData("listening", listening)
                .withData("l2", diskConfigured ? (diskOpen ? "open" : "not open") : "off")
                .withData("stopping", stopping);
        if (listening) {
            response.withData("listen", lifecycle.server().listenAddresses().toString());
        }
        return response.build();
    }
}
