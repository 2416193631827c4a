package org.ratmemcache.service;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import org.ratmemcache.testing.Ports;

/**
 * Gives the packaged application free loopback ports for memcached and the management interface, and its own L2 directory
 * under target/, and tells the test the port: a {@code @QuarkusIntegrationTest} runs the
 * application in another process, so it cannot ask it.
 */
public class FreeMemcachedPort implements QuarkusTestResourceLifecycleManager {

    /** Marks the {@code int} field that receives the port. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.FIELD)
    public @interface Port {
    }

    /** Marks the {@code int} field that receives the management interface's port. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.FIELD)
    public @interface ManagementPort {
    }

    private int port;
    private int managementPort;

    @Override
    public Map<String, String> start() {
        port = Ports.free();
        managementPort = Ports.free();
        return Map.of("ratmemcache.server.port", Integer.toString(port), "ratmemcache.server.bind", "127.0.0.1",
                "ratmemcache.l2.data-dir", "target/it-data/" + port + "/l2",
                "quarkus.management.port", Integer.toString(managementPort));
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(port, new TestInjector.AnnotatedAndMatchesType(Port.class, int.class));
        injector.injectIntoFields(managementPort, new TestInjector.AnnotatedAndMatchesType(ManagementPort.class, int.class));
    }

    @Override
    public void stop() {
        // nothing to release: the application owns the port
    }
}
