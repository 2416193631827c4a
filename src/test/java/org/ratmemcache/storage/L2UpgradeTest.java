package org.ratmemcache.storage;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.ratmemcache.core.Expiry;
import org.ratmemcache.core.Item;
import org.ratmemcache.core.Key;
import org.ratmemcache.core.StoreMode;
import org.ratmemcache.core.StoreResult;
import org.ratmemcache.core.disk.DiskTier;
import org.ratmemcache.core.engine.TieredCache;
import org.ratmemcache.storage.log.LogSettings;
import org.ratmemcache.storage.log.LogTier;
import org.ratmemcache.storage.rocksdb.RocksDbSettings;
import org.ratmemcache.storage.rocksdb.RocksDbTier;
import org.ratmemcache.testing.Reads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A data directory written by an earlier build opens in this one, upgraded in place, and every
 * item reads back as that build stored it. The fixtures under {@code l2-fixtures/<commit>/} were
 * made by that commit's build with {@code l2-fixtures/make.py}: {@code closed} by a clean stop
 * (everything in files), {@code killed} by kill -9 in write-through (everything in the write-ahead
 * log). {@code expected.tsv} lists what that build answered just before. Each store opens them:
 * the RocksDB store as they are, the log store after turning them into a log.
 */
class L2UpgradeTest {

    @TempDir
    Path dir;

    private TieredCache cache;

    @AfterEach
    void close() {
        if (cache != null) {
            cache.close();
        }
    }

    enum Store { ROCKSDB, LOG }

    @ParameterizedTest
    @CsvSource({"19c2b2a/closed, LOG", "19c2b2a/killed, LOG", "19c2b2a/closed, ROCKSDB", "19c2b2a/killed, ROCKSDB"})
    void everyItemOfAnEarlierBuildReadsBack(String fixture, Store store) throws Exception {
        List<Row> expected = copyFixture(fixture);
        List<Row> present = expected.stream().filter(Row::present).toList();
        assertThat(present).hasSizeGreaterThan(100);

        for (int open = 1; open <= 2; open++) { // upgraded on the first open, then as it was left
            cache = open(store);
            for (Row row : expected) {
                Item item = Reads.item(cache, Key.of(row.key));
                if (!row.present()) {
                    assertThat(item).as("%s (open %d)", row.key, open).isNull();
                    continue;
                }
                assertThat(item).as("%s (open %d)", row.key, open).isNotNull();
                assertThat(Integer.toUnsignedLong(item.flags())).as("flags of %s", row.key).isEqualTo(row.flags);
                assertThat(item.expiresAt()).as("expiry of %s", row.key)
                        .isEqualTo(row.exptime == 0 ? Expiry.NEVER : row.exptime * 1000);
                assertThat(item.cas()).as("CAS of %s", row.key).isEqualTo(row.cas);
                assertThat(item.valueLength()).as("length of %s", row.key).isEqualTo(row.length);
                assertThat(sha256(item.value())).as("value of %s", row.key).isEqualTo(row.sha256);
            }
            // the flushed and expired records are reclaimed; then the disk counts exactly what is left
            await().untilAsserted(() -> assertThat(Reads.disk(cache.view()).items()).isEqualTo(present.size()));

            // (a CAS a client chose with the meta protocol's E flag is not the cache's to order)
            long newest = present.stream().filter(row -> !row.key.startsWith("chosen:")).mapToLong(Row::cas).max().orElseThrow();
            Key next = Key.of("written-after-open-" + open);
            assertThat(cache.store(StoreMode.SET, next, 0, Expiry.NEVER, "x".getBytes(StandardCharsets.US_ASCII), 0).join())
                    .isEqualTo(StoreResult.STORED);
            assertThat(Reads.item(cache, next).cas()).as("CAS stays monotonic").isGreaterThan(newest);
            assertThat(cache.delete(next, 0).join()).isNotNull();
            cache.close();
            cache = null;
            if (store == Store.LOG) {
                try (Stream<Path> files = Files.list(dir)) {
                    assertThat(files.map(file -> file.getFileName().toString()))
                            .as("only the log's files are left").allMatch(name -> name.matches("\\d{10}\\.log|FORMAT|STATE|LOCK"));
                }
            }
        }
    }

    @org.junit.jupiter.api.Test
    void anUpgradeACrashCutShortIsDoneAgainOrFinished(@TempDir Path other) throws Exception {
        // cut short while copying: what the staging directory holds is thrown away, the copy made again
        List<Row> expected = copyFixture("19c2b2a/closed");
        Files.createDirectories(dir.resolve("upgrade"));
        Files.writeString(dir.resolve("upgrade/0000000001.log"), "half a segment");
        assertEveryItem(expected);

        // cut short while replacing RocksDB's files: the complete log is moved up
        Path upgraded = dir.resolve("upgrade");
        Files.createDirectories(upgraded);
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(file -> !file.equals(upgraded)).toList()) {
                Files.move(file, upgraded.resolve(file.getFileName()));
            }
        }
        Files.createFile(upgraded.resolve("COMPLETE"));
        Path fixture = dir;
        dir = other;
        copyFixture("19c2b2a/closed");
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.toList()) {
                Files.move(file, fixture.resolve(file.getFileName()));
            }
        }
        dir = fixture;
        Files.move(upgraded.resolve("0000000001.log"), dir.resolve("0000000001.log")); // one segment moved already
        assertEveryItem(expected);
        assertThat(upgraded).doesNotExist();
    }

    private void assertEveryItem(List<Row> expected) throws Exception {
        cache = open(Store.LOG);
        for (Row row : expected) {
            Item item = Reads.item(cache, Key.of(row.key));
            assertThat(item == null ? null : sha256(item.value())).as(row.key).isEqualTo(row.sha256);
        }
        cache.close();
        cache = null;
    }

    private TieredCache open(Store store) throws Exception {
        DiskTier disk = store == Store.LOG ? LogTier.open(LogSettings.defaults(dir)) : RocksDbTier.open(RocksDbSettings.defaults(dir));
        // L1 holds 8 items: nearly every read comes from the disk
        return TieredCache.builder().maxEntries(8).disk(disk).build();
    }

    private List<Row> copyFixture(String fixture) throws IOException, URISyntaxException {
        Path source = Path.of(getClass().getResource("/l2-fixtures/" + fixture).toURI());
        Path data = source.resolve("data");
        try (Stream<Path> files = Files.walk(data)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Path copy = dir.resolve(data.relativize(file).toString());
                Files.createDirectories(copy.getParent());
                Files.copy(file, copy);
            }
        }
        return Files.readAllLines(source.resolve("expected.tsv")).stream().map(Row::parse).toList();
    }

    private static String sha256(byte[] value) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value));
    }

    /** A line of expected.tsv: {@code present key flags exptime cas length sha256}, or {@code absent key}. */
    private record Row(String key, long flags, long exptime, long cas, int length, String sha256) {
        static Row parse(String line) {
            String[] fields = line.split("\t");
            return fields[0].equals("absent") ? new Row(fields[1], 0, 0, 0, -1, null)
                    : new Row(fields[1], Long.parseLong(fields[2]), Long.parseLong(fields[3]), Long.parseLong(fields[4]),
                            Integer.parseInt(fields[5]), fields[6]);
        }

        boolean present() {
            return sha256 != null;
        }
    }
}
