package org.ratmemcache.core.engine;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ratmemcache.core.Item;
import org.ratmemcache.core.Key;
import org.ratmemcache.core.StoreMode;
import org.ratmemcache.core.StoreResult;
import org.ratmemcache.core.disk.DiskItem;
import org.ratmemcache.core.disk.DiskTier;
import org.ratmemcache.core.disk.DiskTierException;
import org.ratmemcache.core.disk.DiskWrite;
import org.ratmemcache.core.disk.FlushLimits;
import org.ratmemcache.core.disk.PersistedState;
import org.ratmemcache.core.disk.Removals;
import org.ratmemcache.storage.rocksdb.RocksDbSettings;
import org.ratmemcache.storage.rocksdb.RocksDbTier;
import org.ratmemcache.testing.Reads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * No client waits on the disk beyond the write timeout, even when the disk stops taking writes
 * without failing them (RocksDB stalling its writers): a write-through write is answered as failed,
 * new writes are refused at once, held-back write-back connections are let go, reads go on, and
 * all of it ends when the disk takes writes again. The disk is a real RocksDB tier whose writes
 * can be held at a gate, as a stall holds them.
 */
class WriteDeadlineTest {

    private static final Duration TIMEOUT = Duration.ofMillis(300);

    @TempDir
    Path dir;

    private TieredCache cache;
    private GatedDisk disk;

    @AfterEach
    void close() {
        if (disk != null) {
            disk.release();
        }
        if (cache != null) {
            cache.close();
        }
    }

    private TieredCache start(boolean writeThrough, long queueChanges) throws DiskTierException {
        disk = new GatedDisk(RocksDbTier.open(RocksDbSettings.defaults(dir.resolve("l2"))));
        cache = TieredCache.builder().sweepInterval(Duration.ZERO).disk(disk).writeThrough(writeThrough)
                .writeBackLimits(queueChanges, 64L << 20, Duration.ofSeconds(60)).writeTimeout(TIMEOUT).build();
        return cache;
    }

    private CompletableFuture<StoreResult> set(String key, String value) {
        return cache.store(StoreMode.SET, Key.of(key), 0, 0, value.getBytes(StandardCharsets.US_ASCII), 0);
    }

    @Test
    void aWriteThroughWriteTheDiskDoesNotTakeIsAnsweredAsFailedWithinTheTimeout() throws Exception {
        start(true, 100_000);
        assertThat(set("before", "on disk").join()).isEqualTo(StoreResult.STORED);

        disk.hold();
        long started = System.nanoTime();
        CompletableFuture<StoreResult> stuck = set("stuck", "never written");
        await().atMost(TIMEOUT.multipliedBy(3)).until(stuck::isDone);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(TIMEOUT);
        assertThat(stuck).failsWithin(Duration.ZERO).withThrowableThat()
                .withStackTraceContaining("the disk tier did not take the write within 300 ms");

        // from now on a write is refused at once, and reads go on
        await().atMost(TIMEOUT.multipliedBy(3)).until(() -> Reads.diskFailure(cache.view()) != null);
        assertThat(set("refused", "x")).failsWithin(Duration.ofMillis(50)).withThrowableThat()
                .havingRootCause().isInstanceOf(DiskTierException.class);
        assertThat(Reads.item(cache, Key.of("before"))).isNotNull();

        disk.release();
        await().atMost(Duration.ofSeconds(10)).until(() -> Reads.diskFailure(cache.view()) == null);
        assertThat(set("after", "written").join()).isEqualTo(StoreResult.STORED);
        assertThat(disk.read(Key.of("after"))).as("on disk").isNotNull();
        assertThat(disk.read(Key.of("stuck"))).as("the change refused to its client reached the disk once it could")
                .isNotNull();
    }

