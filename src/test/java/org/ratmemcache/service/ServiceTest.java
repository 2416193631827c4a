package org.ratmemcache.service;

import jakarta.inject.Inject;

import io.quarkus.test.junit.QuarkusTest;

import org.junit.jupiter.api.Test;
import org.ratmemcache.server.MemcachedServer;
import org.ratmemcache.testing.TextClient;

import static org.assertj.core.api.Assertions.assertThat;

/** The Quarkus application: configuration in, memcached protocol out. */
@QuarkusTest
class ServiceTest {

    @Inject
    MemcachedServer server;

    @Test
    void servesMemcachedOnTheConfiguredAddress() {
        assertThat(server.address().getAddress().isLoopbackAddress()).isTrue();
        try (TextClient client = new TextClient(server.address().getPort())) {
            client.send("set a 0 0 1\r\nx\r\nget a\r\ndelete a\r\n").expect("STORED\r\nVALUE a 0 1\r\nx\r\nEND\r\nDELETED\r\n");
        }
    }

    @Test
    void reportsTheDefaultSettingsInMemcachedsNames() {
        try (TextClient client = new TextClient(server.address().getPort())) {
            client.send("stats settings\r\n")
                    .expect("STAT maxbytes 67108864\r\nSTAT maxconns 1024\r\nSTAT tcpport " + server.address().getPort()
                            + "\r\nSTAT udpport 0\r\nSTAT inter 127.0.0.1\r\n");
            String rest = client.send("version\r\n").readUntilVersion();
            assertThat(rest).contains("STAT item_size_max 1048576\r\n").contains("STAT num_threads ")
                    .endsWith("END\r\nVERSION 1.6.18-ratmemcache-1.0.0-SNAPSHOT\r\n");
        }
    }
}
