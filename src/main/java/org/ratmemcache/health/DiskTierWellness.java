package org.ratmemcache.health;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.health.api.Wellness;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.ratmemcache.core.DiskTier;
import org.ratmemcache.core.TieredCache;

/**
 * The disk tier's state, for people rather than for the orchestrator: DOWN with its reason while
 * it cannot write (a full disk, I/O errors). Neither liveness nor readiness follows it, because
 * the node still serves from memory and restarting it would lose that.
 */
@Wellness
@ApplicationScoped
public class DiskTierWellness implements HealthCheck {

    private final TieredCache cache;

    DiskTierWellness(TieredCache cache) {
        this.cache = cache;
    }

    @Override
    public HealthCheckResponse call() {
        DiskTier disk = cache.disk();
        HealthCheckResponseBuilder response = HealthCheckResponse.named("l2");
        if (disk == null) {
            return response.up().withData("enabled", false).build();
        }
        Throwable failure = cache.diskFailure();
        response.status(failure == null)
                .withData("enabled", true)
                .withData("items", disk.itemCount())
                .withData("write-back-queue", cache.writeBackQueueDepth())
                .withData("write-failures", cache.diskWriteFailures());
        if (failure != null) {
            response.withData("error", String.valueOf(failure.getMessage()));
        }
        return response.build();
    }
}
