package org.ratmemcache.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.ratmemcache.testing.RespClient;
import org.ratmemcache.testing.RunningServer;
import org.ratmemcache.testing.TextClient;

/**
 * One keyspace, two protocols: the rules the README states, each held to here on one server
 * that speaks both, with a memcached text client and a Redis client side by side.
 */
class CrossProtocolTest {

    private RunningServer server;
    private TextClient memcached;
    private RespClient redis;

    @BeforeEach
    void start() {
        server = RunningServer.start(RunningServer.withResp());
        memcached = new TextClient(server.port());
        redis = new RespClient(server.respPort());
    }

    @AfterEach
    void stop() {
        memcached.close();
        redis.close();
        server.close();
    }

    private String mc(String command) {
        return memcached.send(command + "\r\nversion\r\n").readUntilVersion().replaceAll("VERSION [^\r]*\r\n$", "");
    }

    @Test
    void aKeySetByEitherProtocolIsReadByTheOther() {
        assertThat(mc("set fromMc 7 0 5\r\nhello")).isEqualTo("STORED\r\n");
        assertThat(redis.call("GET", "fromMc")).isEqualTo("$5\r\nhello\r\n");
        assertThat(redis.call("TYPE", "fromMc")).isEqualTo("+string\r\n");

        assertThat(redis.call("SET", "fromRedis", "world")).isEqualTo("+OK\r\n");
        assertThat(mc("get fromRedis")).as("a Redis SET stores client flags 0").isEqualTo("VALUE fromRedis 0 5\r\nworld\r\nEND\r\n");
    }

    @Test
    void everyWriteOfEitherProtocolGivesANewCas() {
        mc("set k 0 0 1\r\na");
        long first = cas(mc("gets k"));
        redis.call("SET", "k", "b");
        long second = cas(mc("gets k"));
        redis.call("EXPIRE", "k", "100");
        long third = cas(mc("gets k"));
        redis.call("APPEND", "k", "c");
        long fourth = cas(mc("gets k"));

        assertThat(second).isGreaterThan(first);
        assertThat(third).isGreaterThan(second);
        assertThat(fourth).isGreaterThan(third);
    }

    @Test
    void renameCopyAndMoveKeepTheClientFlags() {
        mc("set src 42 0 1\r\nv");
        redis.call("RENAME", "src", "renamed");
        redis.call("COPY", "renamed", "copied");
        assertThat(mc("get renamed copied")).isEqualTo("VALUE renamed 42 1\r\nv\r\nVALUE copied 42 1\r\nv\r\nEND\r\n");

        redis.call("MOVE", "copied", "2");
        redis.call("SELECT", "2");
        redis.call("MOVE", "copied", "0");
        assertThat(mc("get copied")).isEqualTo("VALUE copied 42 1\r\nv\r\nEND\r\n");
    }

    @Test
    void expiryIsOneMillisecondClockForBothProtocols() {
        redis.call("SET", "t", "v", "PX", "1500");
        assertThat(mc("mg t t")).as("memcached's TTL of a 1.5 s expiry").isEqualTo("HD t2\r\n");
        server.clock().advance(Duration.ofMillis(1499));
        assertThat(mc("get t")).isEqualTo("VALUE t 0 1\r\nv\r\nEND\r\n");
        server.clock().advance(Duration.ofMillis(1));
        assertThat(mc("get t")).isEqualTo("END\r\n");

        mc("set m 0 10 1\r\nv");
        assertThat(redis.call("PTTL", "m")).isEqualTo(":10000\r\n");
    }

    @Test
    void incrKeepsEachProtocolsRulesOnTheSameBytes() {
        mc("set n 0 0 1\r\n5");
        assertThat(mc("incr n 1")).isEqualTo("6\r\n");
        assertThat(redis.call("INCRBY", "n", "-10")).isEqualTo(":-4\r\n");
        assertThat(mc("incr n 1")).as("memcached's numbers are unsigned")
                .isEqualTo("CLIENT_ERROR cannot increment or decrement non-numeric value\r\n");
        assertThat(redis.call("GET", "n")).isEqualTo("$2\r\n-4\r\n");

        mc("set big 0 0 20\r\n18446744073709551615");
        assertThat(redis.call("INCR", "big")).as("beyond Redis's signed range").isEqualTo("-ERR value is not an integer or out of range\r\n");
        assertThat(mc("incr big 1")).as("memcached wraps").isEqualTo("0\r\n");
        assertThat(redis.call("GET", "big")).as("memcached's incr pads a shorter number with spaces, as memcached does")
                .isEqualTo("$20\r\n0" + " ".repeat(19) + "\r\n");
        assertThat(redis.call("INCR", "big")).isEqualTo("-ERR value is not an integer or out of range\r\n");

        redis.call("SET", "r", "9223372036854775807");
        assertThat(redis.call("INCR", "r")).isEqualTo("-ERR increment or decrement would overflow\r\n");
        assertThat(mc("incr r 1")).as("within memcached's unsigned range").isEqualTo("9223372036854775808\r\n");
    }

