package org.ratmemcache.service;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ratmemcache.testing.Ports;
import org.ratmemcache.testing.TextClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The packaged jar started the way memcached is started: memcached's flags, Debian's conf, a bad flag, bad settings. */
class CommandLineIT {

    private static final Path LOGS = Path.of("target", "command-line-it");

    @TempDir
    Path dir;

    private static String settingsOf(int port) {
        try (TextClient client = new TextClient(port)) {
            client.send("stats settings\r\nversion\r\n");
            return client.readUntilVersion();
        }
    }

    @Test
    void startsLikeMemcachedWithPortAndMemoryFlags() throws Exception {
        int port = Ports.free();
        try (ApplicationProcess app = ApplicationProcess.startWithArgs(LOGS.resolve("flags.log"), port,
                "-p", Integer.toString(port), "-m", "64", "-c", "100", "-t", "3", "-I", "2m", "-U", "0")) {
            assertThat(settingsOf(port)).contains("STAT maxbytes 67108864\r\n", "STAT maxconns 100\r\n",
                    "STAT tcpport " + port + "\r\n", "STAT num_threads 3\r\n", "STAT item_size_max 2097152\r\n");
            // the summary is logged just after the port opens: wait for it
            await().untilAsserted(() -> assertThat(ApplicationProcess.output(LOGS.resolve("flags.log")))
                    .contains("RatMemCache serving memcached (text, meta, binary) on 127.0.0.1:" + port)
                    .contains("L1 64m hybrid"));
        }
    }

    @Test
    void debiansMemcachedConfStartsItAndThePidFileComesAndGoes() throws Exception {
        int port = Ports.free();
        Path pidFile = dir.resolve("memcached.pid");
        Path log = LOGS.resolve("debian.log");
        Files.deleteIfExists(log);
        try (ApplicationProcess app = ApplicationProcess.startWithArgs(log, port,
                "-d", "-u", "memcache", "-P", pidFile.toString(), "-l", "127.0.0.1", "-p", Integer.toString(port), "-m", "64")) {
            assertThat(Files.readString(pidFile).strip()).isEqualTo(Long.toString(app.pid()));
            await().untilAsserted(() -> assertThat(ApplicationProcess.output(log))
                    .contains("-d ignored: a JVM does not daemonise itself")
                    .contains("-u memcache ignored"));
            assertThat(app.stop()).as("exit code after SIGTERM").isIn(0, 143);
        }
        assertThat(pidFile).doesNotExist();
    }

