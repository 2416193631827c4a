package org.ratmemcache.storage.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ratmemcache.core.Key;
import org.ratmemcache.core.ValueForm;
import org.ratmemcache.core.disk.DiskItem;
import org.ratmemcache.core.disk.DiskTierException;
import org.ratmemcache.core.disk.DiskWrite;
import org.ratmemcache.core.disk.FlushLimits;
import org.ratmemcache.core.disk.PersistedState;
import org.ratmemcache.core.disk.Prior;
import org.ratmemcache.core.disk.Removals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The log tier on real files in a temporary directory, opened again as a restart would. */
class LogTierTest {

    @TempDir
    Path dir;

    private LogTier open() throws DiskTierException {
        return open(LogSettings.MAX_SEGMENT_BYTES);
    }

    private LogTier open(long segmentBytes) throws DiskTierException {
        return LogTier.open(new LogSettings(dir, false, segmentBytes, 1L << 20, false));
    }

    private static DiskItem item(String key, String value, long cas) {
        return item(key, value, cas, 0);
    }

    private static DiskItem item(String key, String value, long cas, long expiresAt) {
        return new DiskItem(Key.of(key), value.getBytes(StandardCharsets.US_ASCII), 7, expiresAt, cas, 1000, false);
    }

    private static String value(DiskItem item) {
        return item == null ? null : new String(item.value(), StandardCharsets.US_ASCII);
    }

    /**
     * The totals equal a count of the records the directory points at, one by one, and the dead
     * bytes are the rest of the segments.
     */
    private void assertExact(LogTier tier) throws DiskTierException, IOException {
        long[] recount = tier.recount();
        assertThat(tier.itemCount()).as("items").isEqualTo(recount[0]);
        assertThat(tier.dataBytes()).as("bytes").isEqualTo(recount[1]);
        long segmentBytes = 0;
        for (Path segment : segments()) {
            segmentBytes += Files.size(segment);
        }
        assertThat(tier.statistics().get("log_dead_bytes")).as("dead bytes").isEqualTo(segmentBytes - recount[1]);
    }

    @Test
    void storesReadsAndCountsItems() throws Exception {
        try (LogTier tier = open()) {
            assertThat(tier.read(Key.of("a"))).isNull();
            assertThat(tier.mayContain(Key.of("a"))).isFalse();
            tier.write(List.of(item("a", "1", 1), item("b", "2", 2)), List.of());
            tier.write(List.of(item("a", "3", 3)), List.of(Key.of("b"), Key.of("never-there")));
            DiskItem a = tier.read(Key.of("a"));
            assertThat(value(a)).isEqualTo("3");
            assertThat(a.cas()).isEqualTo(3);
            assertThat(a.flags()).isEqualTo(7);
            assertThat(a.accessedAt()).isEqualTo(1000);
            assertThat(tier.mayContain(Key.of("a"))).isTrue();
            assertThat(tier.read(Key.of("b"))).isNull();
            assertThat(tier.mayContain(Key.of("b"))).isFalse();
            assertThat(tier.itemCount()).isEqualTo(1);
            assertExact(tier);
        }
    }

    @Test
    void keepsEveryFieldOfAnItem() throws Exception {
        DiskItem chosen = new DiskItem(Key.of("meta"), new byte[0], 0xfffffffe, 123_456_789, 42, 5000, true, true, true, 9,
                ValueForm.NUMBER_TEXT);
        try (LogTier tier = open()) {
            tier.write(List.of(chosen), List.of());
        }
        try (LogTier tier = open()) {
            assertThat(tier.read(Key.of("meta"))).usingRecursiveComparison().ignoringFields("value").isEqualTo(chosen);
        }
    }

    @Test
    void aKnownPriorSavesTheRead() throws Exception {
        try (LogTier tier = open()) {
            DiskItem first = item("k", "1", 1);
            tier.write(List.of(DiskWrite.put(first, Prior.NONE)));
            tier.write(List.of(DiskWrite.put(item("k", "2", 2), Prior.Held.of(first))));
            tier.write(List.of(DiskWrite.delete(Key.of("k"), Prior.Held.of(item("k", "2", 2)))));
            tier.write(List.of(DiskWrite.delete(Key.of("k"), Prior.NONE)));
            assertThat(tier.statistics().get("records_read_before_write")).isZero();
            tier.write(List.of(DiskWrite.put(item("k", "3", 3), Prior.UNKNOWN)));
            tier.write(List.of(DiskWrite.put(item("k", "4", 4), Prior.UNKNOWN)));
            assertThat(tier.statistics().get("records_read_before_write")).as("the entry under the key's hash is the key's").isZero();
            tier.write(List.of(DiskWrite.put(item("k", "5", 5), Prior.Held.of(item("k", "2", 2)))));
            assertThat(tier.statistics().get("records_read_before_write")).as("a prior the directory disagrees with").isEqualTo(1);
            assertThat(value(tier.read(Key.of("k")))).isEqualTo("5");
            assertThat(tier.itemCount()).isEqualTo(1);
            assertExact(tier);
        }
    }

