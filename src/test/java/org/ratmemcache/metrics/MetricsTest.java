package org.ratmemcache.metrics;

import java.net.URL;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.inject.Inject;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

import org.junit.jupiter.api.Test;
import org.ratmemcache.server.MemcachedServer;
import org.ratmemcache.testing.RespClient;
import org.ratmemcache.testing.TextClient;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Prometheus metrics on the management interface, in the memcached_exporter's names, moving with traffic. */
@QuarkusTest
class MetricsTest {

    @TestHTTPResource(value = "/metrics", management = true) // under the management root, /q
    URL metrics;

    @Inject
    MemcachedServer server;

    private String scrape() {
        return given().get(metrics).then().statusCode(200).extract().asString();
    }

    private static double value(String scrape, String series) {
        Matcher line = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(scrape);
        assertThat(line.find()).as("series %s in%n%s", series, scrape).isTrue();
        return Double.parseDouble(line.group(1));
    }

    @Test
    void theExportersSeriesMoveWithTraffic() {
        String before = scrape();
        try (TextClient client = new TextClient(server.address().getPort())) {
            client.send("set metrics-a 0 0 1\r\nx\r\nget metrics-a\r\nget metrics-missing\r\nadd metrics-a 0 0 1\r\ny\r\n"
                    + "incr metrics-missing 1\r\ndelete metrics-a\r\n")
                    .expect("STORED\r\nVALUE metrics-a 0 1\r\nx\r\nEND\r\nEND\r\nNOT_STORED\r\nNOT_FOUND\r\nDELETED\r\n");
            String during = scrape();
            assertThat(value(during, "memcached_current_connections")).isGreaterThanOrEqualTo(1);
            String after = during;
            assertMoved(before, after, "memcached_commands_total{command=\"get\",status=\"hit\"}", 1);
            assertMoved(before, after, "memcached_commands_total{command=\"get\",status=\"miss\"}", 1);
            assertMoved(before, after, "memcached_commands_total{command=\"set\",status=\"hit\"}", 2);
            assertMoved(before, after, "memcached_commands_total{command=\"incr\",status=\"miss\"}", 1);
            assertMoved(before, after, "memcached_commands_total{command=\"delete\",status=\"hit\"}", 1);
            assertMoved(before, after, "ratmemcache_stores_total{command=\"set\",result=\"stored\"}", 1);
            assertMoved(before, after, "ratmemcache_stores_total{command=\"add\",result=\"not_stored\"}", 1);
            assertMoved(before, after, "memcached_items_total", 1);
            assertMoved(before, after, "ratmemcache_tier_hits_total{tier=\"l1\"}", 1);
            assertMoved(before, after, "memcached_connections_total", 1);
            assertMoved(before, after, "ratmemcache_command_duration_seconds_count{protocol=\"text\"}", 6);
            assertThat(value(after, "memcached_read_bytes_total")).isGreaterThan(value(before, "memcached_read_bytes_total"));
        }
    }

    @Test
    void limitsTiersAndTheDiskAreThere() {
        String scrape = scrape();
        assertThat(value(scrape, "memcached_limit_bytes")).isEqualTo(64 * 1024 * 1024);
        assertThat(value(scrape, "memcached_max_connections")).isEqualTo(1024);
        assertThat(value(scrape, "ratmemcache_l2_up")).isEqualTo(1);
        assertThat(value(scrape, "ratmemcache_l2_directory_bytes")).as("the log store's directory").isPositive();
        assertThat(value(scrape, "ratmemcache_l2_log_dead_bytes")).isNotNegative();
        assertThat(scrape).contains("ratmemcache_tier_items{tier=\"l1\"}", "ratmemcache_tier_items{tier=\"l2\"}",
                "ratmemcache_writeback_queue_depth", "ratmemcache_rocksdb_estimate_num_keys",
                "ratmemcache_rocksdb_live_data_size_bytes", "ratmemcache_rocksdb_pending_compaction_bytes",
                "ratmemcache_command_duration_seconds_bucket{protocol=\"binary\",le=",
                "memcached_connections_rejected_total", "memcached_items_evicted_total", "ratmemcache_promotions_total");
    }

    @Test
    void binaryCommandsAreTimedUnderTheirProtocol() throws Exception {
        String before = scrape();
        try (var socket = new java.net.Socket("127.0.0.1", server.address().getPort())) {
            byte[] noop = new byte[24];
            noop[0] = (byte) 0x80;
            noop[1] = 0x0a;
            socket.getOutputStream().write(noop);
            byte[] reply = socket.getInputStream().readNBytes(24);
            assertThat(reply[0]).isEqualTo((byte) 0x81);
        }
        // a NoOp's reply leaves before its latency is recorded, on the same event loop, just after
        await().untilAsserted(() -> assertMoved(before, scrape(), "ratmemcache_command_duration_seconds_count{protocol=\"binary\"}", 1));
    }

    @Test
    void redisCommandsAndConnectionsAreCountedBesideMemcacheds() {
        String before = scrape();
        try (RespClient redis = new RespClient(server.respAddresses().getFirst().getPort())) {
            assertThat(redis.call("SET", "metrics-r", "v")).isEqualTo("+OK\r\n");
            assertThat(redis.call("GET", "metrics-r")).isEqualTo("$1\r\nv\r\n");
            String during = scrape();
            assertMoved(before, during, "ratmemcache_commands_total{protocol=\"resp\"}", 2);
            assertMoved(before, during, "ratmemcache_commands_total{protocol=\"binary\"}", 0);
            assertMoved(before, during, "ratmemcache_resp_connections_total", 1);
            assertThat(value(during, "ratmemcache_resp_current_connections")).isGreaterThanOrEqualTo(1);
            assertThat(during).contains("ratmemcache_resp_connections_rejected_total");
        }
    }

    private static void assertMoved(String before, String after, String series, double by) {
        assertThat(value(after, series) - value(before, series)).as(series).isEqualTo(by);
    }
}
