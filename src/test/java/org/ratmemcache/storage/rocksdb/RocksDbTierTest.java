package org.ratmemcache.storage.rocksdb;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ratmemcache.core.Key;
import org.ratmemcache.core.disk.DiskItem;
import org.ratmemcache.core.disk.DiskTierException;
import org.ratmemcache.core.disk.FlushLimits;
import org.ratmemcache.core.disk.PersistedState;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.DBOptions;
import org.rocksdb.RocksDB;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The RocksDB tier on a real RocksDB in a temporary directory. */
class RocksDbTierTest {

    @TempDir
    Path dir;

    private RocksDbTier open() throws DiskTierException {
        return RocksDbTier.open(RocksDbSettings.defaults(dir));
    }

    private static DiskItem item(String key, String value, long cas) {
        return item(key, value, cas, 0);
    }

    private static DiskItem item(String key, String value, long cas, long expiresAt) {
        return new DiskItem(Key.of(key), value.getBytes(StandardCharsets.US_ASCII), 7, expiresAt, cas, 1000, false);
    }

    @Test
    void reclaimsExpiredRecordsThroughTheExpiryIndex() throws Exception {
        try (RocksDbTier tier = open()) {
            tier.write(List.of(item("soon", "1", 1, 1000), item("later", "2", 2, 5000), item("never", "3", 3, 0)), List.of());
            assertThat(tier.reclaim(999, FlushLimits.uniform(0), 100)).isZero();
            assertThat(tier.reclaim(1000, FlushLimits.uniform(0), 100)).isEqualTo(1);
            assertThat(tier.read(Key.of("soon"))).isNull();
            assertThat(tier.itemCount()).isEqualTo(2);
            assertThat(tier.reclaim(10_000, FlushLimits.uniform(0), 100)).isEqualTo(1);
            assertThat(tier.reclaim(10_000, FlushLimits.uniform(0), 100)).as("the index holds nothing stale").isZero();
            assertThat(tier.read(Key.of("never"))).isNotNull();
            assertThat(tier.itemCount()).isEqualTo(1);
        }
    }

    @Test
    void anOverwriteMovesTheItemsIndexEntries() throws Exception {
        try (RocksDbTier tier = open()) {
            tier.write(List.of(item("k", "old", 1, 1000)), List.of());
            tier.write(List.of(item("k", "new", 2, 5000)), List.of());
            assertThat(tier.reclaim(2000, FlushLimits.uniform(1), 100)).as("neither the old expiry nor the old CAS applies").isZero();
            assertThat(new String(tier.read(Key.of("k")).value(), StandardCharsets.US_ASCII)).isEqualTo("new");
            tier.write(List.of(), List.of(Key.of("k")));
            assertThat(tier.reclaim(10_000, FlushLimits.uniform(10), 100)).as("a delete removes its index entries").isZero();
            assertThat(tier.itemCount()).isZero();
        }
    }

    /** The batch sorts its index entries: the delete and the put of one entry must keep their order. */
    @Test
    void anOverwriteThatKeepsTheCasAndExpiryKeepsItsIndexEntries() throws Exception {
        try (RocksDbTier tier = open()) {
            tier.write(List.of(item("k", "same", 5, 1000), item("j", "x", 4, 3000)), List.of());
            tier.write(List.of(item("k", "same", 5, 1000), item("j", "x", 6, 3000)), List.of());
            assertThat(tier.itemCount()).isEqualTo(2);
            assertThat(tier.reclaim(1000, FlushLimits.uniform(0), 100)).as("k's expiry entry is still there").isEqualTo(1);
            assertThat(tier.reclaim(1000, FlushLimits.uniform(6), 100)).as("j's new CAS entry is there, its old one gone").isEqualTo(1);
            assertThat(tier.itemCount()).isZero();
            assertThat(tier.reclaim(10_000, FlushLimits.uniform(10), 100)).as("nothing stale").isZero();
        }
    }

