package org.ratmemcache.service;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.ratmemcache.testing.Ports;
import org.ratmemcache.testing.TextClient;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * On SIGTERM, readiness goes DOWN first, while memcached still serves, so that Kubernetes stops
 * routing new connections before the listener closes (with quarkus.shutdown.delay, as deploy/ sets it).
 */
class ShutdownReadinessIT {

    @Test
    void readinessGoesDownBeforeMemcachedStopsServing() throws Exception {
        int management = Ports.free();
        String ready = "http://127.0.0.1:" + management + "/q/health/ready";
        try (ApplicationProcess app = ApplicationProcess.start(Path.of("target", "shutdown-it", "ready.log"),
                "quarkus.management.port=" + management, "quarkus.shutdown.delay=3s",
                "ratmemcache.l2.data-dir=" + Path.of("target", "shutdown-it", "l2").toAbsolutePath())) {
            // memcached accepts before the management interface has bound: wait for it
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> given().get(ready).statusCode() == 200);
            try (TextClient client = new TextClient(app.port())) {
                client.send("set a 0 0 1\r\nx\r\n").expect("STORED\r\n");
                app.signalStop();
                await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                        .until(() -> given().get(ready).statusCode() == 503);
                client.send("get a\r\n").expect("VALUE a 0 1\r\nx\r\nEND\r\n");
            }
            assertThat(app.stop()).as("exit code after SIGTERM").isIn(0, 143);
        }
    }
}
