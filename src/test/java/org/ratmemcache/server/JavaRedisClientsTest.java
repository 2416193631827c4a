package org.ratmemcache.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import io.lettuce.core.KeyValue;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.SetArgs;
import io.lettuce.core.TransactionResult;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.ratmemcache.testing.RunningServer;

import redis.clients.jedis.AbstractTransaction;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.params.SetParams;

/**
 * Java's Redis clients, unchanged, running an application's cache operations against the RESP
 * port, each through a URL with a database number: Jedis 8's RedisClient (which speaks RESP3),
 * its legacy Jedis class (RESP2), and Lettuce 7 with its defaults (RESP3 through HELLO).
 */
class JavaRedisClientsTest {

    private RunningServer server;
    private String url;

    @BeforeEach
    void start() {
        server = RunningServer.start(RunningServer.withResp());
        url = "redis://127.0.0.1:" + server.respPort() + "/1";
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void jedisRedisClient() {
        try (RedisClient redis = RedisClient.create(url)) {
            assertThat(redis.set("session:1", "alice", SetParams.setParams().ex(60))).isEqualTo("OK");
            assertThat(redis.get("session:1")).isEqualTo("alice");
            assertThat(redis.ttl("session:1")).isEqualTo(60);
            redis.mset("a", "1", "b", "2");
            assertThat(redis.mget("a", "b", "missing")).containsExactly("1", "2", null);
            assertThat(redis.incr("counter")).isEqualTo(1);
            assertThat(redis.incrBy("counter", 5)).isEqualTo(6);
            assertThat(redis.del("a", "b")).isEqualTo(2);
            assertThat(redis.scan("0", new ScanParams().match("*").count(100)).getResult())
                    .containsExactlyInAnyOrder("session:1", "counter");
            try (AbstractTransaction transaction = redis.multi()) {
                transaction.set("p", "1");
                transaction.incr("p");
                transaction.get("p");
                assertThat(transaction.exec()).containsExactly("OK", 2L, "2");
            }
            assertThat(redis.dbSize()).isEqualTo(3);
        }
    }

    @Test
    void jedisLegacyClassWithWatch() {
        try (Jedis jedis = new Jedis(java.net.URI.create(url))) {
            jedis.set("counter", "6");
            jedis.watch("counter");
            int value = Integer.parseInt(jedis.get("counter"));
            var transaction = jedis.multi();
            transaction.set("counter", Integer.toString(value + 1));
            assertThat(transaction.exec()).containsExactly("OK");
            assertThat(jedis.get("counter")).isEqualTo("7");

            jedis.watch("counter");
            try (Jedis other = new Jedis(java.net.URI.create(url))) {
                other.set("counter", "changed");
            }
            var doomed = jedis.multi();
            doomed.set("counter", "8");
            assertThat(doomed.exec()).as("a watched key changed: EXEC runs nothing").isNull();
            assertThat(jedis.get("counter")).isEqualTo("changed");
        }
    }

    @Test
    void lettuceWithItsDefaults() {
        // its protocol defaults (RESP3 through HELLO); Java's NIO, since its native transports want
        // Netty 4.2's event loops and this project is on Quarkus' Netty 4.1
        System.setProperty("io.lettuce.core.epoll", "false");
        System.setProperty("io.lettuce.core.iouring", "false");
        io.lettuce.core.RedisClient client = io.lettuce.core.RedisClient.create(url);
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            RedisCommands<String, String> redis = connection.sync();
            assertThat(redis.set("session:1", "alice", SetArgs.Builder.ex(60))).isEqualTo("OK");
            assertThat(redis.get("session:1")).isEqualTo("alice");
            assertThat(redis.ttl("session:1")).isEqualTo(60);
            redis.mset(java.util.Map.of("a", "1", "b", "2"));
            assertThat(redis.mget("a", "b", "missing")).containsExactly(KeyValue.just("a", "1"), KeyValue.just("b", "2"),
                    KeyValue.empty("missing"));
            assertThat(redis.incr("counter")).isEqualTo(1);
            assertThat(redis.del("a", "b")).isEqualTo(2);
            assertThat(redis.scan(ScanArgs.Builder.limit(100)).getKeys()).containsExactlyInAnyOrder("session:1", "counter");
            redis.watch("counter");
            redis.multi();
            redis.incr("counter");
            redis.get("counter");
            TransactionResult result = redis.exec();
            assertThat(result.wasDiscarded()).isFalse();
            assertThat(List.of(result.get(0), result.get(1))).containsExactly(2L, "2");
        } finally {
            client.shutdown();
        }
    }
}