    @Test
    void aDeleteFindsTheRecordTheBatchBeforeWrote() throws Exception {
        try (RocksDbTier tier = open()) {
            for (int value = 1; value <= 200; value *= 3) {
                tier.write(List.of(item("k", "v".repeat(value), value)), List.of());
                tier.write(List.of(), List.of(Key.of("k")));
                assertThat(tier.read(Key.of("k"))).as("deleted after a %d-byte value", value).isNull();
                assertThat(tier.itemCount()).isZero();
            }
        }
    }

    @Test
    void anOverwriteOfARecordInAFileKeepsTheTotalsAndIndexesExact() throws Exception {
        try (RocksDbTier tier = open()) {
            tier.write(List.of(item("k", "old", 1, 1000), item("other", "x", 2)), List.of());
        }
        // Closing wrote the memtables to files: reopened, the record is in neither a memtable nor
        // the block cache, so the batch reads its header from the file before overwriting it.
        try (RocksDbTier tier = open()) {
            long bytes = tier.dataBytes();
            tier.write(List.of(item("k", "new", 3, 5000)), List.of());
            assertThat(tier.itemCount()).isEqualTo(2);
            assertThat(tier.dataBytes()).as("a value of the same length replaced, not added").isEqualTo(bytes);
            assertThat(tier.reclaim(2000, FlushLimits.uniform(0), 100)).as("the old expiry entry is gone").isZero();
            assertThat(tier.reclaim(6000, FlushLimits.uniform(0), 100)).isEqualTo(1);
            assertThat(tier.read(Key.of("k"))).isNull();
            assertThat(tier.itemCount()).isEqualTo(1);
        }
    }

    @Test
    void reclaimsFlushedRecordsThroughTheAgeIndex() throws Exception {
        try (RocksDbTier tier = open()) {
            tier.write(List.of(item("a", "1", 1, 9000), item("b", "2", 2), item("c", "3", 3)), List.of());
            assertThat(tier.reclaim(0, FlushLimits.uniform(2), 100)).isEqualTo(2);
            assertThat(tier.read(Key.of("a"))).isNull();
            assertThat(tier.read(Key.of("b"))).isNull();
            assertThat(tier.read(Key.of("c"))).isNotNull();
            assertThat(tier.reclaim(10_000, FlushLimits.uniform(2), 100)).as("a's expiry entry went with it").isZero();
            assertThat(tier.itemCount()).isEqualTo(1);
        }
    }

