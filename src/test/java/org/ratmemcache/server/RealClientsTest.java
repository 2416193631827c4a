package org.ratmemcache.server;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import com.spotify.folsom.AsciiMemcacheClient;
import com.spotify.folsom.BinaryMemcacheClient;
import com.spotify.folsom.GetResult;
import com.spotify.folsom.MemcacheClient;
import com.spotify.folsom.MemcacheClientBuilder;
import com.spotify.folsom.MemcacheStatus;
import net.rubyeye.xmemcached.GetsResponse;
import net.rubyeye.xmemcached.MemcachedClient;
import net.rubyeye.xmemcached.XMemcachedClientBuilder;
import net.rubyeye.xmemcached.command.BinaryCommandFactory;
import net.rubyeye.xmemcached.command.TextCommandFactory;
import net.spy.memcached.CASResponse;
import net.spy.memcached.CASValue;
import net.spy.memcached.ConnectionFactoryBuilder;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ratmemcache.testing.RunningServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The memcached clients people already have, unchanged, in text and in binary mode: each runs
 * its own requests (binary get-multi as quiet gets and a no-op, binary no-reply sets as quiet
 * sets, and so on) against a server on a random port.
 */
class RealClientsTest {

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void spymemcached(boolean binary) throws Exception {
        try (RunningServer server = RunningServer.start()) {
            net.spy.memcached.MemcachedClient client = new net.spy.memcached.MemcachedClient(
                    new ConnectionFactoryBuilder().setOpTimeout(5000)
                            .setProtocol(binary ? ConnectionFactoryBuilder.Protocol.BINARY : ConnectionFactoryBuilder.Protocol.TEXT)
                            .build(),
                    List.of(new InetSocketAddress("127.0.0.1", server.port())));
            try {
                assertThat(client.set("greeting", 0, "hello").get()).isTrue();
                assertThat(client.get("greeting")).isEqualTo("hello");
                assertThat(client.add("greeting", 0, "again").get()).isFalse();
                assertThat(client.replace("greeting", 0, "hi").get()).isTrue();
                assertThat(client.replace("missing", 0, "hi").get()).isFalse();
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
                assertThat(client.incr("nothing", 1)).isEqualTo(-1);

                client.set("a", 0, 1).get();
                client.set("b", 0, 2L).get();
                Map<String, Object> bulk = client.getBulk("a", "b", "nope");
                assertThat(bulk).containsOnly(Map.entry("a", 1), Map.entry("b", 2L));

                assertThat(client.set("ttl", 10, "short-lived").get()).isTrue();
                assertThat(client.touch("ttl", 100).get()).isTrue();
                assertThat(client.touch("nope", 100).get()).isFalse();
                server.clock().advance(Duration.ofSeconds(50));
                assertThat(client.get("ttl")).isEqualTo("short-lived");
                if (binary) {
                    assertThat(client.getAndTouch("ttl", 10).getValue()).isEqualTo("short-lived");
                } else {
                    assertThat(client.touch("ttl", 10).get()).isTrue();
                }
                server.clock().advance(Duration.ofSeconds(10));
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
                byte[] incompressible = new byte[2_000_000];
                new java.util.Random(7).nextBytes(incompressible);
                if (binary) {
                    assertThat(client.set("too-large", 0, incompressible).get()).isFalse();
                } else {
                    assertThatThrownBy(() -> client.set("too-large", 0, incompressible).get())
                            .hasMessageContaining("SERVER_ERROR object too large for cache");
                }
                assertThat(client.get("large")).isNotNull();
            } finally {
                client.shutdown(5, TimeUnit.SECONDS);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void xmemcached(boolean binary) throws Exception {
        try (RunningServer server = RunningServer.start()) {
            XMemcachedClientBuilder builder = new XMemcachedClientBuilder(
                    List.of(new InetSocketAddress("127.0.0.1", server.port())));
            builder.setOpTimeout(5000);
            builder.setCommandFactory(binary ? new BinaryCommandFactory() : new TextCommandFactory());
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
                Map<String, GetsResponse<String>> withCas = client.gets(List.of("a", "nope"));
                assertThat(withCas).containsOnlyKeys("a");

                assertThat(client.set("ttl", 10, "short-lived")).isTrue();
                assertThat(client.touch("ttl", 100)).isTrue();
                server.clock().advance(Duration.ofSeconds(99));
                assertThat(client.<String>get("ttl")).isEqualTo("short-lived");
                server.clock().advance(Duration.ofSeconds(1));
                assertThat(client.<String>get("ttl")).isNull();

                assertThat(client.delete("a")).isTrue();
                assertThat(client.delete("a")).isFalse();
                client.setWithNoReply("quiet", 0, "q");
                client.deleteWithNoReply("b");
                assertThat(client.<String>get("quiet")).isEqualTo("q");
                assertThat(client.<String>get("b")).isNull();
                assertThat(client.getVersions().values()).containsOnly(RunningServer.VERSION);
                Map<String, String> stats = client.getStats().values().iterator().next();
                assertThat(stats).containsKeys("curr_items", "total_items", "bytes");
                client.flushAll();
                assertThat(client.<String>get("quiet")).isNull();
            } finally {
                client.shutdown();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void folsom(boolean binary) throws Exception {
        try (RunningServer server = RunningServer.start()) {
            MemcacheClientBuilder<String> builder = MemcacheClientBuilder.newStringClient()
                    .withAddress("127.0.0.1", server.port())
                    .withRequestTimeoutMillis(5000);
            MemcacheClient<String> client = binary ? builder.connectBinary() : builder.connectAscii();
            client.awaitConnected(10, TimeUnit.SECONDS);
            try {
                assertThat(done(client.set("greeting", "hello", 0))).isEqualTo(MemcacheStatus.OK);
                assertThat(done(client.get("greeting"))).isEqualTo("hello");
                // As Folsom reports memcached's answers: binary says why a replace did not store
                assertThat(done(client.add("greeting", "again", 0))).isEqualTo(MemcacheStatus.ITEM_NOT_STORED);
                assertThat(done(client.replace("greeting", "hi", 0))).isEqualTo(MemcacheStatus.OK);
                assertThat(done(client.replace("missing", "hi", 0)))
                        .isEqualTo(binary ? MemcacheStatus.KEY_NOT_FOUND : MemcacheStatus.ITEM_NOT_STORED);
                assertThat(done(client.append("greeting", " there"))).isEqualTo(MemcacheStatus.OK);
                assertThat(done(client.prepend("greeting", "oh, "))).isEqualTo(MemcacheStatus.OK);
                assertThat(done(client.get("greeting"))).isEqualTo("oh, hi there");

                GetResult<String> seen = done(client.casGet("greeting"));
                assertThat(done(client.set("greeting", "changed", 0, seen.getCas()))).isEqualTo(MemcacheStatus.OK);
                assertThat(done(client.set("greeting", "again", 0, seen.getCas()))).isEqualTo(MemcacheStatus.KEY_EXISTS);
                GetResult<String> now = done(client.casGet("greeting"));
                assertThat(done(client.delete("greeting", seen.getCas()))).isEqualTo(MemcacheStatus.KEY_EXISTS);
                assertThat(done(client.delete("greeting", now.getCas()))).isEqualTo(MemcacheStatus.OK);
                assertThat(done(client.get("greeting"))).isNull();

                if (client instanceof BinaryMemcacheClient<String> bin) {
                    assertThat(done(bin.incr("counter", 5, 10, 0))).isEqualTo(10);
                    assertThat(done(bin.incr("counter", 5, 10, 0))).isEqualTo(15);
                    assertThat(done(bin.decr("counter", 20, 0, 0))).isZero();
                    // memcached keeps the length of a number that shrank, padding it with spaces
                    assertThat(done(bin.getAndTouch("counter", 100))).isEqualTo("0 ");
                    assertThat(done(bin.casGetAndTouch("counter", 100)).getValue()).isEqualTo("0 ");
                    done(bin.noop());
                } else if (client instanceof AsciiMemcacheClient<String> ascii) {
                    assertThat(done(client.set("counter", "10", 0))).isEqualTo(MemcacheStatus.OK);
                    assertThat(done(ascii.incr("counter", 5))).isEqualTo(15);
                    assertThat(done(ascii.decr("counter", 20))).isZero();
                    assertThat(done(ascii.incr("nothing", 1))).isNull();
                }

                done(client.set("a", "1", 0));
                done(client.set("b", "2", 0));
                assertThat(done(client.getAsMap(List.of("a", "b", "nope")))).containsOnly(Map.entry("a", "1"), Map.entry("b", "2"));

                assertThat(done(client.set("ttl", "short-lived", 10))).isEqualTo(MemcacheStatus.OK);
                assertThat(done(client.touch("ttl", 100))).isEqualTo(MemcacheStatus.OK);
                assertThat(done(client.touch("nope", 100))).isEqualTo(MemcacheStatus.KEY_NOT_FOUND);
                server.clock().advance(Duration.ofSeconds(99));
                assertThat(done(client.get("ttl"))).isEqualTo("short-lived");
                server.clock().advance(Duration.ofSeconds(1));
                assertThat(done(client.get("ttl"))).isNull();

                assertThat(done(client.getStats(""))).isNotEmpty();
                assertThat(done(client.flushAll(0))).isEqualTo(MemcacheStatus.OK);
                assertThat(done(client.get("a"))).isNull();
            } finally {
                client.shutdown();
                client.awaitDisconnected(10, TimeUnit.SECONDS);
            }
        }
    }

    private static <T> T done(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
