package org.ratmemcache.health;

import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import jakarta.inject.Inject;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

import org.junit.jupiter.api.Test;
import org.ratmemcache.core.engine.TieredCache;
import org.ratmemcache.server.MemcachedServer;
import org.ratmemcache.testing.Reads;
import org.ratmemcache.testing.TextClient;
import org.ratmemcache.testing.Tmpfs;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

/**
 * The service with its disk tier on a small tmpfs that fills up: the L2 check goes DOWN with its
 * reason, the metrics count the failures, and readiness stays UP because memory still serves.
 */
@QuarkusTest
@QuarkusTestResource(value = FullDiskHealthTest.SmallDisk.class, restrictToAnnotatedClass = true)
class FullDiskHealthTest {

    /** Mounts the tmpfs the data directory lives on. */
    public static class SmallDisk implements QuarkusTestResourceLifecycleManager {

        static Path mount;
        /** Whether the tmpfs is there: mounting needs root (as CI has); elsewhere the test is skipped. */
        static boolean mounted;

        @Override
        public Map<String, String> start() {
            try {
                mount = Files.createTempDirectory("ratmemcache-full-disk");
                mounted = Tmpfs.mountable() && Tmpfs.mount(mount, "32m") == 0;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return Map.of("ratmemcache.l2.data-dir", mount.resolve("l2").toString(),
                    "ratmemcache.l2.write-buffer-size", "1m", "ratmemcache.l2.block-cache-size", "1m");
        }

        @Override
        public void stop() {
            try {
                if (mounted) {
                    Tmpfs.unmount(mount);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @TestHTTPResource(value = "/health", management = true) // under the management root, /q
    URL health;

    @TestHTTPResource(value = "/metrics", management = true)
    URL metrics;

    @Inject
    MemcachedServer server;

    @Inject
    TieredCache cache;

    @Test
    void aFullDiskIsReportedWhileTheNodeStaysReady() throws Exception {
        assumeThat(SmallDisk.mounted).as("mounting a tmpfs needs root and mount permission (CI has both)").isTrue();
        try (TextClient client = new TextClient(server.address().getPort())) {
            client.send("set hot 0 0 3\r\nyes\r\n").expect("STORED\r\n");
            await().until(() -> Reads.writeBackQueue(cache.view()) == 0);
            Path filler = SmallDisk.mount.resolve("filler");
            Tmpfs.fill(filler);

            // RocksDB frees what a failed write took, so a retry could succeed: each poll takes up
            // whatever is free again and writes on, and each assertion reads one response.
            String value = "v".repeat(64 * 1024);
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                Tmpfs.fill(filler, 0);
                client.send("set filler 0 0 " + value.length() + " noreply\r\n" + value + "\r\n");
                given().get(health.toString()).then().statusCode(503)
                        .body("checks.find { it.name == 'l2' }.status", is("DOWN"))
                        .body("checks.find { it.name == 'l2' }.data.error", containsString("No space left on device"))
                        .body("checks.find { it.name == 'memcached' }.status", is("UP"))
                        .body("checks.find { it.name == 'memcached-event-loops' }.status", is("UP"));
            });
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                Tmpfs.fill(filler, 0);
                client.send("set filler 0 0 " + value.length() + " noreply\r\n" + value + "\r\n");
                given().get(health + "/well").then().statusCode(503).body("checks.find { it.name == 'l2' }.status", is("DOWN"));
            });
            given().get(health + "/ready").then().statusCode(200).body("status", is("UP"));
            given().get(health + "/live").then().statusCode(200);
            String scrape = given().get(metrics).then().statusCode(200).extract().asString();
            assertThat(scrape).contains("ratmemcache_l2_up ").doesNotContain("ratmemcache_l2_write_failures_total 0.0");
            client.send("get hot\r\n").expect("VALUE hot 0 3\r\nyes\r\nEND\r\n");

            Files.delete(filler);
            await().atMost(Duration.ofSeconds(60)).until(() -> Reads.diskFailure(cache.view()) == null);
            given().get(health + "/well").then().statusCode(200);
        }
    }
}
