package org.ratmemcache.server;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

import io.netty.buffer.Unpooled;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ratmemcache.core.Key;
import org.ratmemcache.core.StoreMode;
import org.ratmemcache.core.disk.DiskTier;
import org.ratmemcache.core.engine.TieredCache;
import org.ratmemcache.core.engine.TieredCacheBuilder;
import org.ratmemcache.storage.rocksdb.RocksDbSettings;
import org.ratmemcache.storage.rocksdb.RocksDbTier;
import org.ratmemcache.testing.Reads;
import org.ratmemcache.core.memory.Eviction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * While a command waits for the disk, the connection reads on until it holds
 * {@link ConnectionHandler#HELD_INPUT_LIMIT} bytes of input, then stops reading until the disk
 * answers; every request is answered in order either way.
 */
class DiskWaitReadingTest {

    @TempDir
    Path dataDir;

    /** The disk tier, with reads that wait until the test opens the gate. */
    private static DiskTier gated(DiskTier disk, CountDownLatch gate) {
        return (DiskTier) Proxy.newProxyInstance(DiskTier.class.getClassLoader(), new Class<?>[] {DiskTier.class}, (proxy, method, args) -> {
            if (method.getName().equals("read")) {
                gate.await();
            }
            try {
                return method.invoke(disk, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        });
    }

    @Test
    void aDiskWaitStopsReadingOnlyOnceEnoughInputIsHeld() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        // lru, so that storing "hot" pushes "cold" to disk
        TieredCacheBuilder settings = TieredCache.builder().eviction(Eviction.LRU).maxEntries(1)
                .disk(gated(RocksDbTier.open(RocksDbSettings.defaults(dataDir)), gate));
        try (ConnectionHarness harness = new ConnectionHarness(settings)) {
            harness.cache.store(StoreMode.SET, Key.of("cold"), 0, 0, "c".getBytes(StandardCharsets.US_ASCII), 0).join();
            harness.cache.store(StoreMode.SET, Key.of("hot"), 0, 0, "h".getBytes(StandardCharsets.US_ASCII), 0).join();
            await().until(() -> Reads.writeBackQueue(harness.cache.view()) == 0 && harness.cache.memory().get(Key.of("cold"), false) == null);
            assertThat(harness.cache.memory().get(Key.of("hot"), false)).as("hot stays in memory").isNotNull();

            harness.channel.writeInbound(Unpooled.copiedBuffer("get cold\r\n", StandardCharsets.US_ASCII));
            assertThat(harness.channel.pipeline().get(ConnectionHandler.class).idle()).as("waiting for the disk").isFalse();
            assertThat(harness.channel.config().isAutoRead()).as("one request in flight: reading goes on").isTrue();

            String pipelined = "get hot\r\n".repeat(ConnectionHandler.HELD_INPUT_LIMIT / "get hot\r\n".length() + 1);
            harness.channel.writeInbound(Unpooled.copiedBuffer(pipelined, StandardCharsets.US_ASCII));
            assertThat(harness.channel.config().isAutoRead()).as("more than the limit held: reading stops").isFalse();

            gate.countDown();
            String replies = harness.replies();
            assertThat(replies).startsWith("VALUE cold 0 1\r\nc\r\nEND\r\nVALUE hot 0 1\r\nh\r\nEND\r\n");
            assertThat(replies.split("VALUE hot", -1)).hasSize(pipelined.length() / "get hot\r\n".length() + 1);
            assertThat(harness.channel.config().isAutoRead()).as("answered: reading again").isTrue();
        }
    }
}
