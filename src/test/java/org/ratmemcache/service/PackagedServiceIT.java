package org.ratmemcache.service;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;

import org.junit.jupiter.api.Test;
import org.ratmemcache.testing.TextClient;

import static org.assertj.core.api.Assertions.assertThat;

/** The packaged application, started as a user starts it, checked as a user checks it. */
@QuarkusIntegrationTest
@WithTestResource(FreeMemcachedPort.class)
class PackagedServiceIT {

    @FreeMemcachedPort.Port
    int port;

    @Test
    void answersTheReadmesFirstCommand() {
        try (TextClient client = new TextClient(port)) {
            client.send("set a 0 0 1\r\nx\r\nget a\r\nquit\r\n");
            assertThat(client.readUntilClosed()).isEqualTo("STORED\r\nVALUE a 0 1\r\nx\r\nEND\r\n");
        }
    }

    @Test
    void passesEveryAsciiTestOfLibmemcachedsMemccapable() throws Exception {
        Path memccapable = Path.of("/usr/bin/memccapable");
        assertThat(memccapable).as("memccapable from Debian's libmemcached-tools: apt-get install libmemcached-tools")
                .isExecutable();
        Process process = new ProcessBuilder(memccapable.toString(), "-a", "-h", "127.0.0.1", "-p", Integer.toString(port))
                .redirectErrorStream(true).start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String report = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        Files.writeString(Path.of("target", "memccapable-ascii.txt"), report);
        assertThat(report).contains("ascii set ", "ascii cas ", "ascii incr ", "ascii stat ").contains("All tests passed");
        assertThat(report).doesNotContain("[fail]");
        assertThat(process.exitValue()).isZero();
    }
}
