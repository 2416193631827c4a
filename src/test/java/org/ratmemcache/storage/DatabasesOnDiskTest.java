package org.ratmemcache.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ratmemcache.core.Item;
import org.ratmemcache.core.Key;
import org.ratmemcache.core.ValueForm;
import org.ratmemcache.core.disk.FlushLimits;
import org.ratmemcache.core.disk.PersistedState;
import org.ratmemcache.core.engine.TieredCache;
import org.ratmemcache.testing.DiskStores;
import org.ratmemcache.testing.ManualClock;
import org.ratmemcache.testing.Reads;

/**
 * Redis's numbered databases and long keys over the log on disk: the same bytes in two databases
 * are two items, in memory, on disk and after a restart; each flush empties only its databases,
 * and still does after a restart; a directory written before databases opens with its items and
 * its flush in database 0.
 */
class DatabasesOnDiskTest {

    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock();
    private TieredCache cache;

    private TieredCache open() throws Exception {
        cache = TieredCache.builder().clock(clock).sweepInterval(Duration.ZERO).maxEntries(2)
                .disk(DiskStores.LOG.open(dir, false)).writeThrough(true).build();
        return cache;
    }

    private void reopen() throws Exception {
        cache.close();
        open();
    }

    @AfterEach
    void close() {
        if (cache != null) {
            cache.close();
        }
    }

    private static final byte[] LONG_KEY = "k".repeat(300).getBytes(StandardCharsets.US_ASCII);

    @Test
    void theSameBytesInTwoDatabasesStayTwoItemsAcrossARestart() throws Exception {
        open();
        put(0, "k", "zero", 1);
        put(3, "k", "three", 3);
        put(3, new String(LONG_KEY, StandardCharsets.US_ASCII), "long", 0);
        for (int i = 0; i < 10; i++) {
            put(0, "filler" + i, "x", 0); // pushes the others out of a two-item L1
        }

        reopen();

        assertThat(value(0, "k")).isEqualTo("zero");
        assertThat(value(3, "k")).isEqualTo("three");
        assertThat(Reads.item(cache, Key.of(3, "k".getBytes(StandardCharsets.US_ASCII))).flags()).isEqualTo(3);
        assertThat(value(3, new String(LONG_KEY, StandardCharsets.US_ASCII))).isEqualTo("long");
        assertThat(value(1, "k")).isNull();
    }

    @Test
    void aValueKeepsItsFormOutOfMemoryAndAcrossARestart() throws Exception {
        open();
        Key edited = Key.of(2, "edited".getBytes(StandardCharsets.US_ASCII));
        cache.atomically(List.of(edited), keys -> keys.put(0, "123".getBytes(StandardCharsets.US_ASCII), 0, 0, ValueForm.EDITED)).join();
        put(0, "whole", "123", 0);
        for (int i = 0; i < 10; i++) {
            put(0, "filler" + i, "x", 0); // pushes both out of a two-item L1
        }
        assertThat(Reads.item(cache, edited).form()).as("read back from disk").isEqualTo(ValueForm.EDITED);

        reopen();

        assertThat(Reads.item(cache, edited).form()).isEqualTo(ValueForm.EDITED);
        assertThat(Reads.item(cache, Key.of("whole")).form()).isEqualTo(ValueForm.WHOLE);
    }

    @Test
    void eachFlushEmptiesItsDatabasesOnlyAndStillDoesAfterARestart() throws Exception {
        open();
        for (int database : new int[] {0, 1, 2}) {
            put(database, "a", "in " + database, 0);
            put(database, "b", "in " + database, 0);
        }

        cache.flushDatabase(1).join();
        assertThat(value(1, "a")).isNull();
        assertThat(value(0, "a")).isEqualTo("in 0");
        assertThat(value(2, "b")).isEqualTo("in 2");

        cache.flushAll(clock.millis()).join(); // memcached's flush_all: database 0
        assertThat(value(0, "a")).isNull();
        assertThat(value(2, "a")).isEqualTo("in 2");

        put(1, "a", "after", 0);
        reopen();
        assertThat(value(0, "b")).isNull();
        assertThat(value(1, "b")).isNull();
        assertThat(value(1, "a")).isEqualTo("after");
        assertThat(value(2, "b")).isEqualTo("in 2");

        cache.flushEverything().join();
        reopen();
        assertThat(Arrays.asList(value(1, "a"), value(2, "a"), value(2, "b"))).containsOnlyNulls();
    }

    @Test
    void aStateWrittenBeforeDatabasesHoldsItsFlushForDatabaseZero() {
        byte[] old = java.nio.ByteBuffer.allocate(24).putLong(5000).putLong(40).putLong(0).array();

        PersistedState state = PersistedState.fromBytes(old);

        assertThat(state.casReserved()).isEqualTo(5000);
        assertThat(state.flushed().of(0)).isEqualTo(40);
        assertThat(PersistedState.fromBytes(state.toBytes())).isEqualTo(state);
        assertThat(PersistedState.fromBytes(Arrays.copyOf(old, 25))).isNull();
        long[] limits = new long[FlushLimits.DATABASES];
        limits[7] = 99;
        PersistedState perDatabase = new PersistedState(1, FlushLimits.of(limits), 0);
        assertThat(PersistedState.fromBytes(perDatabase.toBytes()).flushed().of(7)).isEqualTo(99);
        assertThat(PersistedState.fromBytes(perDatabase.toBytes()).flushed().of(6)).isZero();
    }

    @Test
    void theDiskReclaimsTheFlushedDatabaseOnly() throws Exception {
        open();
        put(0, "a", "v", 0);
        put(5, "a", "v", 0);
        cache.flushDatabase(5).join();
        cache.sweep();

        org.awaitility.Awaitility.await().until(() -> Reads.disk(cache.view()).items() == 1);
        assertThat(value(0, "a")).isEqualTo("v");
    }

    private void put(int database, String key, String value, int flags) {
        cache.atomically(List.of(Key.of(database, key.getBytes(StandardCharsets.US_ASCII))), keys -> {
            keys.put(0, value.getBytes(StandardCharsets.US_ASCII), flags, 0);
            return null;
        }).join();
    }

    private String value(int database, String key) {
        Item item = Reads.item(cache, Key.of(database, key.getBytes(StandardCharsets.US_ASCII)));
        return item == null ? null : new String(item.value(), StandardCharsets.US_ASCII);
    }
}
