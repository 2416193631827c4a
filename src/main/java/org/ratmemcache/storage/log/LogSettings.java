package org.ratmemcache.storage.log;

import java.nio.file.Path;

/**
 * How the log tier is opened.
 *
 * @param dataDir        the directory holding the segments
 * @param clearOnStartup delete whatever the directory holds before opening
 * @param segmentBytes   the size at which a segment is sealed and the next one started: the unit
 *                       in which eviction and compaction give space back
 * @param directoryBytes the memory the directory of the keys may take: past three quarters of it,
 *                       the oldest records are evicted ({@link KeyDirectory#SLOT_BYTES} a slot)
 * @param fsync          sync every write to the device, so that writes survive a power loss and not
 *                       only a crash of the process
 */
public record LogSettings(Path dataDir, boolean clearOnStartup, long segmentBytes, long directoryBytes, boolean fsync) {

    /** The largest segment; a smaller disk bound takes smaller ones ({@link #segmentBytesFor}). */
    public static final long MAX_SEGMENT_BYTES = 16L << 20;

    public LogSettings {
        if (segmentBytes < 4096 || segmentBytes > 1L << 30) {
            throw new IllegalArgumentException("segment size " + segmentBytes + " is not within 4 KiB and 1 GiB");
        }
    }

    /**
     * Segments of a 32nd of the disk bound, 1 to 16 MiB: evicting or compacting one takes little of
     * the bound, and holds the writer up for little (16 MiB of 100-byte items is 100,000 records).
     */
    public static long segmentBytesFor(long maxDiskSize) {
        return maxDiskSize <= 0 ? MAX_SEGMENT_BYTES : Math.clamp(maxDiskSize / 32, 1L << 20, MAX_SEGMENT_BYTES);
    }

    /** The largest directory {@code L2Memory} derives: about 25 million keys. */
    public static final long MAX_DIRECTORY_BYTES = 1L << 30;

    /** A 64 MiB directory (about 1.5 million keys) and segments of 16 MiB. */
    public static LogSettings defaults(Path dataDir) {
        return new LogSettings(dataDir, false, MAX_SEGMENT_BYTES, 64L << 20, false);
    }
}
