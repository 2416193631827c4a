package org.ratmemcache.server;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.ratmemcache.core.engine.TieredCacheBuilder;
import org.ratmemcache.testing.ManualClock;
import org.ratmemcache.testing.MemcachedProcess;
import org.ratmemcache.testing.Reads;
import org.ratmemcache.testing.RunningServer;
import org.ratmemcache.testing.TextClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The admin commands where what they do matters, not only their replies (which the differential
 * transcripts compare with memcached's): the crawler, the dumps over both tiers, cachedump,
 * cache_memlimit, shutdown. memcached's dumps cannot be a transcript's peer: it drops the requests
 * pipelined behind a metadump.
 */
class AdminCommandsTest {

    /** A sweeper thread, as the packaged server has, that sweeps only when asked within the test. */
    private static final UnaryOperator<TieredCacheBuilder> CRAWLER = b -> b.sweepInterval(Duration.ofHours(1));
    private static final long START = ManualClock.START.getEpochSecond();

    @TempDir
    Path dataDir;

    @Test
    void theCrawlerSweepsWhenAskedAndPausesAndResumes() {
        try (RunningServer server = RunningServer.start(CRAWLER); TextClient c = new TextClient(server.port())) {
            c.send("set soon 0 10 1\r\nx\r\n").expect("STORED\r\n");
            server.clock().advance(Duration.ofSeconds(11));
            c.send("lru_crawler crawl 99\r\n").expect("BADCLASS invalid class id\r\n");
            c.send("lru_crawler crawl 1,2\r\n").expect("OK\r\n");
            await().until(() -> server.cache().view().stats().crawlerReclaimed.sum() == 1);
            c.send("lru_crawler enable\r\n").expect("ERROR failed to start lru crawler thread\r\n");
            c.send("lru_crawler disable\r\n").expect("OK\r\n");
            c.send("lru_crawler crawl all\r\n").expect("CLIENT_ERROR lru crawler disabled\r\n");
            c.send("lru_crawler metadump all\r\n").expect("CLIENT_ERROR lru crawler disabled\r\n");
            c.send("stats settings\r\nversion\r\n");
            assertThat(c.readUntilVersion()).contains("STAT lru_crawler no\r\n");
            c.send("lru_crawler disable\r\n").expect("OK\r\n");
            c.send("lru_crawler enable\r\n").expect("OK\r\n");
            c.send("lru_crawler crawl all\r\n").expect("OK\r\n");
        }
    }

    @Test
    void metadumpListsEveryLiveItemWithMemcachedsFieldsAndTheConnectionGoesOn() {
        try (RunningServer server = RunningServer.start(CRAWLER); TextClient c = new TextClient(server.port())) {
            c.send("set a:1 5 0 1\r\nx\r\n").expect("STORED\r\n");
            server.clock().advance(Duration.ofSeconds(3));
            c.send("set b%20c 0 1000 2\r\nyy\r\nset gone 0 1 1\r\nz\r\n").expect("STORED\r\nSTORED\r\n");
            c.send("get a:1\r\n").expect("VALUE a:1 5 1\r\nx\r\nEND\r\n");
            server.clock().advance(Duration.ofSeconds(2));
            String dump = "key=a%3A1 exp=-1 la=" + (START + 3) + " cas=1 fetch=yes cls=1 size=67\n"
                    + "key=b%2520c exp=" + (START + 1003) + " la=" + (START + 3) + " cas=2 fetch=no cls=1 size=66\n"
                    + "END\r\n";
            // pipelined: memcached would drop the version; here it is answered after the dump
            c.send("lru_crawler metadump all\r\nversion\r\n").expect(dump + "VERSION " + RunningServer.VERSION + "\r\n");
            c.send("lru_crawler metadump hash\r\n").expect(dump);
            c.send("lru_crawler metadump 1,2\r\n").expect(dump);
            c.send("lru_crawler metadump 2\r\n").expect("END\r\n");
            c.send("lru_crawler metadump 0\r\n").expect("BADCLASS invalid class id\r\n");
            c.send("lru_crawler mgdump all\r\n").expect("mg a:1\r\nmg b%20c\r\nEN\r\n");
            c.send("ms " + "YmluAHJ5" + " 1 b\r\nv\r\n").expect("HD\r\n");
            c.send("lru_crawler mgdump 1\r\n").expect("mg a:1\r\nmg b%20c\r\nmg YmluAHJ5 b\r\nEN\r\n");
        }
    }

    @Test
    void dumpsListBothTiersAPageAtATime() {
        int items = ItemDump.PAGE * 2 + 17;
        try (RunningServer server = RunningServer.startWithDisk(dataDir, 3, false, CRAWLER);
                TextClient c = new TextClient(server.port())) {
            StringBuilder sets = new StringBuilder();
            for (int i = 0; i < items; i++) {
                sets.append("set k").append(String.format("%05d", i)).append(" 0 0 1 noreply\r\nv\r\n");
            }
            c.send(sets.toString()).send("version\r\n").readUntilVersion();
            await().until(() -> Reads.writeBackQueue(server.cache().view()) == 0);
            c.send("lru_crawler mgdump all\r\n");
            StringBuilder expected = new StringBuilder();
            for (int i = 0; i < items; i++) {
                expected.append("mg k").append(String.format("%05d", i)).append("\r\n");
            }
            c.expect(expected.append("EN\r\n").toString());
            await().until(() -> server.cache().memory().items() <= 3); // the evictor runs on its own thread
        }
    }

    @Test
    void cachedumpListsMemoryMostRecentlyUsedFirstWithinItsLimit() {
        try (RunningServer server = RunningServer.start(); TextClient c = new TextClient(server.port())) {
            c.send("set one 0 0 1\r\nx\r\nset two 0 100 22\r\n" + "y".repeat(22) + "\r\nset three 0 1 1\r\nz\r\n")
                    .expect("STORED\r\nSTORED\r\nSTORED\r\n");
            server.clock().advance(Duration.ofSeconds(1)); // recency counts to the second, as memcached's clock
            c.send("get one\r\n").expect("VALUE one 0 1\r\nx\r\nEND\r\n");
            server.clock().advance(Duration.ofSeconds(1));
            c.send("stats cachedump 1 0\r\n").expect("ITEM one [1 b; 0 s]\r\nITEM two [22 b; " + (START + 100) + " s]\r\nEND\r\n");
            c.send("stats cachedump 1 1\r\n").expect("ITEM one [1 b; 0 s]\r\nEND\r\n");
            c.send("stats cachedump 2 0\r\n").expect("END\r\n");
        }
    }

    @Test
    void dashXRefusesEveryDump() {
        ServerSettings noDumps = new ServerSettings("127.0.0.1", 0, 1, 1024, Duration.ZERO, "test", true)
                .withCommands(new CommandPolicy(':', false, false, true, true));
        try (RunningServer server = RunningServer.start(CRAWLER, noDumps); TextClient c = new TextClient(server.port())) {
            c.send("stats cachedump 1 0\r\n").expect("CLIENT_ERROR stats cachedump not allowed\r\n");
            c.send("lru_crawler metadump all\r\n").expect("ERROR metadump not allowed\r\n");
            c.send("lru_crawler mgdump all\r\n").expect("ERROR mgdump not allowed\r\n");
            assertThat(c.send("stats settings\r\nversion\r\n").readUntilVersion()).contains("STAT dump_enabled no\r\n");
        }
    }

    @Test
    void dashWAndDashFRefuseWatchAndFlushAsMemcachedDoes() throws Exception {
        ServerSettings refusing = new ServerSettings("127.0.0.1", 0, 1, 1024, Duration.ZERO, "test", true)
                .withCommands(new CommandPolicy(':', false, true, false, false));
        List<String> ours = new ArrayList<>();
        List<String> memcached = new ArrayList<>();
        String[] requests = {"flush_all\r\n", "flush_all 10 noreply\r\nversion\r\n", "watch\r\n"};
        try (RunningServer server = RunningServer.start(refusing); TextClient c = new TextClient(server.port());
                MemcachedProcess reference = MemcachedProcess.start("-W", "-F");
                TextClient m = new TextClient(reference.port())) {
            for (String request : requests) {
                ours.add(c.send(request).readLine());
                memcached.add(m.send(request).readLine().replace("VERSION 1.6.18", "VERSION test"));
            }
            assertThat(c.send("stats settings\r\nversion\r\n").readUntilVersion()).contains("STAT flush_enabled no\r\n");
            c.send("set k 0 0 1\r\nx\r\n").expect("STORED\r\n");
            try (TextClient binary = new TextClient(server.port())) {
                byte[] flush = {(byte) 0x80, 0x08, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
                assertThat(binary.send(flush).read(24 + 13)).as("binary Flush: an auth error, as memcached -F answers")
                        .startsWith("\u0081\u0008").endsWith("Auth failure.");
            }
            c.send("get k\r\n").expect("VALUE k 0 1\r\nx\r\nEND\r\n");
        }
        assertThat(ours).containsExactlyElementsOf(memcached).containsExactly("CLIENT_ERROR flush_all not allowed",
                "VERSION test", "CLIENT_ERROR watch commands not allowed");
    }

    @Test
    void cacheMemlimitShrinksMemoryAtOnceAndGrowsBackNoFurtherThanItStarted() {
        try (RunningServer server = RunningServer.start(); TextClient c = new TextClient(server.port())) {
            String value = "v".repeat(100_000);
            StringBuilder sets = new StringBuilder();
            for (int i = 0; i < 300; i++) {
                sets.append("set big").append(i).append(" 0 0 ").append(value.length()).append(" noreply\r\n").append(value).append("\r\n");
            }
            c.send(sets.toString()).send("version\r\n").readUntilVersion();
            assertThat(server.cache().memory().bytes()).isGreaterThan(20L << 20);
            c.send("cache_memlimit 8\r\n").expect("OK\r\n");
            assertThat(server.cache().memory().bytes()).isLessThanOrEqualTo(8L << 20);
            c.send("stats settings\r\nversion\r\n");
            assertThat(c.readUntilVersion()).contains("STAT maxbytes " + (8L << 20) + "\r\n");
            c.send("cache_memlimit 65\r\n").expect("MEMLIMIT_ADJUST_FAILED out of bounds or unable to adjust\r\n");
            c.send("cache_memlimit 64\r\n").expect("OK\r\n");
        }
    }

    @Test
    void shutdownWithDashAClosesTheConnectionAndStopsTheServerGracefully() {
        ServerSettings dashA = new ServerSettings("127.0.0.1", 0, 1, 1024, Duration.ZERO, "test", true)
                .withCommands(new CommandPolicy(':', true, true, true, true));
        try (RunningServer server = RunningServer.start(dashA)) {
            AtomicReference<Boolean> asked = new AtomicReference<>();
            server.server().onShutdownCommand(asked::set);
            try (TextClient c = new TextClient(server.port())) {
                c.send("shutdown bogus\r\n").expect("CLIENT_ERROR invalid shutdown mode\r\n");
                c.send("stats settings\r\nversion\r\n");
                assertThat(c.readUntilVersion()).contains("STAT shutdown_command yes\r\n");
                assertThat(c.send("shutdown graceful\r\n").readUntilClosed()).isEmpty();
            }
            assertThat(asked.get()).isTrue();
            try (TextClient c = new TextClient(server.port())) {
                assertThat(c.send("shutdown\r\n").readUntilClosed()).isEmpty();
            }
            assertThat(asked.get()).isFalse();
        }
    }
}
