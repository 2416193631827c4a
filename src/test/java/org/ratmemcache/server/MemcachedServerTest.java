package org.ratmemcache.server;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import org.ratmemcache.core.engine.TieredCache;
import org.ratmemcache.testing.RunningServer;
import org.ratmemcache.testing.TextClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The server over real sockets: limits, timeouts, backpressure, shutdown. */
class MemcachedServerTest {

    @Test
    void servesTheTextProtocol() {
        try (RunningServer server = RunningServer.start(); TextClient client = new TextClient(server.port())) {
            client.send("set a 0 0 1\r\nx\r\nget a\r\n").expect("STORED\r\nVALUE a 0 1\r\nx\r\nEND\r\n");
            client.send("version\r\n").expect("VERSION " + RunningServer.VERSION + "\r\n");
        }
    }

    @Test
    void servesOnJavaNioWhereThereIsNoEpoll() {
        try (RunningServer server = RunningServer.startOnNio(); TextClient client = new TextClient(server.port())) {
            client.send("set a 0 0 1\r\nx\r\nget a\r\nstats\r\n").expect("STORED\r\nVALUE a 0 1\r\nx\r\nEND\r\n");
            assertThat(client.send("version\r\n").readUntilVersion()).contains("STAT libevent netty-nio\r\n");
        }
    }

    @Test
    void refusesConnectionsBeyondTheLimitAsMemcachedDoes() {
        try (RunningServer server = RunningServer.start(2, Duration.ZERO);
                TextClient first = new TextClient(server.port());
                TextClient second = new TextClient(server.port())) {
            first.send("version\r\n").expect("VERSION " + RunningServer.VERSION + "\r\n");
            second.send("version\r\n").expect("VERSION " + RunningServer.VERSION + "\r\n");
            try (TextClient third = new TextClient(server.port())) {
                assertThat(third.readUntilClosed()).isEqualTo("ERROR Too many open connections\r\n");
            }
            assertThat(server.server().stats().rejectedConnections()).isEqualTo(1);
            first.close();
            await().until(() -> server.server().stats().currConnections() == 1);
            try (TextClient fourth = new TextClient(server.port())) {
                fourth.send("version\r\n").expect("VERSION " + RunningServer.VERSION + "\r\n");
            }
        }
    }

    @Test
    void closesIdleConnections() {
        try (RunningServer server = RunningServer.start(1024, Duration.ofMillis(200));
                TextClient client = new TextClient(server.port())) {
            client.send("version\r\n").expect("VERSION " + RunningServer.VERSION + "\r\n");
            assertThat(client.isClosedByServer()).isTrue();
        }
    }

    @Test
    void aClientThatStopsReadingIsPausedNotBufferedAndThenServedInFull() {
        int rounds = 4;
        int values = 100;
        try (RunningServer server = RunningServer.start(b -> b.maxMemory(256L << 20));
                TextClient client = new TextClient(server.port())) {
            byte[] value = new byte[100_000];
            Arrays.fill(value, (byte) 'v');
            for (int i = 0; i < values; i++) {
                client.send("set k" + i + " 0 0 " + value.length + " noreply\r\n").send(value).send("\r\n");
            }
            StringBuilder get = new StringBuilder("get");
            for (int i = 0; i < values; i++) {
                get.append(" k").append(i);
            }
            // 40 MB of replies asked for before the client reads a byte of them: more than the
            // socket buffers hold, so the server must stop and wait instead of queueing them all.
            client.send((get + "\r\n").repeat(rounds) + "version\r\n");
            long total = (long) rounds * values * value.length;
            ServerStats stats = server.server().stats();
            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5))
                    .until(() -> stats.bytesWritten() < total / 2);
            for (int round = 0; round < rounds; round++) {
                for (int i = 0; i < values; i++) {
                    client.expect("VALUE k" + i + " 0 100000\r\n");
                    assertThat(client.read(value.length + 2)).isEqualTo(new String(value) + "\r\n");
                }
                client.expect("END\r\n");
            }
            client.expect("VERSION " + RunningServer.VERSION + "\r\n");
        }
    }

    @Test
    void stopsGracefullyAnsweringWhatItHasReadThenClosing() {
        RunningServer server = RunningServer.start();
        try (TextClient client = new TextClient(server.port())) {
            client.send("set k 0 0 1\r\nx\r\n").expect("STORED\r\n");
            String gets = "get k\r\n".repeat(2000);
            client.send(gets);
            long sent = "set k 0 0 1\r\nx\r\n".length() + gets.length();
            await().until(() -> server.server().stats().bytesRead() == sent);
            CompletableFuture<Void> stopping = CompletableFuture.runAsync(server::close);
            assertThat(client.readUntilClosed()).as("every request read is answered, then the stream ends")
                    .isEqualTo("VALUE k 0 1\r\nx\r\nEND\r\n".repeat(2000));
            client.close();
            stopping.join();
        }
    }

    @Test
    void releasesThePortOnStopSoThatANewServerCanBindIt() {
        int port;
        try (RunningServer first = RunningServer.start()) {
            port = first.port();
        }
        TieredCache cache = TieredCache.builder().sweepInterval(Duration.ZERO).build();
        MemcachedServer second = new MemcachedServer(new ServerSettings("127.0.0.1", port, 1, 16, Duration.ZERO, "v", true), cache, cache.view());
        second.start();
        try (TextClient client = new TextClient(port)) {
            client.send("version\r\n").expect("VERSION v\r\n");
        } finally {
            second.stop(Duration.ofSeconds(5));
            cache.close();
        }
    }

    @Test
    void countsConnectionsAndTraffic() {
        try (RunningServer server = RunningServer.start(); TextClient client = new TextClient(server.port())) {
            client.send("set a 0 0 1\r\nx\r\n").expect("STORED\r\n");
            ServerStats stats = server.server().stats();
            assertThat(stats.currConnections()).isEqualTo(1);
            assertThat(stats.totalConnections()).isEqualTo(1);
            assertThat(stats.bytesRead()).isEqualTo("set a 0 0 1\r\nx\r\n".length());
            assertThat(stats.bytesWritten()).isEqualTo("STORED\r\n".length());
            client.send("stats conns\r\n");
            client.expect("STAT 0:addr tcp:127.0.0.1:" + server.port() + "\r\nSTAT 0:state conn_listening\r\n");
        }
    }
}