    @Test
    void theTomlFileSetsWhatItMaps() throws Exception {
        int port = Ports.free();
        Path toml = dir.resolve("ratmemcache.toml");
        Files.writeString(toml, """
                [cache]
                max_memory_mb = 48
                eviction_strategy = "LFU"
                [melange_db]
                data_dir = "%s"
                [performance]
                worker_threads = 2
                [unknown]
                x = 1
                """.formatted(dir.resolve("l2")));
        Path log = LOGS.resolve("toml.log");
        Files.deleteIfExists(log);
        try (ApplicationProcess app = ApplicationProcess.startWithArgs(log, port,
                "--bind", "127.0.0.1:" + port, "--config", toml.toString())) {
            assertThat(settingsOf(port)).contains("STAT maxbytes 50331648\r\n", "STAT num_threads 2\r\n", "STAT eviction_policy lfu\r\n");
            assertThat(dir.resolve("l2")).isDirectory();
            await().untilAsserted(() -> assertThat(ApplicationProcess.output(log)).contains("[unknown] x is not a known key; ignored"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"lru", "lfu", "fifo", "hybrid"})
    void everyEvictionPolicyIsASettingThatStatsSettingsNames(String policy) throws Exception {
        try (ApplicationProcess app = ApplicationProcess.start(LOGS.resolve("eviction-" + policy + ".log"),
                "ratmemcache.l1.eviction=" + policy)) {
            assertThat(settingsOf(app.port())).contains("STAT eviction_policy " + policy + "\r\n");
        }
    }

    @Test
    void flagsOutrankSystemPropertiesAndTheTomlFile() throws Exception {
        int port = Ports.free();
        Path toml = dir.resolve("ratmemcache.toml");
        Files.writeString(toml, "[cache]\nmax_memory_mb = 48\n[performance]\nworker_threads = 2\n");
        // ApplicationProcess passes -Dratmemcache.server.port=<another port>: -p wins over it.
        try (ApplicationProcess app = ApplicationProcess.startWithArgs(LOGS.resolve("precedence.log"), port,
                "--config", toml.toString(), "-p", Integer.toString(port), "-m", "32")) {
            assertThat(settingsOf(port)).contains("STAT maxbytes 33554432\r\n", "STAT num_threads 2\r\n");
        }
    }

    @Test
    void logsAreJsonWhenSwitchedOn() throws Exception {
        Path log = LOGS.resolve("json.log");
        Files.deleteIfExists(log);
        try (ApplicationProcess app = ApplicationProcess.start(log, "quarkus.log.console.json.enabled=true",
                "ratmemcache.l2.data-dir=" + dir.resolve("l2"))) {
            await().untilAsserted(() -> assertThat(ApplicationProcess.output(log).lines().filter(line -> line.startsWith("{")))
                    .anySatisfy(line -> assertThat(line).contains("\"loggerName\":\"org.ratmemcache.server.ServerLifecycle\"",
                            "\"level\":\"INFO\"", "\"message\":\"RatMemCache serving memcached (text, meta, binary) on 127.0.0.1:")));
        }
    }

    @Test
    void anUnknownFlagPrintsUsageAndExits64() throws Exception {
        ApplicationProcess.Failed failed = ApplicationProcess.startFailingWithArgs(LOGS.resolve("unknown.log"), "--no-such-flag");
        assertThat(failed.exitCode()).isEqualTo(64);
        assertThat(failed.output()).contains("Unknown option: '--no-such-flag'").contains("Usage: ratmemcache");
    }

    @Test
    void helpPrintsUsageAndExits0() throws Exception {
        ApplicationProcess.Failed help = ApplicationProcess.startFailingWithArgs(LOGS.resolve("help.log"), "-h");
        assertThat(help.exitCode()).isZero();
        assertThat(help.output()).contains("Usage: ratmemcache").contains("-p, --port=NUM");
    }

    @Test
    void badSettingsStopStartupWithOneLineNamingTheKey() throws Exception {
        assertOneLine(ApplicationProcess.startFailing(LOGS.resolve("eviction.log"), "ratmemcache.l1.eviction=sometimes"),
                "ratmemcache.l1.eviction");
        assertOneLine(ApplicationProcess.startFailing(LOGS.resolve("size.log"), "ratmemcache.l1.max-memory=-5m"),
                "ratmemcache.l1.max-memory");
        Path file = Files.writeString(dir.resolve("a-file"), "not a directory");
        assertOneLine(ApplicationProcess.startFailing(LOGS.resolve("data-dir.log"), "ratmemcache.l2.data-dir=" + file.resolve("l2")),
                "ratmemcache.l2.data-dir");
        assertOneLine(ApplicationProcess.startFailingWithArgs(LOGS.resolve("tls.log"), "-Z"),
                "ratmemcache.server.tls.certificate-chain: TLS is on (-Z): give the certificate chain");
        Path users = Files.writeString(dir.resolve("users"), "nocolon\n");
        assertOneLine(ApplicationProcess.startFailingWithArgs(LOGS.resolve("auth.log"), "-Y", users.toString()),
                "ratmemcache.server.auth.ascii-file: " + users + " line 1: expected user:password");
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            assertOneLine(ApplicationProcess.startFailingWithArgs(LOGS.resolve("port.log"), "-p", Integer.toString(taken.getLocalPort())),
                    "ratmemcache.server.port: cannot listen on 127.0.0.1:" + taken.getLocalPort());
        }
    }

    private static void assertOneLine(ApplicationProcess.Failed failed, String expected) {
        assertThat(failed.exitCode()).as(failed.output()).isNotZero();
        assertThat(failed.output().lines().filter(line -> line.startsWith("ratmemcache: cannot start: ")))
                .as(failed.output()).singleElement().asString().contains(expected);
        assertThat(failed.output()).as("no stack trace").doesNotContain("\tat ").doesNotContain("Exception in thread");
    }
}
