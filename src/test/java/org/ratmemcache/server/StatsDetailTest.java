package org.ratmemcache.server;

import java.time.Duration;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

import org.ratmemcache.core.Key;
import org.ratmemcache.core.engine.TieredCache;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * stats detail, as memcached's t/stats-detail.t and t/binary.t use it; the differential
 * transcripts compare the same commands with memcached's replies, this test the dump's content in
 * both protocols and what memcached leaves unbounded.
 */
class StatsDetailTest {

    private static final int SET = 0x01, GET = 0x00, STAT = 0x10;

    @Test
    void countsGetsHitsSetsAndDeletesPerPrefixAsMemcachedsOwnTestExpects() {
        try (ConnectionHarness c = new ConnectionHarness()) {
            assertThat(c.exchange("stats detail dump\r\n")).isEqualTo("END\r\n");
            assertThat(c.exchange("stats detail on\r\n")).isEqualTo("OK\r\n");
            c.exchange("set foo:123 0 0 6\r\nfooval\r\n");
            assertThat(c.exchange("stats detail dump\r\n")).isEqualTo("PREFIX foo get 0 hit 0 set 1 del 0\r\nEND\r\n");
            c.exchange("get foo:123\r\n");
            assertThat(c.exchange("stats detail dump\r\n")).isEqualTo("PREFIX foo get 1 hit 1 set 1 del 0\r\nEND\r\n");
            c.exchange("get foo:124\r\n");
            assertThat(c.exchange("stats detail dump\r\n")).isEqualTo("PREFIX foo get 2 hit 1 set 1 del 0\r\nEND\r\n");
            assertThat(c.exchange("delete foo:125\r\n")).isEqualTo("NOT_FOUND\r\n");
            assertThat(c.exchange("stats detail dump\r\n")).isEqualTo("PREFIX foo get 2 hit 1 set 1 del 1\r\nEND\r\n");
            assertThat(c.exchange("stats reset\r\nstats detail dump\r\n")).isEqualTo("RESET\r\nEND\r\n");
            c.exchange("get foo:123\r\n");
            assertThat(c.exchange("stats detail dump\r\n")).isEqualTo("PREFIX foo get 1 hit 1 set 0 del 0\r\nEND\r\n");
            assertThat(c.exchange("stats detail off\r\n")).isEqualTo("OK\r\n");
            c.exchange("get foo:124\r\nget foo:123\r\n");
            assertThat(c.exchange("stats detail dump\r\n")).isEqualTo("PREFIX foo get 1 hit 1 set 0 del 0\r\nEND\r\n");
        }
    }

    @Test
    void aSetTooLargeToStoreIsCountedAsMemcachedCountsItBeforeReadingTheValue() {
        try (ConnectionHarness c = new ConnectionHarness(TieredCache.builder().itemSizeMax(1024))) {
            c.exchange("stats detail on\r\n");
            assertThat(c.exchange("set big:1 0 0 2000\r\n" + "x".repeat(2000) + "\r\n"))
                    .isEqualTo("SERVER_ERROR object too large for cache\r\n");
            assertThat(c.exchange("stats detail dump\r\n")).isEqualTo("PREFIX big get 0 hit 0 set 1 del 0\r\nEND\r\n");
        }
    }

    @Test
    void theDelimiterIsMemcachedsDashD() {
        ServerSettings dots = new ServerSettings("127.0.0.1", 0, 1, 1024, Duration.ZERO, "test", true)
                .withCommands(new CommandPolicy('.', false, true, true, true));
        try (ConnectionHarness c = new ConnectionHarness(TieredCache.builder(), dots)) {
            c.exchange("stats detail on\r\nset user.1 0 0 1\r\nx\r\nset user:2 0 0 1\r\nx\r\n");
            assertThat(c.exchange("stats detail dump\r\n")).isEqualTo("PREFIX user get 0 hit 0 set 1 del 0\r\nEND\r\n");
            assertThat(c.exchange("stats settings\r\n")).contains("STAT stat_key_prefix .\r\n", "STAT detail_enabled yes\r\n");
        }
    }

    @Test
    void theBinaryDumpIsOnePacketOfTheTextLinesThenTheEmptyOne() {
        try (ConnectionHarness c = new ConnectionHarness()) {
            c.exchange(BinaryVectorsTest.request(STAT, 1, 0, "", "detail on", ""));
            c.exchange(BinaryVectorsTest.request(SET, 2, 0, "0000000000000000", "b:1", "v"),
                    BinaryVectorsTest.request(GET, 3, 0, "", "b:1", ""), BinaryVectorsTest.request(GET, 4, 0, "", "b:2", ""));
            byte[] dump = c.exchangeBytes(BinaryVectorsTest.request(STAT, 5, 0, "", "detail dump", ""));
            byte[] expected = concat(BinaryVectorsTest.response(STAT, 0, 5, 0, "", "detailed",
                    "PREFIX b get 2 hit 1 set 1 del 0\r\nEND\r\n"), BinaryVectorsTest.response(STAT, 0, 5, 0, "", "", ""));
            assertThat(dump).isEqualTo(expected);
        }
    }

    @Test
    void prefixesPastTheBoundAreNotTracked() {
        PrefixStats stats = new PrefixStats(':');
        stats.enable(true);
        for (int i = 0; i <= PrefixStats.MAX_PREFIXES; i++) {
            stats.recordSet(Key.of("p" + i + ":x"));
        }
        stats.recordSet(Key.of("p0:y"));
        String dump = stats.dump();
        assertThat(dump.lines().count()).isEqualTo(PrefixStats.MAX_PREFIXES + 1);
        assertThat(dump).contains("PREFIX p0 get 0 hit 0 set 2 del 0\r\n")
                .doesNotContain("PREFIX p" + PrefixStats.MAX_PREFIXES + " ");
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }
}