    @Test
    void readsItsItemsTombstonesAndStateBackWhenOpenedAgain() throws Exception {
        try (LogTier tier = open()) {
            assertThat(tier.openingState()).isEqualTo(PersistedState.EMPTY);
            tier.write(List.of(item("a", "1", 1), item("b", "2", 2), item("c", "3", 3)), List.of());
            tier.write(List.of(item("a", "4", 4)), List.of(Key.of("b")));
            tier.writeState(new PersistedState(1 << 20, FlushLimits.uniform(2), 0));
        }
        try (LogTier tier = open()) {
            assertThat(tier.openingState()).isEqualTo(new PersistedState(1 << 20, FlushLimits.uniform(2), 0));
            assertThat(value(tier.read(Key.of("a")))).isEqualTo("4");
            assertThat(tier.read(Key.of("b"))).isNull();
            assertThat(value(tier.read(Key.of("c")))).isEqualTo("3");
            assertThat(tier.itemCount()).isEqualTo(2);
            assertExact(tier);
        }
    }

    @Test
    void cutsATornWriteOffTheEnd() throws Exception {
        try (LogTier tier = open()) {
            tier.write(List.of(item("a", "1", 1)), List.of());
            tier.write(List.of(item("b", "2", 2)), List.of());
        }
        Path segment = segments().getLast();
        long whole = Files.size(segment);
        // the second frame, torn: its last byte never reached the file, then garbage a crash left
        try (FileChannel file = FileChannel.open(segment, StandardOpenOption.WRITE)) {
            file.truncate(whole - 1);
            file.write(ByteBuffer.wrap(new byte[] {0, 0, 1, 0}), whole - 1);
        }
        try (LogTier tier = open()) {
            assertThat(value(tier.read(Key.of("a")))).isEqualTo("1");
            assertThat(tier.read(Key.of("b"))).isNull();
            assertThat(tier.itemCount()).isEqualTo(1);
            tier.write(List.of(item("c", "3", 3)), List.of());
        }
        try (LogTier tier = open()) {
            assertThat(value(tier.read(Key.of("c")))).as("written after the cut, read after it").isEqualTo("3");
            assertThat(tier.itemCount()).isEqualTo(2);
        }
    }

    @Test
    void reclaimsExpiredAndFlushedRecords() throws Exception {
        try (LogTier tier = open()) {
            tier.write(List.of(item("soon", "1", 3, 1000), item("later", "2", 4, 5000), item("never", "3", 5, 0),
                    item("flushed", "4", 2)), List.of());
            assertThat(tier.reclaim(999, FlushLimits.uniform(0), 100)).isZero();
            assertThat(tier.reclaim(1000, FlushLimits.uniform(0), 100)).isEqualTo(1);
            assertThat(tier.read(Key.of("soon"))).isNull();
            assertThat(tier.reclaim(1000, FlushLimits.uniform(2), 100)).as("CAS at or below the flush limit").isEqualTo(1);
            assertThat(tier.itemCount()).isEqualTo(2);
            assertThat(value(tier.read(Key.of("later")))).isEqualTo("2");
            assertThat(tier.reclaim(10_000, FlushLimits.uniform(2), 1)).isEqualTo(1);
            assertThat(tier.itemCount()).isEqualTo(1);
            assertExact(tier);
        }
    }

    @Test
    void aRemovalTheCacheRefusesStays() throws Exception {
        Removals keepB = new Removals() {
            @Override
            public boolean mayRemove(Key key, long version) {
                return !key.equals(Key.of("b"));
            }

            @Override
            public void removed(boolean written) {
            }
        };
        try (LogTier tier = open()) {
            tier.write(List.of(item("a", "1", 1, 10_000), item("b", "2", 2, 10_000)), List.of());
            assertThat(tier.reclaim(10_000, FlushLimits.uniform(0), 100, keepB)).isEqualTo(1);
            assertThat(value(tier.read(Key.of("b")))).isEqualTo("2");
            assertThat(tier.evictOldest(1, keepB)).isZero();
            assertThat(value(tier.read(Key.of("b")))).as("moved to the head, not evicted").isEqualTo("2");
            assertExact(tier);
        }
    }

    @Test
    void evictsWholeSegmentsOldestFirstAndWhatItEvictedStaysGone() throws Exception {
        long left;
        try (LogTier tier = open(4096)) {
            for (int i = 0; i < 100; i++) {
                tier.write(List.of(item(String.format("k%02d", i), "x".repeat(400), i + 1)), List.of());
            }
            long segments = tier.statistics().get("log_segments");
            int evicted = tier.evictOldest(10 * 400);
            assertThat(evicted).isBetween(10, 20);
            assertThat(tier.statistics().get("log_segments")).isLessThan(segments);
            for (int i = 0; i < evicted; i++) {
                assertThat(tier.read(Key.of(String.format("k%02d", i)))).isNull();
            }
            assertThat(tier.read(Key.of(String.format("k%02d", evicted)))).isNotNull();
            assertThat(tier.itemCount()).isEqualTo(100 - evicted);
            assertExact(tier);
            // a delete of what the disk evicted writes nothing; nothing evicted comes back
            tier.write(List.of(DiskWrite.delete(Key.of("k00"), Prior.NONE)));
            left = tier.itemCount();
        }
        try (LogTier tier = open(4096)) {
            assertThat(tier.read(Key.of("k00"))).isNull();
            assertThat(tier.itemCount()).isEqualTo(left);
            assertExact(tier);
        }
    }

