package org.ratmemcache.core.engine;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.ratmemcache.core.Arithmetic;
import org.ratmemcache.core.Item;
import org.ratmemcache.core.Key;
import org.ratmemcache.core.Lookup;
import org.ratmemcache.core.MetaGet;
import org.ratmemcache.core.StoreMode;
import org.ratmemcache.core.disk.DiskTier;
import org.ratmemcache.storage.rocksdb.RocksDbSettings;
import org.ratmemcache.storage.rocksdb.RocksDbTier;
import org.ratmemcache.testing.ManualClock;
import org.ratmemcache.testing.Reads;
import org.ratmemcache.core.memory.Eviction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A connection hands the cache lookup keys that point into its own buffer, and reuses that buffer
 * for its next request. A command that has to wait for the disk must still act on the key it was
 * given: the engine copies the key before the command leaves the caller's thread. Here the disk
 * read is held back until the buffer has been overwritten with another key's name.
 */
class ReusedLookupKeyTest {

    private static final String VALUE = "5";

    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock();
    /** Disk reads wait for this. */
    private final CountDownLatch readsMayGo = new CountDownLatch(1);
    private final AtomicInteger readsWaiting = new AtomicInteger();
    private TieredCache cache;

    /** A command under test, and what it must have done to {@code key-a} when it completes. */
    record Case(String name, BiFunction<TieredCache, Key, CompletableFuture<?>> command, String valueAfter) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> commands() {
        return Stream.of(
                new Case("get", (cache, key) -> ((Lookup.Pending) cache.get(key)).item(), VALUE),
                new Case("gat", (cache, key) -> cache.getAndTouch(key, 0), VALUE),
                new Case("mg", (cache, key) -> cache.metaGet(key, MetaGet.READ), VALUE),
                new Case("me", TieredCache::peek, VALUE),
                new Case("append", (cache, key) -> cache.store(StoreMode.APPEND, key, 0, 0, bytes("0"), 0), "50"),
                new Case("incr", (cache, key) -> cache.delta(key, Arithmetic.of(Arithmetic.Direction.INCR, 2)), "7"),
                new Case("delete", (cache, key) -> cache.delete(key, 0), null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("commands")
    void aCommandWaitingForTheDiskActsOnTheKeyItWasGiven(Case command) throws Exception {
        // lru, so that the keys written after key-a push it to disk (W-TinyLFU would turn the newcomers away)
        cache = TieredCache.builder().eviction(Eviction.LRU).clock(clock).sweepInterval(Duration.ZERO).maxEntries(1)
                .disk(gated(RocksDbTier.open(RocksDbSettings.defaults(dir)))).build();
        for (String key : new String[] {"key-a", "key-b", "filler"}) {
            cache.store(StoreMode.SET, Key.of(key), 0, 0, bytes(VALUE), 0).join();
        }
        await().until(() -> Reads.writeBackQueue(cache.view()) == 0);
        assertThat(cache.memory().get(Key.of("key-a"), false)).as("key-a lives on disk only").isNull();

        byte[] buffer = bytes("key-a");
        CompletableFuture<?> result = command.command().apply(cache, Key.lookup().set(buffer, 0, buffer.length));
        await().until(() -> readsWaiting.get() == 1);
        System.arraycopy(bytes("key-b"), 0, buffer, 0, buffer.length); // the connection's next request
        readsMayGo.countDown();
        Object answer = result.join();

        if (answer instanceof Item item) {
            assertThat(item.key()).isEqualTo(Key.of("key-a"));
        } else if (answer instanceof MetaGet.Hit hit) {
            assertThat(hit.item().key()).isEqualTo(Key.of("key-a"));
        }
        assertThat(value("key-a")).as("key-a after %s", command).isEqualTo(command.valueAfter());
        assertThat(value("key-b")).as("key-b untouched").isEqualTo(VALUE);
    }

    @AfterEach
    void close() {
        readsMayGo.countDown();
        if (cache != null) {
            cache.close();
        }
    }

    private String value(String key) {
        Item item = Reads.item(cache, Key.of(key));
        return item == null ? null : new String(item.value(), StandardCharsets.US_ASCII);
    }

    /** {@code disk}, with every read waiting for {@link #readsMayGo}. */
    private DiskTier gated(DiskTier disk) {
        return (DiskTier) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {DiskTier.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("read")) {
                        readsWaiting.incrementAndGet();
                        readsMayGo.await();
                        readsWaiting.decrementAndGet();
                    }
                    try {
                        return method.invoke(disk, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
