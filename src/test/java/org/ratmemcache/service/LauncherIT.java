package org.ratmemcache.service;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ratmemcache.testing.LaunchedServer;
import org.ratmemcache.testing.Ports;
import org.ratmemcache.testing.TextClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code target/bin/ratmemcache}, the way the README says to run the packaged server: memcached's
 * flags reach the server, the heap follows -m (or a memory limit), the collector and flags are the
 * launcher's, and JAVA_OPTS comes last. It {@code exec}s the JVM, so the launcher's process is the
 * server's.
 */
class LauncherIT {

    private static final Path LAUNCHER = Path.of("target", "bin", "ratmemcache");
    private static final Path OLD_JDK = Path.of("/usr/lib/jvm/java-17-openjdk-amd64");

    @TempDir
    Path dir;

    private LaunchedServer launch(Map<String, String> environment, String... flags) {
        Map<String, String> settings = new HashMap<>();
        settings.put("JAVA_OPTS", "-Dquarkus.http.port=0 -Dquarkus.management.port=0 -Dratmemcache.l2.data-dir=" + dir.resolve("l2"));
        settings.putAll(environment);
        return LaunchedServer.start(LAUNCHER, dir, settings, flags);
    }

    private static String settings(int port) {
        try (TextClient client = new TextClient(port)) {
            client.send("stats settings\r\nversion\r\n");
            return client.readUntilVersion();
        }
    }

    @Test
    void startsTheServerWithMemcachedsFlagsOnAHeapSizedFromM() throws Exception {
        int port = Ports.free();
        // on the RocksDB store, which loads RocksDB's native library (the log store needs none)
        try (LaunchedServer server = launch(Map.of("RATMEMCACHE_L2_STORE", "rocksdb"), "-p", Integer.toString(port), "-l",
                "127.0.0.1", "-m", "48", "-c", "100", "-t", "2").awaitServing(port)) {
            assertThat(settings(port)).contains("STAT maxbytes 50331648\r\n", "STAT maxconns 100\r\n",
                    "STAT tcpport " + port + "\r\n", "STAT num_threads 2\r\n");
            List<String> jvm = server.jvmArguments();
            // the items live off the heap: 128 MB for the server and a 12 MB write-back queue (48 / 4)
            assertThat(jvm).contains("-Xms140m", "-Xmx140m", "-XX:MaxDirectMemorySize=128m", "-XX:+UseZGC",
                    "-XX:+UseCompactObjectHeaders", "-Dio.netty.leakDetection.level=disabled");
            assertThat(jvm.indexOf("-Dquarkus.http.port=0")).as("JAVA_OPTS after the launcher's options")
                    .isGreaterThan(jvm.indexOf("-Xmx140m"));
            Path nativeDir = LAUNCHER.toAbsolutePath().getParent().resolveSibling("quarkus-app").resolve("native");
            assertThat(jvm).contains("-Djava.library.path=" + nativeDir);
            try (var kept = Files.list(nativeDir)) {
                assertThat(kept.map(p -> p.getFileName().toString())).as("RocksDB's library, kept for the next start")
                        .anyMatch(name -> name.startsWith("librocksdbjni") && !name.endsWith(".source"));
            }
            server.stop();
            assertThat(server.log()).as("the JVM's own complaints: class data sharing, native access")
                    .doesNotContain("[error]", "[warning]", "restricted method");
        }
    }

    @Test
    void ratmemcacheHeapReplacesTheDerivedHeapAndTheClassArchiveIsWrittenAtExit() throws Exception {
        int port = Ports.free();
        Path archive = dir.resolve("cds").resolve("ratmemcache.jsa");
        Files.createDirectories(archive.getParent());
        try (LaunchedServer server = launch(Map.of("RATMEMCACHE_HEAP", "300m", "RATMEMCACHE_CDS_ARCHIVE", archive.toString()),
                "-p", Integer.toString(port), "-l", "127.0.0.1").awaitServing(port)) {
            assertThat(server.jvmArguments())
                    .contains("-Xms300m", "-Xmx300m", "-XX:+AutoCreateSharedArchive", "-XX:SharedArchiveFile=" + archive);
            server.stop();
            assertThat(archive).as("the class-data archive, written as the JVM exits").isNotEmptyFile();
        }
    }

