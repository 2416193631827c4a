package org.ratmemcache.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ratmemcache.testing.LaunchedServer;
import org.ratmemcache.testing.Ports;

/**
 * Redis's own test suite, five of its files, run in external mode against the packaged server
 * (Redis's {@code tests/} come with Debian's source package of redis 7.0.15, which .ci/run
 * unpacks: README, "Test it"). Tests that need other data types, DEBUG, or a test skipped before
 * them are named in {@code src/test/resources/redis-suite/skip.txt}; every other must pass. The
 * counts per file are written to {@code target/redis-suite/summary.txt}.
 */
class RedisTestSuiteIT {

    static final List<String> FILES = List.of("unit/type/string", "unit/type/incr", "unit/expire", "unit/keyspace", "unit/protocol");

    @TempDir
    Path dir;

    @Test
    void fiveFilesOfRedisOwnSuitePassButForTheSkipList() throws Exception {
        Path tests = redisSource();
        int port = Ports.free();
        int respPort = Ports.free();
        Path skip = Path.of("src/test/resources/redis-suite/skip.txt").toAbsolutePath();
        Map<String, int[]> counts = new LinkedHashMap<>();
        SoftAssertions softly = new SoftAssertions();
        try (LaunchedServer server = LaunchedServer.start(Path.of("target/bin/ratmemcache"), dir,
                Map.of("JAVA_OPTS", "-Dquarkus.http.port=0 -Dquarkus.management.port=0 -Dratmemcache.l2.data-dir=" + dir.resolve("l2")),
                "-p", Integer.toString(port), "-m", "256", "-I", "8m", "--resp-port", Integer.toString(respPort))) {
            server.awaitServing(port);
            for (String file : FILES) {
                String output = run(tests, respPort, skip, file);
                Files.writeString(Files.createDirectories(Path.of("target", "redis-suite")).resolve(file.replace('/', '-') + ".log"), output);
                int[] count = {occurrences(output, "[ok]: "), occurrences(output, "[err]: "), occurrences(output, "[exception]: "),
                    occurrences(output, "[ignore]: ") + occurrences(output, "[skip]: ")};
                counts.put(file, count);
                softly.assertThat(count[1] + count[2]).as("%s: failures (target/redis-suite/)%n%s", file, failures(output)).isZero();
                softly.assertThat(count[0]).as("%s: passed", file).isPositive();
            }
        }
        StringBuilder summary = new StringBuilder();
        counts.forEach((file, count) -> summary.append(String.format("%-18s %3d passed, %d failed, %d exceptions, %d skipped or ignored%n",
                file, count[0], count[1], count[2], count[3])));
        Files.writeString(Path.of("target", "redis-suite", "summary.txt"), summary);
        System.out.print("Redis's test suite against RatMemCache:\n" + summary);
        softly.assertAll();
    }

    /** Where Debian's redis 7.0.15 source tree is: REDIS_SOURCE_DIR, as .ci/run sets it. */
    static Path redisSource() {
        String configured = System.getenv("REDIS_SOURCE_DIR");
        Path tree = Path.of(configured == null ? "target/redis-source/redis-7.0.15" : configured);
        assertThat(tree.resolve("tests/test_helper.tcl"))
                .as("Redis's test suite, from Debian's source package: add a deb-src line for bookworm-security, then "
                        + "`apt-get source redis` and point REDIS_SOURCE_DIR at redis-7.0.15/ (.ci/run does; README, \"Test it\")")
                .exists();
        return tree;
    }

    private static String run(Path tree, int port, Path skip, String file) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("tclsh", "tests/test_helper.tcl", "--host", "127.0.0.1", "--port",
                Integer.toString(port), "--ignore-encoding", "--ignore-digest", "--tags", "-needs:repl -needs:debug",
                "--skipfile", skip.toString(), "--clients", "1", "--single", file));
        Process process = new ProcessBuilder(command).directory(tree.toFile()).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(10, TimeUnit.MINUTES)).as("%s finished", file).isTrue();
        return new String(output, StandardCharsets.UTF_8).replaceAll("\u001b\\[[0-9;]*m", "");
    }

    private static int occurrences(String output, String marker) {
        return (int) output.lines().filter(line -> line.startsWith(marker)).count();
    }

    private static String failures(String output) {
        StringBuilder lines = new StringBuilder();
        List<String> all = output.lines().toList();
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).startsWith("[err]") || all.get(i).startsWith("[exception]")) {
                all.subList(i, Math.min(all.size(), i + 4)).forEach(line -> lines.append(line).append('\n'));
            }
        }
        return lines.toString();
    }
}