    @Test
    void heldBackWriteBackConnectionsAreLetGoWhenTheDiskTakesNothing() throws Exception {
        start(false, 2);
        disk.hold();
        // the writer's stall counts from its last progress, before the first change waits
        long started = System.nanoTime();
        for (int i = 0; i < 3; i++) {
            assertThat(set("queued" + i, "waits").join()).as("write-back acknowledges at once").isEqualTo(StoreResult.STORED);
        }
        assertThat(cache.writesBackedUp()).as("three changes over a bound of two").isTrue();
        CountDownLatch letGo = new CountDownLatch(1);
        cache.whenWritable(letGo::countDown);
        await().atMost(TIMEOUT.multipliedBy(3)).until(() -> letGo.getCount() == 0);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(TIMEOUT.minusMillis(50));
        assertThat(set("refused", "x")).failsWithin(Duration.ofMillis(50)).withThrowableThat()
                .havingRootCause().isInstanceOf(DiskTierException.class).withMessageContaining("changes wait");
        assertThat(Reads.item(cache, Key.of("queued0"))).as("reads answer from the queue").isNotNull();

        disk.release();
        await().atMost(Duration.ofSeconds(10)).until(() -> Reads.writeBackQueue(cache.view()) == 0
                && Reads.diskFailure(cache.view()) == null);
        for (int i = 0; i < 3; i++) {
            assertThat(disk.read(Key.of("queued" + i))).as("acknowledged, so written").isNotNull();
        }
    }

    /** The real tier, whose writes wait at a gate while it is closed, as a stalled RocksDB's do. */
    private static final class GatedDisk implements DiskTier {
        private final DiskTier tier;
        private final AtomicBoolean closed = new AtomicBoolean();
        private volatile CountDownLatch gate = new CountDownLatch(0);

        GatedDisk(DiskTier tier) {
            this.tier = tier;
        }

        void hold() {
            if (closed.compareAndSet(false, true)) {
                gate = new CountDownLatch(1);
            }
        }

        void release() {
            if (closed.compareAndSet(true, false)) {
                gate.countDown();
            }
        }

        @Override
        public void write(List<DiskWrite> writes) throws DiskTierException {
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DiskTierException("interrupted", e);
            }
            tier.write(writes);
        }

        @Override
        public boolean mayContain(Key key) {
            return tier.mayContain(key);
        }

        @Override
        public DiskItem read(Key key) throws DiskTierException {
            return tier.read(key);
        }

        @Override
        public int reclaim(long nowMillis, FlushLimits flushed, int budget, Removals removals) throws DiskTierException {
            return tier.reclaim(nowMillis, flushed, budget, removals);
        }

        @Override
        public int evictOldest(long bytes, Removals removals) throws DiskTierException {
            return tier.evictOldest(bytes, removals);
        }

        @Override
        public ScannedKeys scan(int database, long cursor, int count, long nowMillis, FlushLimits flushed) throws DiskTierException {
            return tier.scan(database, cursor, count, nowMillis, flushed);
        }

        @Override
        public org.ratmemcache.core.DatabaseSize size(int database, long nowMillis, FlushLimits flushed, java.util.Set<Key> decidedElsewhere)
                throws DiskTierException {
            return tier.size(database, nowMillis, flushed, decidedElsewhere);
        }

        @Override
        public long dataBytes() {
            return tier.dataBytes();
        }

        @Override
        public long diskUsage() {
            return tier.diskUsage();
        }

        @Override
        public List<Key> keysAfter(byte[] prefix, Key after, int max) throws DiskTierException {
            return tier.keysAfter(prefix, after, max);
        }

        @Override
        public Map<String, Long> statistics() {
            return tier.statistics();
        }

        @Override
        public void writeState(PersistedState state) throws DiskTierException {
            tier.writeState(state);
        }

        @Override
        public void recover() throws DiskTierException {
            tier.recover();
        }

        @Override
        public PersistedState openingState() {
            return tier.openingState();
        }

        @Override
        public long itemCount() {
            return tier.itemCount();
        }

        @Override
        public void close() {
            tier.close();
        }
    }
}
