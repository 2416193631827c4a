package org.ratmemcache.admin;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import jakarta.inject.Inject;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;

import org.junit.jupiter.api.Test;
import org.ratmemcache.core.Key;
import org.ratmemcache.core.StoreMode;
import org.ratmemcache.core.engine.TieredCache;
import org.ratmemcache.server.MemcachedServer;
import org.ratmemcache.testing.Reads;
import org.ratmemcache.testing.TextClient;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

/** Every admin endpoint: answers, refusals, 404s and 400s, and what the memcached port sees. */
@QuarkusTest
class AdminResourceTest {

    private static final String PASSWORD = "test-admin-password"; // %test in application.properties

    @Inject
    MemcachedServer server;

    @Inject
    TieredCache cache;

    private static RequestSpecification admin() {
        return given().auth().preemptive().basic("admin", PASSWORD);
    }

    private TextClient memcached() {
        return new TextClient(server.address().getPort());
    }

    @Test
    void statsDescribeEveryTier() {
        try (TextClient client = memcached()) {
            client.send("set stats-a 0 0 1\r\nx\r\nget stats-a\r\n").expect("STORED\r\nVALUE stats-a 0 1\r\nx\r\nEND\r\n");
            given().get("/admin/stats").then().statusCode(200)
                    .body("hits", greaterThanOrEqualTo(1))
                    .body("hitRate", notNullValue())
                    .body("connections.current", greaterThanOrEqualTo(1))
                    .body("connections.max", is(1024))
                    .body("respConnections.max", greaterThanOrEqualTo(1))
                    .body("commands.text", greaterThanOrEqualTo(2))
                    .body("commands.resp", greaterThanOrEqualTo(0))
                    .body("l1.maxBytes", is(64 * 1024 * 1024))
                    .body("l1.eviction", is("hybrid"))
                    .body("l1.items", greaterThanOrEqualTo(1))
                    .body("l2.enabled", is(true))
                    .body("l2.writePolicy", is("write-back"))
                    .body("l2.healthy", is(true))
                    .body("memory.heapUsedBytes", greaterThanOrEqualTo(1))
                    .body("disk.dataDir", containsString("test-data"))
                    .body("uptimeSeconds", greaterThanOrEqualTo(0));
            client.send("stats\r\nversion\r\n");
            long memcachedUptime = Long.parseLong(client.readUntilVersion().lines()
                    .filter(line -> line.startsWith("STAT uptime ")).findFirst().orElseThrow().substring("STAT uptime ".length()));
            long adminUptime = given().get("/admin/stats").then().extract().jsonPath().getLong("uptimeSeconds");
            assertThat(adminUptime).as("the uptime memcached's stats report").isBetween(memcachedUptime, memcachedUptime + 1);
        }
    }

    @Test
    void flushNeedsTheAdminAndEmptiesWhatMemcachedServes() {
        try (TextClient client = memcached()) {
            client.send("set flush-a 0 0 1\r\nx\r\n").expect("STORED\r\n");
            given().post("/admin/flush").then().statusCode(401)
                    .header("WWW-Authenticate", containsString("Basic"))
                    .contentType("application/problem+json").body("status", is(401));
            given().auth().preemptive().basic("admin", "wrong").post("/admin/flush").then().statusCode(401)
                    .header("WWW-Authenticate", containsString("Basic")).contentType("application/problem+json");
            client.send("get flush-a\r\n").expect("VALUE flush-a 0 1\r\nx\r\nEND\r\n");

            admin().post("/admin/flush").then().statusCode(200).body("delaySeconds", is(0));
            client.send("get flush-a\r\n").expect("END\r\n");
        }
    }

    @Test
    void flushRefusesABadDelay() {
        admin().queryParam("delay", "soon").post("/admin/flush").then().statusCode(400)
                .contentType("application/problem+json").body("detail", containsString("delay must be a whole number"));
        admin().queryParam("delay", "-1").post("/admin/flush").then().statusCode(400);
    }

