package org.ratmemcache.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.ratmemcache.core.Key;
import org.ratmemcache.core.disk.DiskItem;
import org.ratmemcache.core.disk.DiskTier;
import org.ratmemcache.core.engine.TieredCache;
import org.ratmemcache.server.MemcachedServer;
import org.ratmemcache.server.ServerSettings;
import org.ratmemcache.testing.DiskStores;
import org.ratmemcache.testing.Reads;
import org.ratmemcache.testing.Tmpfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * The server over a disk that fills up, for each write policy: four connections store 60 KB values
 * until the tmpfs under L2 is full and the server refuses them, while a fifth reads. Every request
 * is answered within the bound (STORED, or SERVER_ERROR once the disk refuses), reads go on, writes
 * work again once space is freed, and every write that was answered STORED is on disk after a
 * restart. Needs root to mount the tmpfs, as CI has; skipped elsewhere, with the reason.
 */
class FullDiskRepliesTest {

    private static final Duration WRITE_TIMEOUT = Duration.ofMillis(500);
    /** The bound the test holds every reply to: the timeout, the deadline check and a loaded machine's slack. */
    private static final Duration REPLY_BOUND = Duration.ofSeconds(2);
    private static final int VALUE_BYTES = 60 * 1024;
    /**
     * Each writer goes on until the disk has refused it a few times: how much fits before that
     * depends on the store's own overhead and, in write-back, on how far the queue is drained when
     * the disk fills. The cap (4 × 24 MB, far beyond the 18 MB free plus the 8 MiB queue) only ends
     * a run that is never refused, which the test then fails.
     */
    private static final int MOST_WRITES = 400;
    private static final int REFUSALS_ENOUGH = 5;

    @TempDir
    Path scratch;

    private Path mount;
    private TieredCache cache;
    private MemcachedServer server;

    @AfterEach
    void unmount() throws Exception {
        if (server != null) {
            server.stop(Duration.ofSeconds(5));
        }
        if (cache != null) {
            cache.close();
        }
        if (mount != null) {
            Tmpfs.unmount(mount);
        }
    }

