package org.ratmemcache.storage.log;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import org.ratmemcache.core.Key;
import org.ratmemcache.core.disk.DataDirs;
import org.ratmemcache.core.disk.DiskItem;
import org.ratmemcache.core.disk.DiskTierException;
import org.ratmemcache.core.disk.DiskWrite;
import org.ratmemcache.core.disk.Prior;
import org.ratmemcache.storage.rocksdb.RocksDbSettings;
import org.ratmemcache.storage.rocksdb.RocksDbTier;

/**
 * Turns a data directory the RocksDB store wrote into a log, in place, on the first open: every
 * item (with its version, CAS, flags, expiry and meta marks) and the cache's state are copied into
 * a log built in {@code upgrade/}, which is marked complete; only then are RocksDB's files deleted
 * and the log's moved up, its format file last. A crash at any point leaves either the RocksDB
 * directory as it was (the next open starts again) or a complete log to finish moving.
 */
final class RocksDbUpgrade {

    private static final System.Logger LOG = System.getLogger(RocksDbUpgrade.class.getName());
    private static final String STAGING = "upgrade";
    private static final String COMPLETE = "COMPLETE";
    private static final int PAGE = 1000;

    private RocksDbUpgrade() {
    }

    /** Upgrades {@code dir} if it holds RocksDB's files rather than a log's, or finishes an upgrade a crash cut short. */
    static void ifNeeded(Path dir) throws DiskTierException {
        Path staging = dir.resolve(STAGING);
        try {
            if (!Files.exists(staging.resolve(COMPLETE))) {
                if (!Files.exists(dir.resolve("CURRENT")) || Files.exists(dir.resolve(DataDirectory.FORMAT_FILE))) {
                    return;
                }
                copy(dir, staging);
            }
            replace(dir, staging);
        } catch (IOException e) {
            throw new DiskTierException("upgrade of the L2 data directory " + dir + " from RocksDB to a log failed: " + e, e);
        }
    }

    /** Copies every item and the state from the RocksDB store in {@code dir} to a complete log in {@code staging}. */
    private static void copy(Path dir, Path staging) throws IOException, DiskTierException {
        DataDirs.delete(staging);
        long items = 0;
        try (RocksDbTier from = RocksDbTier.open(RocksDbSettings.defaults(dir));
                LogTier to = LogTier.openLog(new LogSettings(staging, false, LogSettings.MAX_SEGMENT_BYTES,
                        LogSettings.MAX_DIRECTORY_BYTES, true))) {
            LOG.log(System.Logger.Level.INFO, "upgrading the L2 data directory " + dir + " from RocksDB to a log: "
                    + from.itemCount() + " items");
            Key after = null;
            for (List<Key> page = from.keysAfter(new byte[0], null, PAGE); !page.isEmpty();
                    page = from.keysAfter(new byte[0], after, PAGE)) {
                List<DiskWrite> writes = new ArrayList<>(page.size());
                for (Key key : page) {
                    DiskItem item = from.read(key);
                    if (item != null) {
                        writes.add(DiskWrite.put(item, Prior.NONE));
                    }
                }
                to.write(writes);
                items += writes.size();
                after = page.getLast();
            }
            to.writeState(from.openingState());
        }
        try (FileChannel marker = FileChannel.open(staging.resolve(COMPLETE), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            marker.force(true);
        }
        DataDirectory.sync(staging);
        LOG.log(System.Logger.Level.INFO, "the L2 log in " + staging + " holds the " + items + " items; replacing RocksDB's files");
    }

    /** Deletes what is not the log's in {@code dir}, then moves the log up from {@code staging}, its format file last. */
    private static void replace(Path dir, Path staging) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.toList()) {
                if (!file.equals(staging) && !DataDirectory.isLogFile(file)) {
                    DataDirs.delete(file);
                }
            }
        }
        try (Stream<Path> files = Files.list(staging)) {
            for (Path file : files.sorted(Comparator.comparing((Path f) -> f.getFileName().toString().equals(DataDirectory.FORMAT_FILE)))
                    .toList()) {
                if (DataDirectory.isLogFile(file)) {
                    Files.move(file, dir.resolve(file.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        DataDirectory.sync(dir);
        DataDirs.delete(staging);
        LOG.log(System.Logger.Level.INFO, "the L2 data directory " + dir + " is a log now");
    }
}
