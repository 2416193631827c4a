package org.ratmemcache.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ratmemcache.core.DatabaseSize;
import org.ratmemcache.core.Key;
import org.ratmemcache.core.KeyScan;
import org.ratmemcache.core.engine.TieredCache;
import org.ratmemcache.core.engine.TieredCacheBuilder;
import org.ratmemcache.testing.DiskStores;
import org.ratmemcache.testing.ManualClock;
import org.ratmemcache.testing.Reads;

/**
 * Redis's DBSIZE and SCAN over every tier: counts exact with changes still waiting for the disk,
 * and a scan that returns each key present throughout exactly once, whatever memory evicts and
 * whatever else is written meanwhile; in memory only and over the log.
 */
class KeyspaceTest {

    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock();
    private TieredCache cache;

    @AfterEach
    void close() {
        if (cache != null) {
            cache.close();
        }
    }

    private TieredCache inMemory() {
        return cache = TieredCache.builder().clock(clock).sweepInterval(Duration.ZERO).build();
    }

    /** A 16-item L1 over the log, writing back a second late: most keys on disk, the newest waiting. */
    private TieredCache overDisk() throws Exception {
        TieredCacheBuilder builder = TieredCache.builder().clock(clock).sweepInterval(Duration.ZERO).maxEntries(16)
                .disk(DiskStores.LOG.open(dir, false)).writeBackLimits(100_000, 64L << 20, Duration.ofSeconds(1));
        return cache = builder.build();
    }

    @Test
    void sizesCountEveryDatabaseExactlyInMemory() {
        countsAreExact(inMemory());
    }

    @Test
    void sizesCountEveryDatabaseExactlyWithChangesStillWaiting() throws Exception {
        countsAreExact(overDisk());
        org.awaitility.Awaitility.await().until(() -> Reads.writeBackQueue(cache.view()) == 0);
        assertThat(cache.size(2).join()).as("once written").isEqualTo(new DatabaseSize(150, 50));
    }

    private void countsAreExact(TieredCache cache) {
        for (int i = 0; i < 200; i++) {
            put(2, "k" + i, i % 3 == 0 ? clock.millis() + 60_000 : 0);
        }
        for (int i = 0; i < 30; i++) {
            put(5, "k" + i, 0);
        }
        for (int i = 0; i < 50; i++) {
            delete(2, "k" + (4 * i)); // 50 deleted, of which 17 had an expiry
        }
        put(2, "gone", clock.millis() + 1_000);
        clock.advance(Duration.ofSeconds(2));

        assertThat(cache.size(2).join()).isEqualTo(new DatabaseSize(150, 50));
        assertThat(cache.size(5).join()).isEqualTo(new DatabaseSize(30, 0));
        assertThat(cache.size(0).join()).isEqualTo(DatabaseSize.EMPTY);
        cache.flushDatabase(5).join();
        assertThat(cache.size(5).join()).isEqualTo(DatabaseSize.EMPTY);
    }

    @Test
    void aScanReturnsEachKeyPresentThroughoutOnceInMemory() {
        scanCoversTheKeys(inMemory());
    }

    @Test
    void aScanReturnsEachKeyPresentThroughoutOnceOverDisk() throws Exception {
        scanCoversTheKeys(overDisk());
    }

    private void scanCoversTheKeys(TieredCache cache) {
        Set<String> stable = new HashSet<>();
        for (int i = 0; i < 300; i++) {
            put(1, "stable" + i, 0);
            stable.add("stable" + i);
        }
        List<String> seen = new ArrayList<>();
        long cursor = 0;
        int pages = 0;
        do {
            KeyScan page = cache.scan(1, cursor, 7).join();
            page.keys().forEach(key -> seen.add(new String(key.toBytes(), StandardCharsets.US_ASCII)));
            cursor = page.cursor();
            // meanwhile: new keys come and go, others are written over
            put(1, "churn" + pages, 0);
            delete(1, "churn" + (pages - 3));
            put(1, "stable" + (pages * 7 % 300), 0);
            pages++;
        } while (cursor != 0 && pages < 1000);

        assertThat(cursor).as("the scan ends").isZero();
        List<String> stableSeen = seen.stream().filter(key -> key.startsWith("stable")).toList();
        assertThat(stableSeen).as("each once").doesNotHaveDuplicates();
        assertThat(new HashSet<>(stableSeen)).isEqualTo(stable);
        assertThat(pages).as("pages of about seven keys").isGreaterThan(300 / 7 / 2);
    }

    private void put(int database, String key, long expiresAt) {
        cache.atomically(List.of(Key.of(database, key.getBytes(StandardCharsets.US_ASCII))), keys -> {
            keys.put(0, "v".getBytes(StandardCharsets.US_ASCII), 0, expiresAt);
            return null;
        }).join();
    }

    private void delete(int database, String key) {
        cache.atomically(List.of(Key.of(database, key.getBytes(StandardCharsets.US_ASCII))), keys -> {
            keys.remove(0);
            return null;
        }).join();
    }
}