    @Test
    void memcachedSeesDatabaseZeroAndItsFlushEmptiesOnlyThat() {
        redis.call("SET", "k", "zero");
        redis.call("SELECT", "3");
        redis.call("SET", "k", "three");
        assertThat(mc("get k")).isEqualTo("VALUE k 0 4\r\nzero\r\nEND\r\n");

        assertThat(mc("flush_all")).isEqualTo("OK\r\n");
        assertThat(redis.call("GET", "k")).as("database 3").isEqualTo("$5\r\nthree\r\n");
        redis.call("SELECT", "0");
        assertThat(redis.call("GET", "k")).isEqualTo("$-1\r\n");

        mc("set k 0 0 1\r\nm");
        redis.call("SELECT", "3");
        assertThat(redis.call("FLUSHDB")).isEqualTo("+OK\r\n");
        assertThat(redis.call("GET", "k")).isEqualTo("$-1\r\n");
        assertThat(mc("get k")).as("FLUSHDB in database 3").isEqualTo("VALUE k 0 1\r\nm\r\nEND\r\n");
        assertThat(redis.call("FLUSHALL")).isEqualTo("+OK\r\n");
        assertThat(mc("get k")).isEqualTo("END\r\n");
    }

    @Test
    void keysLongerThanMemcachedsExistForRedisOnly() {
        String longKey = "k".repeat(300);
        assertThat(redis.call("SET", longKey, "v")).isEqualTo("+OK\r\n");
        assertThat(redis.call("GET", longKey)).isEqualTo("$1\r\nv\r\n");
        assertThat(mc("get " + longKey)).startsWith("CLIENT_ERROR");
        assertThat(redis.call("SET", "k".repeat(70_000), "v")).isEqualTo(
                "-ERR key too long: 70000 bytes, the longest a key may be is 65535\r\n");
    }

    @Test
    void aKeyWithASpaceIsRedisToTheTextProtocolButNotToMetasBase64() {
        redis.call("SET", "a b", "spaced");
        // "a b" in base64 is YSBi
        assertThat(mc("mg YSBi b v")).isEqualTo("VA 6\r\nspaced\r\n");
        assertThat(mc("get a b")).as("the text protocol reads two keys").isEqualTo("END\r\n");
    }

    @Test
    void statsCountEachProtocolsCommandsAndConnections() {
        mc("set a 0 0 1\r\nx");
        redis.call("SET", "a", "y");
        redis.call("GET", "a");
        redis.call("DEL", "a", "b");
        try (RespClient second = new RespClient(server.respPort())) {
            second.call("PING");
            String stats = mc("stats");
            assertThat(stats).contains("STAT cmd_resp 4\r\n", "STAT resp_curr_connections 2\r\n",
                    "STAT resp_total_connections 2\r\n", "STAT curr_connections 1\r\n", "STAT cmd_binary 0\r\n");
            assertThat(stats).as("set, version, then stats itself").contains("STAT cmd_text 3\r\n");
            assertThat(stats).as("a Redis write is an item stored").contains("STAT total_items 2\r\n");
        }

        String info = redis.call("INFO", "stats");
        assertThat(info).contains("total_connections_received:2\r\n", "total_commands_processed:5\r\n",
                "rejected_connections:0\r\n");
        await().untilAsserted(() -> assertThat(redis.call("INFO", "clients")).as("once the second has gone")
                .contains("connected_clients:1\r\n"));
    }

    private static long cas(String gets) {
        String header = gets.substring(0, gets.indexOf("\r\n"));
        return Long.parseLong(header.substring(header.lastIndexOf(' ') + 1));
    }
}
