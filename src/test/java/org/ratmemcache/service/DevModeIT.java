package org.ratmemcache.service;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.ratmemcache.testing.Ports;
import org.ratmemcache.testing.TextClient;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

/**
 * What the README promises a new user of {@code ./mvnw quarkus:dev}: the admin API, health and
 * metrics answer, and memcached serves (on free ports here, so that CI can run it anywhere).
 */
class DevModeIT {

    private static final Path LOG = Path.of("target", "dev-mode-it", "dev.log");

    @Test
    void aNewUserCanCurlStatsHealthAndMetrics() throws Exception {
        int http = Ports.free();
        int management = Ports.free();
        int memcached = Ports.free();
        Files.createDirectories(LOG.getParent());
        Process dev = new ProcessBuilder(List.of("./mvnw", "-q", "quarkus:dev", "-Ddebug=false", "-Dquarkus.analytics.disabled=true",
                "-Dquarkus.console.enabled=false", "-Dquarkus.http.port=" + http, "-Dquarkus.management.port=" + management,
                "-Dratmemcache.server.port=" + memcached, "-Dratmemcache.l2.data-dir=target/dev-mode-it/l2"))
                .redirectErrorStream(true).redirectOutput(LOG.toFile()).start();
        try {
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500)).until(() -> {
                assertThat(dev.isAlive()).as("dev mode is running (see %s)", LOG).isTrue();
                return Ports.accepts(management) && Ports.accepts(http);
            });
            given().get("http://localhost:" + http + "/admin/stats").then().statusCode(200).body("l2.enabled", is(true));
            given().get("http://localhost:" + management + "/q/health").then().statusCode(200).body("status", is("UP"));
            try (TextClient client = new TextClient(memcached)) {
                client.send("set dev 0 0 1\r\nx\r\n").expect("STORED\r\n");
            }
            given().get("http://localhost:" + management + "/q/metrics").then().statusCode(200)
                    .body(containsString("memcached_commands_total{command=\"set\",status=\"hit\"} 1.0"));
            given().auth().preemptive().basic("admin", "admin").post("http://localhost:" + http + "/admin/flush").then().statusCode(200);
            ConsoleAssets.assertServed("http://localhost:" + http);
        } finally {
            stop(dev);
        }
    }

    private static void stop(Process dev) throws IOException, InterruptedException {
        dev.descendants().forEach(ProcessHandle::destroy);
        dev.destroy();
        if (!dev.waitFor(60, TimeUnit.SECONDS)) {
            dev.descendants().forEach(ProcessHandle::destroyForcibly);
            dev.destroyForcibly();
        }
    }
}