    @Test
    void keysArePagedInByteOrderWithACursor() {
        try (TextClient client = memcached()) {
            client.send("set page-b 0 0 1\r\nx\r\nset page-a 0 0 1\r\nx\r\nset page-c 0 0 1\r\nx\r\nset other 0 0 1\r\nx\r\n")
                    .expect("STORED\r\nSTORED\r\nSTORED\r\nSTORED\r\n");
        }
        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            var request = given().queryParam("prefix", "page-").queryParam("limit", 2);
            if (cursor != null) {
                request.queryParam("cursor", cursor);
            }
            var page = request.get("/admin/keys").then().statusCode(200).extract().jsonPath();
            seen.addAll(page.getList("keys.key", String.class));
            cursor = page.getString("cursor");
            pages++;
        } while (cursor != null && pages < 10);
        assertThat(seen).containsExactly("page-a", "page-b", "page-c");
    }

    @Test
    void aBinaryKeyTravelsAsBase64() {
        byte[] binary = {'b', 'i', 'n', 0, 1, (byte) 0xff};
        cache.store(StoreMode.SET, Key.of(binary), 7, 0, "v".getBytes(StandardCharsets.US_ASCII), 0).join();
        String encoded = Base64.getUrlEncoder().withoutPadding().encodeToString(binary);
        given().queryParam("prefix", "bin").get("/admin/keys").then().statusCode(200)
                .body("keys.key", hasItem(encoded)).body("keys.encoding", hasItem("base64"));
        given().queryParam("encoding", "base64").get("/admin/keys/" + encoded).then().statusCode(200)
                .body("key", is(encoded)).body("encoding", is("base64")).body("flags", is(7)).body("size", is(1));
    }

    @Test
    void aKeysMetadata() {
        try (TextClient client = memcached()) {
            client.send("set meta-a 42 3600 5\r\nhello\r\ngets meta-a\r\n").expect("STORED\r\n");
            String cas = client.readLine().split(" ")[4];
            client.expect("hello\r\nEND\r\n");
            await().until(() -> Reads.writeBackQueue(cache.view()) == 0);
            given().get("/admin/keys/meta-a").then().statusCode(200)
                    .body("key", is("meta-a")).body("encoding", is("text"))
                    .body("size", is(5)).body("flags", is(42)).body("cas", is(cas))
                    .body("ttlSeconds", is(3600)).body("expiresAt", notNullValue())
                    .body("tier", is("l1+l2")).body("stale", is(false));
            client.send("set meta-forever 0 0 1\r\nx\r\n").expect("STORED\r\n");
            given().get("/admin/keys/meta-forever").then().statusCode(200).body("ttlSeconds", is(-1)).body("expiresAt", nullValue());
        }
    }

    @Test
    void aLargeValueLivesOnDiskOnly() {
        cache.store(StoreMode.SET, Key.of("large"), 0, 0, new byte[300 * 1024], 0).join();
        await().until(() -> Reads.writeBackQueue(cache.view()) == 0);
        given().get("/admin/keys/large").then().statusCode(200).body("tier", is("l2")).body("size", is(300 * 1024));
    }

    @Test
    void missingKeysAre404AndBadOnes400() {
        given().get("/admin/keys/no-such-key").then().statusCode(404)
                .contentType("application/problem+json").body("title", is("Not Found")).body("detail", containsString("no-such-key"));
        given().get("/admin/keys/" + "k".repeat(251)).then().statusCode(400).body("detail", containsString("at most 250 bytes"));
        given().queryParam("encoding", "base64").get("/admin/keys/***").then().statusCode(400);
        given().queryParam("encoding", "rot13").get("/admin/keys/a").then().statusCode(400);
        given().queryParam("limit", "0").get("/admin/keys").then().statusCode(400);
        given().queryParam("limit", "1001").get("/admin/keys").then().statusCode(400);
        given().queryParam("limit", "many").get("/admin/keys").then().statusCode(400);
    }

    @Test
    void deleteNeedsTheAdminAndThenTheKeyIsGone() {
        try (TextClient client = memcached()) {
            client.send("set delete-a 0 0 1\r\nx\r\n").expect("STORED\r\n");
            given().delete("/admin/keys/delete-a").then().statusCode(401);
            client.send("get delete-a\r\n").expect("VALUE delete-a 0 1\r\nx\r\nEND\r\n");
            admin().delete("/admin/keys/delete-a").then().statusCode(204);
            client.send("get delete-a\r\n").expect("END\r\n");
            admin().delete("/admin/keys/delete-a").then().statusCode(404).contentType("application/problem+json");
        }
    }

    @Test
    void theEffectiveConfigurationWithSecretsRedacted() {
        given().get("/admin/config").then().statusCode(200)
                .body("'ratmemcache.server.port'", equalTo("0"))
                .body("'ratmemcache.l1.max-memory'", equalTo("64m"))
                .body("'ratmemcache.admin.password'", equalTo("<redacted>"));
    }

    @Test
    void aValueNeedsTheAdminEvenWhereReadsArePublic() {
        try (TextClient client = memcached()) {
            client.send("set value-text 0 0 5\r\nhello\r\n").expect("STORED\r\n");
            given().get("/admin/keys/value-text/value").then().statusCode(401).header("WWW-Authenticate", containsString("Basic"));
            given().header("X-Requested-With", "XMLHttpRequest").get("/admin/keys/value-text/value").then().statusCode(401)
                    .header("WWW-Authenticate", nullValue());
            admin().get("/admin/keys/value-text/value").then().statusCode(200)
                    .body("text", is("hello")).body("hex", is("68656c6c6f")).body("size", is(5)).body("truncated", is(false));

            client.send("set value-binary 0 0 2\r\n").send(new byte[] {(byte) 0xff, 0x00}).send("\r\n").expect("STORED\r\n");
            admin().get("/admin/keys/value-binary/value").then().statusCode(200).body("text", nullValue()).body("hex", is("ff00"));

            String large = "é".repeat(3000); // 6,000 bytes: the cut at 4,096 falls between the two bytes of a character
            client.send("set value-large 0 0 6000\r\n").send(large.getBytes(StandardCharsets.UTF_8)).send("\r\n").expect("STORED\r\n");
            admin().get("/admin/keys/value-large/value").then().statusCode(200).body("size", is(6000)).body("truncated", is(true))
                    .body("text", is("é".repeat(2048))).body("hex.length()", is(2 * AdminResource.VALUE_SHOWN));
            admin().get("/admin/keys/value-missing/value").then().statusCode(404);
        }
    }

    @Test
    void theHistoryHasOneSampleASecondWithTheTrafficOfThatSecond() {
        try (TextClient client = memcached()) {
            client.send("set history-a 0 0 1\r\nx\r\n").expect("STORED\r\n");
            long after = given().get("/admin/stats/history").then().statusCode(200).extract().jsonPath().getList("sequence", Long.class)
                    .stream().mapToLong(Long::longValue).max().orElse(-1);
            await().atMost(java.time.Duration.ofSeconds(10)).until(() -> {
                client.send("get history-a\r\n").expect("VALUE history-a 0 1\r\nx\r\nEND\r\n");
                List<Float> ratios = given().queryParam("after", after).get("/admin/stats/history").then().statusCode(200)
                        .extract().jsonPath().getList("hitRatio", Float.class);
                return ratios.stream().anyMatch(ratio -> ratio != null && ratio == 1.0f);
            });
            given().queryParam("after", after).get("/admin/stats/history").then()
                    .body("sequence", org.hamcrest.Matchers.everyItem(org.hamcrest.Matchers.greaterThan((int) after)))
                    .body("now.l1.eviction", hasItem("hybrid"))
                    .body("latency.p99Micros", hasItem(notNullValue()));
            given().queryParam("after", "soon").get("/admin/stats/history").then().statusCode(400);
        }
    }

    @Test
    void anOpenApiDocumentDescribesTheApi() {
        given().get("/q/openapi").then().statusCode(200).body(containsString("/admin/stats")).body(containsString("/admin/keys/{key}"));
    }
}
