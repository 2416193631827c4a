package org.ratmemcache.health;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Startup;
import org.ratmemcache.server.MemcachedServer;

/** Started once the memcached listener is up: after the disk tier has opened and recovered. */
@Startup
@ApplicationScoped
public class MemcachedStartup implements HealthCheck {

    private final MemcachedServer server;

    MemcachedStartup(MemcachedServer server) {
        this.server = server;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("memcached-started").status(server.listening()).build();
    }
}
