package org.ratmemcache.service;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ratmemcache.testing.LaunchedServer;
import org.ratmemcache.testing.Ports;
import org.ratmemcache.testing.TextClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * The distribution for plain hosts, as a user gets it: the tar.gz and the zip that {@code ./mvnw
 * package} builds hold the same files, the tar.gz unpacks with an executable launcher, and the
 * server starts from it with {@code bin/ratmemcache -p PORT -m 64}.
 */
class DistributionIT {

    private static final Path TARGET = Path.of("target");

    @TempDir
    static Path unpacked;

    static Path home;

    @BeforeAll
    static void unpack() throws Exception {
        Path archive = only("-dist.tar.gz");
        Process tar = new ProcessBuilder("tar", "-xzf", archive.toAbsolutePath().toString(), "-C", unpacked.toString())
                .redirectErrorStream(true).start();
        assertThat(tar.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(tar.exitValue()).as(new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
        try (Stream<Path> top = Files.list(unpacked)) {
            home = top.collect(Collectors.toList()).getFirst();
        }
    }

    @Test
    void theTarAndTheZipHoldTheSameFilesAndNothingOfThisMachines() throws Exception {
        Process list = new ProcessBuilder("tar", "-tzf", only("-dist.tar.gz").toAbsolutePath().toString()).start();
        Set<String> inTar = new String(list.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines()
                .filter(name -> !name.endsWith("/")).collect(Collectors.toCollection(TreeSet::new));
        assertThat(list.waitFor(60, TimeUnit.SECONDS)).isTrue();
        Set<String> inZip;
        try (ZipFile zip = new ZipFile(only("-dist.zip").toFile())) {
            inZip = zip.stream().filter(entry -> !entry.isDirectory()).map(ZipEntry::getName)
                    .collect(Collectors.toCollection(TreeSet::new));
        }
        assertThat(inZip).isEqualTo(inTar);
        String base = home.getFileName() + "/";
        assertThat(inTar).contains(base + "bin/ratmemcache", base + "bin/ratmemcache.cmd", base + "quarkus-app/quarkus-run.jar",
                base + "ratmemcache.toml", base + "README.txt", base + "systemd/ratmemcache.service",
                base + "windows/ratmemcache-service.xml");
        assertThat(inTar).as("what a start leaves in quarkus-app").noneMatch(name -> name.contains("/native/") || name.endsWith(".jsa"));
        assertThat(home.resolve("bin/ratmemcache")).isExecutable();
        assertThat(Files.readString(home.resolve("README.txt"))).doesNotContain("${").contains("Windows service");
        assertThat(Files.readString(home.resolve("bin/ratmemcache.cmd"))).as("Windows line endings").contains("\r\n");
    }

    @Test
    void rocksDbsLibraryShipsForWindowsMacOsAndLinux() throws Exception {
        Path lib = home.resolve("quarkus-app/lib/main");
        Path rocksdb;
        try (Stream<Path> jars = Files.list(lib)) {
            rocksdb = jars.filter(jar -> jar.getFileName().toString().startsWith("org.rocksdb.rocksdbjni-")).findFirst().orElseThrow();
        }
        try (ZipFile jar = new ZipFile(rocksdb.toFile())) {
            assertThat(jar.stream().map(ZipEntry::getName).toList()).contains("librocksdbjni-win64.dll",
                    "librocksdbjni-osx-x86_64.jnilib", "librocksdbjni-osx-arm64.jnilib", "librocksdbjni-linux64.so",
                    "librocksdbjni-linux-aarch64.so");
        }
    }

    @Test
    void startsFromTheUnpackedArchiveWithMemcachedsFlags() throws Exception {
        int port = Ports.free();
        try (LaunchedServer server = start("-p", Integer.toString(port), "-m", "64", "-l", "127.0.0.1").awaitServing(port)) {
            try (TextClient client = new TextClient(port)) {
                client.send("set unpacked 0 0 2\r\nok\r\nget unpacked\r\nstats settings\r\nversion\r\n");
                assertThat(client.readUntilVersion()).startsWith("STORED\r\nVALUE unpacked 0 2\r\nok\r\nEND\r\n")
                        .contains("STAT maxbytes " + (64 << 20) + "\r\n");
            }
            server.stop();
            assertThat(home.resolve("data/l2")).as("L2 in the working directory").isDirectory();
        }
    }

    @Test
    void theSampleSettingsFileSizesTheCacheAndTheHeap() throws Exception {
        int port = Ports.free();
        try (LaunchedServer server = start("--config", "ratmemcache.toml", "-p", Integer.toString(port), "-l", "127.0.0.1")
                .awaitServing(port)) {
            try (TextClient client = new TextClient(port)) {
                client.send("stats settings\r\nversion\r\n");
                assertThat(client.readUntilVersion()).contains("STAT maxbytes " + (1024L << 20) + "\r\n");
            }
            // max_memory_mb = 1024: the heap of -m 1024, as the launcher derives it
            assertThat(server.jvmArguments()).contains("-Xmx192m");
            assertThat(server.log()).doesNotContain("not a known key");
        }
    }

    @Test
    void theSystemdUnitIsValid() throws Exception {
        Path analyze = Path.of("/usr/bin/systemd-analyze");
        assumeThat(analyze).as("systemd-analyze, to check the unit").isExecutable();
        Path unit = unpacked.resolve("ratmemcache.service");
        Files.writeString(unit, Files.readString(home.resolve("systemd/ratmemcache.service"))
                .replace("/opt/ratmemcache", home.toString()));
        Process verify = new ProcessBuilder(analyze.toString(), "verify", unit.toString()).redirectErrorStream(true).start();
        String output = new String(verify.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(verify.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(output).as("what systemd-analyze finds wrong").isEmpty();
        assertThat(verify.exitValue()).isZero();
        assertThat(Files.readString(unit)).contains("SuccessExitStatus=143");
    }

    private static LaunchedServer start(String... flags) {
        return LaunchedServer.start(home.resolve("bin/ratmemcache"), home, Map.of(), flags);
    }

    private static Path only(String suffix) throws IOException {
        try (Stream<Path> files = Files.list(TARGET)) {
            List<Path> found = files.filter(path -> path.getFileName().toString().endsWith(suffix)).toList();
            assertThat(found).as("target/*" + suffix + ", built by ./mvnw package").hasSize(1);
            return found.getFirst();
        }
    }
}