    @Test
    void withoutMTheCacheIsTheLargestThatFitsInTheMemoryLimit() {
        int port = Ports.free();
        try (LaunchedServer server = launch(Map.of("RATMEMCACHE_MEMORY_LIMIT", "512"), "-p", Integer.toString(port), "-l",
                "127.0.0.1").awaitServing(port)) {
            // -m 93: 93 MiB of items and 11 of index, a 151 MiB heap (128 + a 23 MiB queue),
            // RocksDB's 23 + 2 x 11 MiB, 128 MiB of Netty's buffers at most and 96 for the JVM make
            // 512; -m 94 would need 513
            assertThat(settings(port)).contains("STAT maxbytes " + 93 * 1024 * 1024 + "\r\n");
            assertThat(server.jvmArguments()).contains("-Xmx151m");
            assertThat(server.log()).contains("ratmemcache: -m 93, the most that fits in the memory limit of 512 MiB");
        }
    }

    @Test
    void theMemorySettingSizesTheHeapAndACacheTooLargeForTheLimitIsReported() {
        int port = Ports.free();
        try (LaunchedServer server = launch(Map.of("RATMEMCACHE_L1_MAX_MEMORY", "1g", "RATMEMCACHE_MEMORY_LIMIT", "1024"),
                "-p", Integer.toString(port), "-l", "127.0.0.1").awaitServing(port)) {
            assertThat(settings(port)).contains("STAT maxbytes " + (1L << 30) + "\r\n");
            assertThat(server.jvmArguments()).contains("-Xmx192m").doesNotContain("-m");
            assertThat(server.log()).contains("ratmemcache: -m 1024 needs about 1824 MiB, more than the memory limit of 1024 MiB");
        }
    }

    /**
     * Items over 1m pass through heap arrays on their way to and from disk, and through a direct
     * buffer on their way out: a 300 MiB value at -I 1024m took the server down with a heap of
     * 192 MiB. The heap may grow by three items and the direct buffers by one.
     */
    @Test
    void itemsOverAMebibyteGetRoomOnTheHeapAndInDirectBuffers() {
        int port = Ports.free();
        try (LaunchedServer server = launch(Map.of(), "-p", Integer.toString(port), "-l", "127.0.0.1", "-m", "48", "-I", "64m")
                .awaitServing(port)) {
            assertThat(settings(port)).contains("STAT item_size_max " + (64 << 20) + "\r\n");
            assertThat(server.jvmArguments()).contains("-Xms140m", "-Xmx332m", "-XX:MaxDirectMemorySize=192m");
        }
    }

    @Test
    void servesAUnixSocketAndSeveralAddressesAsMemcachedsFlagsSay() throws Exception {
        Path socket = dir.resolve("memcached.sock");
        try (LaunchedServer server = launch(Map.of(), "-s", socket.toString(), "-a", "770")) {
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                assertThat(server.log()).doesNotContain("ERROR");
                try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
                    channel.write(ByteBuffer.wrap("version\r\n".getBytes(StandardCharsets.US_ASCII)));
                    ByteBuffer reply = ByteBuffer.allocate(64);
                    channel.read(reply);
                    return new String(reply.array(), 0, reply.position(), StandardCharsets.US_ASCII).startsWith("VERSION ");
                } catch (IOException notYet) {
                    return false;
                }
            });
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket))).isEqualTo("rwxrwx---");
            // the socket answers a moment before the startup line is logged
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(server.log())
                    .contains("RatMemCache serving memcached (text, meta, binary) on unix:" + socket + " ["));
            server.stop();
        }
        int first = Ports.free();
        int second = Ports.free();
        try (LaunchedServer server = launch(Map.of(), "-l", "127.0.0.1:" + first + ",[::1]:" + second).awaitServing(first)) {
            try (SocketChannel channel = SocketChannel.open(new InetSocketAddress("::1", second))) {
                assertThat(channel.isConnected()).isTrue();
            }
            // this log also holds the first server's startup line: wait for this server's own
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(server.log()).contains("on 127.0.0.1:" + first + ", [::1]:" + second + " ["));
        }
    }

    @Test
    void refusesAJavaOlderThan21() {
        assumeThat(OLD_JDK.resolve("bin/java")).as("a JDK 17 to try, as Debian 12 installs it").isExecutable();
        try (LaunchedServer launcher = launch(Map.of("JAVA_HOME", OLD_JDK.toString()), "-p", Integer.toString(Ports.free()))) {
            await().until(() -> launcher.log().contains("is Java 17; RatMemCache needs Java 25 or newer"));
            assertThat(launcher.exitCode()).isEqualTo(69);
        }
    }
}
