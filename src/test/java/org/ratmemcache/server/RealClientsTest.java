package org.ratmemcache.server;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import net.rubyeye.xmemcached.GetsResponse;
import net.rubyeye.xmemcached.MemcachedClient;
import net.rubyeye.xmemcached.XMemcachedClientBuilder;
import net.spy.memcached.CASResponse;
import net.spy.memcached.CASValue;
import net.spy.memcached.ConnectionFactoryBuilder;

import org.junit.jupiter.api.Test;
import org.ratmemcache.testing.RunningServer;

import static org.assertj.core.api.Assertions.assertThat;

/** The memcached clients people already have, unchanged, in their default (text) mode. */
class RealClientsTest {

    @Test
    void spymemcached() throws Exception {
        try (RunningServer server = RunningServer.start()) {
            net.spy.memcached.MemcachedClient client = new net.spy.memcached.MemcachedClient(
                    new ConnectionFactoryBuilder().setOpTimeout(5000).build(),
                    List.of(new InetSocketAddress("127.0.0.1", server.port())));
            try {
                assertThat(client.set("greeting", 0, "hello").get()).isTrue();
                assertThat(client.get("greeting")).isEqualTo("hello");
                assertThat(client.add("greeting", 0, "again").get()).isFalse();
                assertThat(client.replace("greeting", 0, "hi").get()).isTrue();
                assertThat(client.append(0, "greeting", " there").get()).isTrue();
                assertThat(client.prepend(0, "greeting", "oh, ").get()).isTrue();
                assertThat(client.get("greeting")).isEqualTo("oh, hi there");

                CASValue<Object> seen = client.gets("greeting");
                assertThat(client.cas("greeting", seen.getCas(), "changed")).isEqualTo(CASResponse.OK);
                assertThat(client.cas("greeting", seen.getCas(), "again")).isEqualTo(CASResponse.EXISTS);
                assertThat(client.cas("missing", 1, "x")).isEqualTo(CASResponse.NOT_FOUND);

                assertThat(client.incr("counter", 5, 10)).isEqualTo(10);
                assertThat(client.incr("counter", 5)).isEqualTo(15);
                assertThat(client.decr("counter", 20)).isZero();

                client.set("a", 0, 1).get();
                client.set("b", 0, 2L).get();
                Map<String, Object> bulk = client.getBulk("a", "b", "nope");
                assertThat(bulk).containsOnly(Map.entry("a", 1), Map.entry("b", 2L));

                assertThat(client.set("ttl", 10, "short-lived").get()).isTrue();
                assertThat(client.touch("ttl", 100).get()).isTrue();
                server.clock().advance(Duration.ofSeconds(50));
                assertThat(client.get("ttl")).isEqualTo("short-lived");
                server.clock().advance(Duration.ofSeconds(50));
                assertThat(client.get("ttl")).isNull();

                assertThat(client.delete("a").get()).isTrue();
                assertThat(client.delete("a").get()).isFalse();
                assertThat(client.getVersions().values()).containsOnly(RunningServer.VERSION);
                Map<String, String> stats = client.getStats().values().iterator().next();
                assertThat(stats).containsEntry("version", RunningServer.VERSION).containsKeys("curr_items", "get_hits", "evictions");
                assertThat(client.flush().get()).isTrue();
                assertThat(client.get("b")).isNull();

                byte[] large = new byte[500_000];
                assertThat(client.set("large", 0, large).get()).isTrue();
                assertThat((byte[]) client.get("large")).isEqualTo(large);
            } finally {
                client.shutdown(5, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void xmemcached() throws Exception {
        try (RunningServer server = RunningServer.start()) {
            XMemcachedClientBuilder builder = new XMemcachedClientBuilder(
                    List.of(new InetSocketAddress("127.0.0.1", server.port())));
            builder.setOpTimeout(5000);
            MemcachedClient client = builder.build();
            try {
                assertThat(client.set("greeting", 0, "hello")).isTrue();
                assertThat(client.<String>get("greeting")).isEqualTo("hello");
                assertThat(client.add("greeting", 0, "again")).isFalse();
                assertThat(client.replace("greeting", 0, "hi")).isTrue();
                assertThat(client.append("greeting", " there")).isTrue();
                assertThat(client.prepend("greeting", "oh, ")).isTrue();
                assertThat(client.<String>get("greeting")).isEqualTo("oh, hi there");

                GetsResponse<String> seen = client.gets("greeting");
                assertThat(client.cas("greeting", 0, "changed", seen.getCas())).isTrue();
                assertThat(client.cas("greeting", 0, "again", seen.getCas())).isFalse();

                assertThat(client.incr("counter", 5, 10)).isEqualTo(10);
                assertThat(client.incr("counter", 5)).isEqualTo(15);
                assertThat(client.decr("counter", 20)).isZero();

                client.set("a", 0, "1");
                client.set("b", 0, "2");
                Map<String, String> bulk = client.get(List.of("a", "b", "nope"));
                assertThat(bulk).containsOnly(Map.entry("a", "1"), Map.entry("b", "2"));

                assertThat(client.set("ttl", 10, "short-lived")).isTrue();
                assertThat(client.touch("ttl", 100)).isTrue();
                server.clock().advance(Duration.ofSeconds(99));
                assertThat(client.<String>get("ttl")).isEqualTo("short-lived");
                server.clock().advance(Duration.ofSeconds(1));
                assertThat(client.<String>get("ttl")).isNull();

                assertThat(client.delete("a")).isTrue();
                assertThat(client.delete("a")).isFalse();
                client.setWithNoReply("quiet", 0, "q");
                assertThat(client.<String>get("quiet")).isEqualTo("q");
                assertThat(client.getVersions().values()).containsOnly(RunningServer.VERSION);
                Map<String, String> stats = client.getStats().values().iterator().next();
                assertThat(stats).containsKeys("curr_items", "total_items", "bytes");
                client.flushAll();
                assertThat(client.<String>get("b")).isNull();
            } finally {
                client.shutdown();
            }
        }
    }
}
