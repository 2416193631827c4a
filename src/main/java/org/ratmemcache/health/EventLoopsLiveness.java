package org.ratmemcache.health;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.ratmemcache.server.MemcachedServer;

/** Alive while every memcached event loop runs a task promptly: a stuck loop stalls its connections for good. */
@Liveness
@ApplicationScoped
public class EventLoopsLiveness implements HealthCheck {

    /** Far above any healthy loop's delay, far below a liveness probe's timeout. */
    static final Duration ANSWER_WITHIN = Duration.ofSeconds(1);

    private final MemcachedServer server;

    EventLoopsLiveness(MemcachedServer server) {
        this.server = server;
    }

    @Override
    public HealthCheckResponse call() {
        int unresponsive = server.unresponsiveEventLoops(ANSWER_WITHIN);
        return HealthCheckResponse.named("memcached-event-loops")
                .status(unresponsive == 0)
                .withData("unresponsive", unresponsive)
                .build();
    }
}
