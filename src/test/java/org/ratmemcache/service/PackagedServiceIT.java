package org.ratmemcache.service;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;

import org.junit.jupiter.api.Test;
import org.ratmemcache.testing.Memccapable;
import org.ratmemcache.testing.TextClient;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

/** The packaged application, started as a user starts it, checked as a user checks it. */
@QuarkusIntegrationTest
@WithTestResource(FreeMemcachedPort.class)
class PackagedServiceIT {

    @FreeMemcachedPort.Port
    int port;

    @FreeMemcachedPort.ManagementPort
    int managementPort;

    @Test
    void answersTheReadmesFirstCommand() {
        try (TextClient client = new TextClient(port)) {
            client.send("set a 0 0 1\r\nx\r\nget a\r\nquit\r\n");
            assertThat(client.readUntilClosed()).isEqualTo("STORED\r\nVALUE a 0 1\r\nx\r\nEND\r\n");
        }
    }

    @Test
    void refusesChangesThroughTheAdminApiUntilAPasswordIsConfigured() {
        given().post("/admin/flush").then().statusCode(403)
                .contentType("application/problem+json").body("detail", containsString("RATMEMCACHE_ADMIN_PASSWORD"));
        given().get("/admin/stats").then().statusCode(200).body("l2.enabled", is(true));
    }

    @Test
    void servesTheWebConsoleWithEverythingItLoads() {
        ConsoleAssets.assertServed("");
        given().get("/console/").then().body(containsString("No admin password is configured"));
    }

    @Test
    void servesHealthAndMetricsOnTheManagementInterface() {
        String management = "http://127.0.0.1:" + managementPort + "/q";
        given().get(management + "/health/ready").then().statusCode(200).body("status", is("UP"));
        given().get(management + "/metrics").then().statusCode(200)
                .body(containsString("memcached_current_items")).body(containsString("ratmemcache_command_duration_seconds_bucket"));
    }

    @Test
    void passesEveryAsciiTestOfLibmemcachedsMemccapable() throws Exception {
        Memccapable.assertPasses("-a", port, "memccapable-ascii.txt");
    }

    @Test
    void passesEveryBinaryTestOfLibmemcachedsMemccapable() throws Exception {
        Memccapable.assertPasses("-b", port, "memccapable-binary.txt");
    }
}
