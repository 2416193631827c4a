package org.ratmemcache.health;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.health.api.Wellness;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.ratmemcache.core.CacheView;

/**
 * The disk tier's state, for people rather than for the orchestrator: DOWN with its reason while
 * it cannot write (a full disk, I/O errors). Neither liveness nor readiness follows it, because
 * the node still serves from memory and restarting it would lose that.
 */
@Wellness
@ApplicationScoped
public class DiskTierWellness implements HealthCheck {

    private final CacheView cache;

    DiskTierWellness(CacheView cache) {
        this.cache = cache;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("l2");
        return cache.disk().map(disk -> {
            Throwable failure = disk.writeFailure().orElse(null);
            response.status(failure == null)
                    .withData("enabled", true)
                    .withData("items", disk.items())
                    .withData("write-back-queue", disk.writeBackQueue())
                    .withData("write-failures", disk.writeFailures());
            if (failure != null) {
                response.withData("error", String.valueOf(failure.getMessage()));
            }
            return response.build();
        }).orElseGet(() -> response.up().withData("enabled", false).build());
    }
}
