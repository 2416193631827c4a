package org.ratmemcache.storage.rocksdb;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ratmemcache.core.DiskItem;
import org.ratmemcache.core.DiskTierException;
import org.ratmemcache.core.Key;
import org.ratmemcache.core.PersistedState;
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
        return new DiskItem(Key.of(key), value.getBytes(StandardCharsets.US_ASCII), 7, 0, cas, 1000, false);
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
            tier.writeState(new PersistedState(1 << 20, 2, 0));
        }
        try (RocksDbTier tier = open()) {
            assertThat(tier.itemCount()).isEqualTo(2);
            assertThat(tier.openingState()).isEqualTo(new PersistedState(1 << 20, 2, 0));
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
                new ColumnFamilyDescriptor("meta".getBytes(StandardCharsets.US_ASCII)));
        List<ColumnFamilyHandle> handles = new ArrayList<>();
        try (DBOptions options = new DBOptions(); RocksDB db = RocksDB.open(options, dir.toString(), families, handles)) {
            db.put(handles.get(2), "format".getBytes(StandardCharsets.US_ASCII),
                    "ratmemcache-l2 records=2 meta=1".getBytes(StandardCharsets.US_ASCII));
            handles.forEach(ColumnFamilyHandle::close);
        }
        assertThatThrownBy(this::open).isInstanceOf(DiskTierException.class)
                .hasMessageContaining("holds format \"ratmemcache-l2 records=2 meta=1\"")
                .hasMessageContaining("clear-on-startup");
    }
}
