package org.ratmemcache.server;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import net.rubyeye.xmemcached.MemcachedClient;
import net.rubyeye.xmemcached.XMemcachedClientBuilder;
import net.rubyeye.xmemcached.impl.KetamaMemcachedSessionLocator;
import net.spy.memcached.AddrUtil;
import net.spy.memcached.KetamaConnectionFactory;
import net.spy.memcached.MemcachedNode;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.ratmemcache.testing.RunningServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Java clients' consistent hashing, configured as the README says (spymemcached's
 * KetamaConnectionFactory, xmemcached's KetamaMemcachedSessionLocator), over three servers: the
 * keys spread over all of them, each on one, and each reads back.
 */
class KetamaClientsTest {

    private static final int KEYS = 300;

    private List<RunningServer> servers;

    @BeforeEach
    void start() {
        servers = Stream.generate(RunningServer::start).limit(3).toList();
    }

    @AfterEach
    void stop() {
        servers.forEach(RunningServer::close);
    }

    @Test
    void spymemcachedWithKetama() throws Exception {
        String addresses = String.join(" ", servers.stream().map(server -> "127.0.0.1:" + server.port()).toList());
        net.spy.memcached.MemcachedClient client = new net.spy.memcached.MemcachedClient(new KetamaConnectionFactory(),
                AddrUtil.getAddresses(addresses));
        try {
            // the factory's failure mode redistributes: a key whose node is still connecting would be
            // written to the next node, and read from its own once connected
            await().until(() -> client.getNodeLocator().getAll().stream().allMatch(MemcachedNode::isActive));
            for (int i = 0; i < KEYS; i++) {
                assertThat(client.set("ketama-" + i, 0, "value-" + i).get(5, TimeUnit.SECONDS)).isTrue();
            }
            for (int i = 0; i < KEYS; i++) {
                assertThat(client.get("ketama-" + i)).isEqualTo("value-" + i);
            }
        } finally {
            client.shutdown(5, TimeUnit.SECONDS);
        }
        assertSpreadOverAll();
    }

    @Test
    void xmemcachedWithKetama() throws Exception {
        XMemcachedClientBuilder builder = new XMemcachedClientBuilder(
                servers.stream().map(server -> new InetSocketAddress("127.0.0.1", server.port())).toList());
        builder.setSessionLocator(new KetamaMemcachedSessionLocator());
        builder.setOpTimeout(5000);
        MemcachedClient client = builder.build();
        try {
            for (int i = 0; i < KEYS; i++) {
                assertThat(client.set("ketama-" + i, 0, "value-" + i)).isTrue();
            }
            for (int i = 0; i < KEYS; i++) {
                assertThat(client.<String>get("ketama-" + i)).isEqualTo("value-" + i);
            }
        } finally {
            client.shutdown();
        }
        assertSpreadOverAll();
    }

    private void assertSpreadOverAll() {
        long total = 0;
        for (RunningServer server : servers) {
            long held = server.cache().view().itemCount();
            assertThat(held).as("keys on the server on port %d", server.port()).isPositive();
            total += held;
        }
        assertThat(total).as("each key on one server").isEqualTo(KEYS);
    }
}
