package org.ratmemcache.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ratmemcache.core.disk.DiskTier;
import org.ratmemcache.core.memory.EvictorThread;
import org.ratmemcache.testing.DiskStores;
import org.ratmemcache.testing.Reads;
import org.ratmemcache.testing.RespClient;
import org.ratmemcache.testing.RunningServer;

/**
 * A client that sends a command and goes at once, while the command waits for its key to be read
 * from disk: the command reads its arguments in place from the connection's request, which must
 * outlive the connection until the command is done. Each such INCRBY still counts, and the server
 * goes on serving.
 */
class RespDepartureTest {

    private static final int KEYS = 60;

    @TempDir
    Path dataDir;

    @Test
    void aCommandWaitingForTheDiskCompletesAfterItsClientHasGone() throws Exception {
        DiskTier disk = DiskStores.LOG.open(dataDir, false);
        try (RunningServer server = RunningServer.start(cache -> cache.maxEntries(3).evictorThread(EvictorThread.CALLER)
                .disk(disk).writeBackLimits(100_000, 64L << 20, Duration.ofMillis(1)), RunningServer.withResp());
                RespClient redis = new RespClient(server.respPort())) {
            for (int k = 0; k < KEYS; k++) {
                assertThat(redis.call("SET", "counter" + k, "10")).isEqualTo("+OK\r\n");
            }
            await().until(() -> {
                server.cache().memory().evictNow();
                return server.cache().memory().items() <= 3 && Reads.writeBackQueue(server.cache().view()) == 0;
            });
            long diskReads = server.cache().view().stats().l2Hits.sum();

            for (int k = 0; k < KEYS; k++) {
                sendAndGo(server.respPort(), "INCRBY counter" + k + " 7\r\n");
            }

            await().untilAsserted(() -> {
                for (int k = 0; k < KEYS; k++) {
                    assertThat(redis.call("GET", "counter" + k)).as("counter%d", k).isEqualTo("$2\r\n17\r\n");
                }
            });
            assertThat(server.cache().view().stats().l2Hits.sum() - diskReads).as("commands that read from disk")
                    .isGreaterThanOrEqualTo(KEYS - 3);
        }
    }

    private static void sendAndGo(int port, String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }
    }
}