    @Test
    void compactsOverwrittenSegmentsAndKeepsEveryLiveItem() throws Exception {
        Random random = new Random(23);
        Map<String, String> expected = new HashMap<>();
        long cas = 0;
        try (LogTier tier = open(8192)) {
            for (int round = 0; round < 200; round++) {
                List<DiskWrite> batch = new ArrayList<>();
                for (int i = 0; i < 10; i++) {
                    String key = "k" + (round * 10 + i) % 50;
                    if (random.nextInt(10) == 0) {
                        batch.add(DiskWrite.delete(Key.of(key), Prior.UNKNOWN));
                        expected.remove(key);
                    } else {
                        String value = Integer.toString(random.nextInt()).repeat(1 + random.nextInt(30));
                        batch.add(DiskWrite.put(item(key, value, ++cas), Prior.UNKNOWN));
                        expected.put(key, value);
                    }
                }
                tier.write(batch);
            }
            assertThat(tier.statistics().get("log_compactions")).isPositive();
            assertThat(tier.diskUsage()).as("overwritten records give their space back").isLessThan(cas * 100 / 2);
            assertLive(tier, expected);
        }
        try (LogTier tier = open(8192)) {
            assertLive(tier, expected);
        }
    }

    private void assertLive(LogTier tier, Map<String, String> expected) throws DiskTierException, IOException {
        for (int i = 0; i < 50; i++) {
            assertThat(value(tier.read(Key.of("k" + i)))).as("k" + i).isEqualTo(expected.get("k" + i));
        }
        assertThat(tier.itemCount()).isEqualTo(expected.size());
        assertExact(tier);
    }

    @Test
    void aDirectoryPastItsMemoryBoundAsksForEvictions() throws Exception {
        // 1,024 slots of 32 bytes: evictions asked for past 768 keys, down to 682
        try (LogTier tier = LogTier.open(new LogSettings(dir, false, 4096, 32 * 1024, false))) {
            long cas = 0;
            for (int i = 0; i < 700; i++) {
                tier.write(List.of(item("k" + i, "v", ++cas)), List.of());
            }
            assertThat(tier.overOwnBound()).isZero();
            for (int i = 700; i < 3000; i++) {
                tier.write(List.of(item("k" + i, "v", ++cas)), List.of());
            }
            assertThat(tier.itemCount()).as("a write is never refused").isEqualTo(3000);
            double share = tier.overOwnBound();
            assertThat(share).isCloseTo(1 - 682.67 / 3000, org.assertj.core.data.Offset.offset(0.001));
            tier.evictOldest((long) Math.ceil(tier.dataBytes() * share));
            assertThat(tier.itemCount()).isBetween(600L, 682L);
            assertThat(tier.overOwnBound()).isZero();
            assertThat(tier.read(Key.of("k0"))).as("the oldest went").isNull();
            assertThat(value(tier.read(Key.of("k2999")))).isEqualTo("v");
            assertExact(tier);
        }
    }

    @Test
    void listsLiveKeysInOrder() throws Exception {
        try (LogTier tier = open()) {
            tier.write(List.of(item("b2", "1", 1), item("a1", "2", 2), item("b1", "3", 3), item("b3", "4", 4)), List.of());
            tier.write(List.of(item("b1", "5", 5)), List.of(Key.of("b3")));
            assertThat(tier.keysAfter("b".getBytes(StandardCharsets.US_ASCII), null, 10)).containsExactly(Key.of("b1"), Key.of("b2"));
            assertThat(tier.keysAfter(new byte[0], Key.of("a1"), 1)).containsExactly(Key.of("b1"));
        }
    }

    @Test
    void refusesADirectoryThatIsAlreadyOpen() throws Exception {
        try (LogTier tier = open()) {
            assertThatThrownBy(this::open).isInstanceOf(DiskTierException.class)
                    .hasMessageContaining("in use by another RatMemCache").hasMessageContaining(dir.toString());
        }
    }

    @Test
    void refusesAnotherFormatInsteadOfHalfReadingIt() throws Exception {
        try (LogTier tier = open()) {
            tier.write(List.of(item("a", "1", 1)), List.of());
        }
        Files.writeString(dir.resolve("FORMAT"), "ratmemcache-l2 log=2\n");
        assertThatThrownBy(this::open).isInstanceOf(DiskTierException.class).hasMessageContaining("log=2");
    }

    private List<Path> segments() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(file -> Segment.idOf(file) >= 0).sorted().toList();
        }
    }
}
