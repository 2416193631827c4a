package org.ratmemcache.admin;

import java.net.URL;
import java.util.Map;

import jakarta.inject.Inject;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

import org.junit.jupiter.api.Test;
import org.ratmemcache.server.MemcachedServer;
import org.ratmemcache.testing.TextClient;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

/** The operating surfaces of a memory-only cache (ratmemcache.l2.enabled=false). */
@QuarkusTest
@TestProfile(MemoryOnlyOperationsTest.MemoryOnly.class)
class MemoryOnlyOperationsTest {

    public static class MemoryOnly implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("ratmemcache.l2.enabled", "false");
        }
    }

    @Inject
    MemcachedServer server;

    @TestHTTPResource(value = "/health", management = true) // under the management root, /q
    URL health;

    @TestHTTPResource(value = "/metrics", management = true)
    URL metrics;

    @Test
    void statsKeysHealthAndMetricsWithoutADiskTier() {
        try (TextClient client = new TextClient(server.address().getPort())) {
            client.send("set mem-a 0 0 1\r\nx\r\nset mem-b 0 0 1\r\nx\r\n").expect("STORED\r\nSTORED\r\n");
        }
        given().get("/admin/stats").then().statusCode(200)
                .body("l2.enabled", is(false)).body("l2.items", nullValue()).body("disk", nullValue())
                .body("l1.items", is(2));
        given().queryParam("prefix", "mem-").get("/admin/keys").then().statusCode(200)
                .body("keys.key", hasItems("mem-a", "mem-b")).body("cursor", nullValue());
        given().get("/admin/keys/mem-a").then().statusCode(200).body("tier", is("l1"));
    }

    @Test
    void readyWithoutADiskTierAndNoDiskMetrics() {
        given().get(health + "/ready").then().statusCode(200)
                .body("checks.find { it.name == 'memcached' }.data.l2", is("off"));
        given().get(health + "/well").then().statusCode(200)
                .body("checks.find { it.name == 'l2' }.data.enabled", is(false));
        given().get(metrics).then().statusCode(200)
                .body(containsString("ratmemcache_tier_items{tier=\"l1\"}"))
                .body(not(containsString("tier=\"l2\"")))
                .body(not(containsString("ratmemcache_rocksdb_")));
    }
}
