package org.ratmemcache.service;

import java.util.Map;

import jakarta.inject.Inject;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

import org.junit.jupiter.api.Test;
import org.ratmemcache.server.MemcachedServer;
import org.ratmemcache.testing.TextClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Another profile makes Quarkus stop the application and start a new one in the same JVM, as a
 * dev-mode reload does: the old server must have released its port and threads.
 */
@QuarkusTest
@TestProfile(ProfileRestartTest.SmallCache.class)
class ProfileRestartTest {

    public static class SmallCache implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("ratmemcache.l1.max-memory", "2m", "ratmemcache.server.io-threads", "1",
                    "ratmemcache.server.max-connections", "3", "ratmemcache.server.item-size-max", "512k");
        }
    }

    @Inject
    MemcachedServer server;

    @Test
    void startsWithTheProfilesSettings() {
        try (TextClient client = new TextClient(server.address().getPort())) {
            client.send("stats settings\r\n").expect("STAT maxbytes 2097152\r\nSTAT maxconns 3\r\n");
            String rest = client.send("version\r\n").readUntilVersion();
            assertThat(rest).contains("STAT num_threads 1\r\n").contains("STAT item_size_max 524288\r\n");
        }
    }
}
