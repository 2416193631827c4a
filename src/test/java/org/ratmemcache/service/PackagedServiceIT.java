package org.ratmemcache.service;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;

import org.junit.jupiter.api.Test;
import org.ratmemcache.testing.Memccapable;
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
        Memccapable.assertPasses("-a", port, "memccapable-ascii.txt");
    }

    @Test
    void passesEveryBinaryTestOfLibmemcachedsMemccapable() throws Exception {
        Memccapable.assertPasses("-b", port, "memccapable-binary.txt");
    }
}