    @Test
    void reclaimsNoMoreThanItsBudget() throws Exception {
        try (RocksDbTier tier = open()) {
            List<DiskItem> expiring = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                expiring.add(item("k" + i, "v", i + 1, 100));
            }
            tier.write(expiring, List.of());
            assertThat(tier.reclaim(100, FlushLimits.uniform(0), 20)).isEqualTo(20);
            assertThat(tier.reclaim(100, FlushLimits.uniform(0), 20)).isEqualTo(20);
            assertThat(tier.reclaim(100, FlushLimits.uniform(0), 20)).isEqualTo(10);
            assertThat(tier.itemCount()).isZero();
        }
    }

    @Test
    void evictsTheOldestRecordsFirst() throws Exception {
        try (RocksDbTier tier = open()) {
            List<DiskItem> written = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                written.add(item(String.format("k%02d", i), "x".repeat(98), 100 - i));
            }
            tier.write(written, List.of());
            // k99 has CAS 1: the oldest. Each takes 3 bytes of key and a 30 + 98-byte record.
            assertThat(tier.evictOldest(10 * (3 + RecordFormat.HEADER + 98))).isEqualTo(10);
            for (int i = 90; i < 100; i++) {
                assertThat(tier.read(Key.of(String.format("k%02d", i)))).isNull();
            }
            assertThat(tier.read(Key.of("k89"))).isNotNull();
            assertThat(tier.itemCount()).isEqualTo(90);
            assertThat(tier.diskUsage()).isPositive();
        }
    }

    @Test
    void storesReadsAndCountsItems() throws Exception {
        try (RocksDbTier tier = open()) {
            assertThat(tier.read(Key.of("a"))).isNull();
            assertThat(tier.mayContain(Key.of("a"))).isFalse();
            tier.write(List.of(item("a", "1", 1), item("b", "2", 2)), List.of());
            tier.write(List.of(item("a", "3", 3)), List.of(Key.of("b"), Key.of("never-there")));
            DiskItem a = tier.read(Key.of("a"));
            assertThat(new String(a.value(), StandardCharsets.US_ASCII)).isEqualTo("3");
            assertThat(a.cas()).isEqualTo(3);
            assertThat(a.flags()).isEqualTo(7);
            assertThat(tier.mayContain(Key.of("a"))).isTrue();
            assertThat(tier.read(Key.of("b"))).isNull();
            assertThat(tier.itemCount()).isEqualTo(1);
        }
    }

    @Test
    void readsThroughALookupKey() throws Exception {
        try (RocksDbTier tier = open()) {
            tier.write(List.of(item("key", "v", 1)), List.of());
            byte[] line = "get key\r\n".getBytes(StandardCharsets.US_ASCII);
            Key lookup = Key.lookup().set(line, 4, 3);
            assertThat(tier.mayContain(lookup)).isTrue();
            assertThat(tier.read(lookup).key()).isEqualTo(Key.of("key"));
        }
    }

    @Test
    void keepsItemsCountAndStateAcrossReopening() throws Exception {
        try (RocksDbTier tier = open()) {
            assertThat(tier.openingState()).isEqualTo(PersistedState.EMPTY);
            tier.write(List.of(item("a", "1", 1), item("b", "2", 2)), List.of());
            tier.writeState(new PersistedState(1 << 20, FlushLimits.uniform(2), 0));
        }
        try (RocksDbTier tier = open()) {
            assertThat(tier.itemCount()).isEqualTo(2);
            assertThat(tier.openingState()).isEqualTo(new PersistedState(1 << 20, FlushLimits.uniform(2), 0));
            assertThat(new String(tier.read(Key.of("b")).value(), StandardCharsets.US_ASCII)).isEqualTo("2");
        }
    }

    @Test
    void clearsTheDirectoryWhenAsked() throws Exception {
        try (RocksDbTier tier = open()) {
            tier.write(List.of(item("a", "1", 1)), List.of());
        }
        RocksDbSettings clearing = new RocksDbSettings(dir, true, 64L << 20, 2, 8L << 20, RocksDbSettings.Compression.NONE, 1, false);
        try (RocksDbTier tier = RocksDbTier.open(clearing)) {
            assertThat(tier.itemCount()).isZero();
            assertThat(tier.read(Key.of("a"))).isNull();
        }
    }

    @Test
    void refusesADirectoryThatIsAlreadyOpen() throws Exception {
        try (RocksDbTier tier = open()) {
            assertThatThrownBy(this::open).isInstanceOf(DiskTierException.class)
                    .hasMessageContaining("in use by another RatMemCache").hasMessageContaining(dir.toString());
        }
    }

    @Test
    void refusesAnotherFormatInsteadOfHalfReadingIt() throws Exception {
        try (RocksDbTier tier = open()) {
            tier.write(List.of(item("a", "1", 1)), List.of());
        }
        List<ColumnFamilyDescriptor> families = List.of(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY),
                new ColumnFamilyDescriptor("items".getBytes(StandardCharsets.US_ASCII)),
                new ColumnFamilyDescriptor("meta".getBytes(StandardCharsets.US_ASCII)),
                new ColumnFamilyDescriptor("expiry".getBytes(StandardCharsets.US_ASCII)),
                new ColumnFamilyDescriptor("age".getBytes(StandardCharsets.US_ASCII)));
        List<ColumnFamilyHandle> handles = new ArrayList<>();
        try (DBOptions options = new DBOptions(); RocksDB db = RocksDB.open(options, dir.toString(), families, handles)) {
            db.put(handles.get(2), "format".getBytes(StandardCharsets.US_ASCII),
                    "ratmemcache-l2 records=2 meta=1 indexes=expiry,age".getBytes(StandardCharsets.US_ASCII));
            handles.forEach(ColumnFamilyHandle::close);
        }
        assertThatThrownBy(this::open).isInstanceOf(DiskTierException.class)
                .hasMessageContaining("holds format \"ratmemcache-l2 records=2")
                .hasMessageContaining("clear-on-startup");
    }
}