    @ParameterizedTest(name = "{1}, write-through {0}")
    @CsvSource({"true, LOG", "false, LOG", "true, ROCKSDB", "false, ROCKSDB"})
    void everyRequestIsAnsweredWithinTheBoundAndNothingAcknowledgedIsLost(boolean writeThrough, DiskStores store) throws Exception {
        assumeThat(Tmpfs.mountable()).as("mounting a tmpfs needs root").isTrue();
        mount = scratch.resolve("disk");
        assumeThat(Tmpfs.mount(mount, "24m")).as("mount -t tmpfs (root, but no mount permission here)").isZero();
        Path data = mount.resolve("l2");
        cache = TieredCache.builder().sweepInterval(Duration.ZERO).disk(store.open(data, false)).writeThrough(writeThrough)
                .writeBackLimits(1000, 8L << 20, Duration.ofMillis(200)).writeTimeout(WRITE_TIMEOUT).build();
        server = new MemcachedServer(new ServerSettings("127.0.0.1", 0, 2, 64, Duration.ZERO, "test", true), cache, cache.view());
        server.start();
        int port = server.address().getPort();
        try (Connection reader = new Connection(port)) {
            assertThat(reader.ask(set("hot", "still here".getBytes(StandardCharsets.US_ASCII)))).isEqualTo("STORED");
        }
        Path filler = mount.resolve("filler");
        Tmpfs.fill(filler, 6L << 20);

        Map<String, byte[]> acknowledged = new ConcurrentHashMap<>();
        AtomicInteger refused = new AtomicInteger();
        AtomicBoolean writing = new AtomicBoolean(true);
        ExecutorService clients = Executors.newFixedThreadPool(5);
        List<Future<?>> writers = new ArrayList<>();
        for (int c = 0; c < 4; c++) {
            int id = c;
            writers.add(clients.submit(() -> {
                Random random = new Random(id);
                int refusedHere = 0;
                try (Connection connection = new Connection(port)) {
                    for (int i = 0; i < MOST_WRITES && refusedHere < REFUSALS_ENOUGH; i++) {
                        String key = "c" + id + "-" + i;
                        byte[] value = new byte[VALUE_BYTES];
                        random.nextBytes(value);
                        String reply = connection.ask(set(key, value));
                        if (reply.equals("STORED")) {
                            acknowledged.put(key, value);
                        } else {
                            assertThat(reply).isEqualTo("SERVER_ERROR disk tier failure");
                            refused.incrementAndGet();
                            refusedHere++;
                        }
                    }
                }
                return null;
            }));
        }
        Future<?> reads = clients.submit(() -> {
            try (Connection connection = new Connection(port)) {
                while (writing.get()) {
                    assertThat(connection.ask("get hot\r\n")).as("reads go on").isEqualTo("VALUE hot 0 10");
                    assertThat(connection.line()).isEqualTo("still here");
                    assertThat(connection.line()).isEqualTo("END");
                }
            }
            return null;
        });
        for (Future<?> writer : writers) {
            writer.get(5, TimeUnit.MINUTES);
        }
        writing.set(false);
        reads.get(1, TimeUnit.MINUTES);
        clients.shutdown();
        assertThat(refused.get()).as("writes refused once the disk was full").isPositive();
        assertThat(acknowledged).as("writes stored before it was").isNotEmpty();

        // Space returns: the filler goes, and the file system grows, since what write-back
        // acknowledged (up to its queue's 8 MiB beyond what the disk held) and RocksDB's WAL and
        // flushes beside it can need more than the filler's share.
        Files.delete(filler);
        assertThat(Tmpfs.remount(mount, "size=96m")).as("grow the tmpfs").isZero();
        try (Connection connection = new Connection(port)) {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> connection.ask(set("after", "ok".getBytes(StandardCharsets.US_ASCII))).equals("STORED"));
        }
        // recovered: in write-back a STORED may still be queued, so wait until the tier has reopened
        // and written every acknowledged change before stopping (a stop between two reopen attempts
        // would find the tier closed)
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> Reads.writeBackQueue(cache.view()) == 0 && Reads.diskFailure(cache.view()) == null);
        server.stop(Duration.ofSeconds(5));
        server = null;
        cache.close();
        cache = null;
        try (DiskTier reopened = store.open(data, false)) {
            for (Map.Entry<String, byte[]> stored : acknowledged.entrySet()) {
                DiskItem item = reopened.read(Key.of(stored.getKey()));
                assertThat(item).as("%s, answered STORED, on disk after a restart", stored.getKey()).isNotNull();
                assertThat(item.value()).isEqualTo(stored.getValue());
            }
            assertThat(reopened.read(Key.of("after"))).isNotNull();
        }
    }

    private static byte[] set(String key, byte[] value) {
        byte[] header = ("set " + key + " 0 0 " + value.length + "\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] request = new byte[header.length + value.length + 2];
        System.arraycopy(header, 0, request, 0, header.length);
        System.arraycopy(value, 0, request, header.length, value.length);
        request[request.length - 2] = '\r';
        request[request.length - 1] = '\n';
        return request;
    }

    /** A client connection whose every reply line must come within the bound. */
    private static final class Connection implements AutoCloseable {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;

        Connection(int port) throws IOException {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout((int) REPLY_BOUND.toMillis() * 5); // a hang fails the read, not the build's clock
            in = socket.getInputStream();
            out = socket.getOutputStream();
        }

        String ask(byte[] request) throws IOException {
            out.write(request);
            out.flush();
            long sent = System.nanoTime();
            String reply = line();
            assertThat(Duration.ofNanos(System.nanoTime() - sent)).as("the reply %s", reply).isLessThanOrEqualTo(REPLY_BOUND);
            return reply;
        }

        String ask(String request) throws IOException {
            return ask(request.getBytes(StandardCharsets.US_ASCII));
        }

        String line() throws IOException {
            StringBuilder line = new StringBuilder();
            for (int b = in.read(); b != '\n'; b = in.read()) {
                if (b < 0) {
                    throw new IOException("closed after " + line);
                }
                if (b != '\r') {
                    line.append((char) b);
                }
            }
            return line.toString();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
