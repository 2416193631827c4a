package org.ratmemcache.storage.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.atomic.LongAdder;

import org.ratmemcache.core.DatabaseSize;
import org.ratmemcache.core.Item;
import org.ratmemcache.core.Key;
import org.ratmemcache.core.KeyScan;
import org.ratmemcache.core.disk.DataDirs;
import org.ratmemcache.core.disk.DiskItem;
import org.ratmemcache.core.disk.DiskTier;
import org.ratmemcache.core.disk.DiskTierException;
import org.ratmemcache.core.disk.DiskWrite;
import org.ratmemcache.core.disk.FlushLimits;
import org.ratmemcache.core.disk.LowestPositions;
import org.ratmemcache.core.disk.PersistedState;
import org.ratmemcache.core.disk.Prior;
import org.ratmemcache.core.disk.Removals;

/**
 * The L2 tier as an append-only log with its directory in memory: the pattern of Redis's AOF,
 * Bitcask and memcached's extstore, for a store that is only ever written whole items.
 *
 * <h2>Writes</h2>
 * A batch becomes frames of records ({@link LogRecord}) appended to the newest segment with one
 * {@code write} each ({@link Log}); then the {@link KeyDirectory} points each key at its new
 * record. What a write replaces is known without reading: the cache's {@link Prior} says which
 * version the disk holds, and versions are unique, so the directory's entry either is that version
 * or belongs to another key (then the key's entry goes among the directory's collisions). A write
 * whose prior is unknown (the cache no longer holds the key) takes the entry under the key's
 * 64-bit hash as the key's, as does reading the log again: two keys on disk with the same hash, a
 * chance of one in 2<sup>64</sup> for each pair, make the older one evicted, never another key's
 * value served (a read checks the record's key), and the totals stay those of the directory. A
 * delete of a key the disk does not hold writes nothing; any other writes a tombstone, which keeps
 * the deleted record from coming back when the log is read again.
 *
 * <h2>Space</h2>
 * A replaced record stays where it is until its segment goes. {@link #evictOldest} deletes the
 * oldest segments whole: their live records are evicted (or, when the cache refuses, moved to the
 * head). Compaction, run after a write, moves the live records of the sealed segment with the
 * fewest live bytes to the head and deletes it, once dead bytes are half of the log. Expired and
 * flushed records leave the directory in {@link #reclaim} and need no tombstone: read again, they
 * are still expired or flushed.
 *
 * <h2>Opening</h2>
 * The segments are read in order and the directory rebuilt from them: for each key its newest
 * record, unless a tombstone of that version or later follows. A torn frame at the end (a crash
 * in the middle of a write) is cut off. The lock, the format and the cache's
 * {@link PersistedState} are {@link DataDirectory}'s.
 */
public final class LogTier implements DiskTier {

    private static final System.Logger LOG = System.getLogger(LogTier.class.getName());

    /** The largest frame the writer collects before appending it: one {@code write} call. */
    private static final int FRAME_BYTES = 1 << 20;
    /** Records one eviction call scans at most (whole segments): a bound on the writer's pause. */
    private static final int EVICTION_RECORDS = 100_000;
    /** Evictions after which the cache's markers of the evicted keys are released. */
    private static final int RELEASE_EVERY = 1024;

    private final Path dataDir;
    private final LogSettings settings;
    private final DataDirectory files;
    private final Log log;
    private final KeyDirectory directory;
    private final PersistedState openingState;

    /** The writer's frame; records from {@link Log#FRAME_HEADER} on. */
    private ByteBuffer frame = ByteBuffer.allocateDirect(FRAME_BYTES);
    private final List<Change> changes = new ArrayList<>();

    private volatile long items;
    private volatile long dataBytes;
    private long deadBytes;
    /** No entry expires before this (epoch ms), as of the last full pass; 0 when unknown. */
    private long nextExpiry;
    /** Every record these limits cover (its database's) has been reclaimed. */
    private FlushLimits reclaimedFlushes = FlushLimits.NONE;

    private final LongAdder recordsWritten = new LongAdder();
    private final LongAdder readsBeforeWrite = new LongAdder();
    private final LongAdder compactions = new LongAdder();
    private final LongAdder movedBytes = new LongAdder();

    /**
     * One record of a frame, applied to the directory once the frame is in the log: a write of
     * {@code written} over {@code replaced} (either null); a record moved by compaction or eviction
     * has both the same.
     */
    private record Change(Key key, KeyDirectory.Entry replaced, KeyDirectory.Entry written, int at, int length) {

        boolean moved() {
            return written != null && written == replaced;
        }
    }

    private LogTier(Path dataDir, LogSettings settings, DataDirectory files) throws IOException, DiskTierException {
        this.dataDir = dataDir;
        this.settings = settings;
        this.files = files;
        this.openingState = files.readState();
        this.directory = new KeyDirectory(settings.directoryBytes());
        try {
            this.log = new Log(dataDir, settings.segmentBytes());
        } catch (IOException | RuntimeException e) {
            directory.close();
            throw e;
        }
        try {
            rebuild();
        } catch (IOException | RuntimeException e) {
            directory.close();
            log.close();
            throw e;
        }
    }

    /**
     * Opens (and creates, the first time) the log in the settings' data directory; a directory the
     * RocksDB store wrote is upgraded to a log first ({@link RocksDbUpgrade}).
     */
    public static LogTier open(LogSettings settings) throws DiskTierException {
        if (!settings.clearOnStartup()) {
            RocksDbUpgrade.ifNeeded(settings.dataDir().toAbsolutePath());
        }
        return openLog(settings);
    }

    /** Opens the log in the settings' data directory, as it is. */
    static LogTier openLog(LogSettings settings) throws DiskTierException {
        Path dir = settings.dataDir().toAbsolutePath();
        DataDirectory files = null;
        try {
            files = DataDirectory.take(dir, settings.clearOnStartup());
            LogTier tier = new LogTier(dir, settings, files);
            LOG.log(System.Logger.Level.INFO, "L2 tier open in " + dir + ": " + tier.items + " items in "
                    + tier.log.segments().size() + " segments");
            return tier;
        } catch (IOException e) {
            closeQuietly(files);
            throw new DiskTierException("cannot open the L2 tier in " + dir + ": " + e, e);
        } catch (DiskTierException | RuntimeException e) {
            closeQuietly(files);
            throw e;
        }
    }

    // ---- reads

    @Override
    public boolean mayContain(Key key) {
        return directory.mayContain(key);
    }

    @Override
    public DiskItem read(Key key) throws DiskTierException {
        try {
            for (int attempt = 0; ; attempt++) {
                KeyDirectory.Entry entry = entryOf(key);
                if (entry == null) {
                    return null;
                }
                try {
                    LogRecord.View record = recordAt(entry.location(), entry.length());
                    return record.hasKey(key) ? record.item(key.toStored()) : null;
                } catch (Log.Gone moved) {
                    // compacted or evicted since the lookup: look again (a segment goes at most
                    // once per compaction, so only a directory pointing at nothing keeps this up)
                    if (attempt == 100) {
                        throw new IOException("the directory points into a deleted segment: " + describe(entry.location()));
                    }
                }
            }
        } catch (IOException e) {
            throw new DiskTierException("read of " + key + " from the L2 log in " + dataDir + " failed: " + e, e);
        }
    }

    /** The entry under {@code key}'s hash, or among the collisions: the key's, if it has one. */
    // ---- Redis's keyspace: scans and counts over the directory

    @Override
    public ScannedKeys scan(int database, long cursor, int count, long nowMillis, FlushLimits flushed) throws DiskTierException {
        LowestPositions<KeyDirectory.Entry> page = new LowestPositions<>(cursor, count);
        List<KeyDirectory.Entry> uncertain = new ArrayList<>();
        directory.forEachShared(entry -> {
            if (entry.database() == database && KeyScan.after(entry.hash(), cursor)) {
                switch (liveness(entry, nowMillis, flushed)) {
                    case LIVE -> page.offer(entry.hash(), entry);
                    case UNCERTAIN -> uncertain.add(entry);
                    case DEAD -> { }
                }
            }
        });
        try {
            for (KeyDirectory.Entry entry : uncertain) {
                if (exactExpiry(entry, nowMillis) >= 0) {
                    page.offer(entry.hash(), entry);
                }
            }
            List<Key> keys = new ArrayList<>();
            for (KeyDirectory.Entry entry : page.lowest()) {
                Key key = keyOfLive(entry);
                if (key != null) {
                    keys.add(key);
                }
            }
            return new ScannedKeys(keys, page.more());
        } catch (IOException e) {
            throw new DiskTierException("a scan of the L2 log in " + dataDir + " failed: " + e, e);
        }
    }

    @Override
    public DatabaseSize size(int database, long nowMillis, FlushLimits flushed, java.util.Set<Key> decidedElsewhere)
            throws DiskTierException {
        long[] counts = new long[2];
        List<KeyDirectory.Entry> uncertain = new ArrayList<>();
        List<KeyDirectory.Entry> uncertainLeftOut = new ArrayList<>();
        directory.readLocked(() -> {
            directory.forEach(entry -> {
                if (entry.database() == database) {
                    count(entry, nowMillis, flushed, counts, uncertain, 1);
                }
            });
            for (Key key : decidedElsewhere) {
                KeyDirectory.Entry entry = directory.entryOf(key);
                if (entry != null && entry.database() == key.database()) {
                    count(entry, nowMillis, flushed, counts, uncertainLeftOut, -1);
                }
            }
            return null;
        });
        try {
            for (KeyDirectory.Entry entry : uncertain) {
                if (exactExpiry(entry, nowMillis) >= 0) {
                    counts[0]++;
                    counts[1]++;
                }
            }
            for (KeyDirectory.Entry entry : uncertainLeftOut) {
                if (exactExpiry(entry, nowMillis) >= 0) {
                    counts[0]--;
                    counts[1]--;
                }
            }
        } catch (IOException e) {
            throw new DiskTierException("a count in the L2 log in " + dataDir + " failed: " + e, e);
        }
        return new DatabaseSize(counts[0], counts[1]);
    }

    /** Adds {@code sign} to the counts for a live entry, or notes one within the second before its expiry, to read. */
    private static void count(KeyDirectory.Entry entry, long nowMillis, FlushLimits flushed, long[] counts,
            List<KeyDirectory.Entry> uncertain, int sign) {
        switch (liveness(entry, nowMillis, flushed)) {
            case LIVE -> {
                counts[0] += sign;
                counts[1] += entry.expiresAt() != 0 ? sign : 0;
            }
            case UNCERTAIN -> uncertain.add(entry);
            case DEAD -> { }
        }
    }

    private enum Liveness { LIVE, DEAD, UNCERTAIN }

    /**
     * Whether an entry's record is live, from the entry alone where it can tell: its expiry is kept
     * to the second, rounded up, so within the second before it the record must be read.
     */
    private static Liveness liveness(KeyDirectory.Entry entry, long nowMillis, FlushLimits flushed) {
        if (entry.version() <= flushed.of(entry.database()) || entry.expiresAt() != 0 && entry.expiresAt() <= nowMillis) {
            return Liveness.DEAD;
        }
        return entry.expiresAt() != 0 && entry.expiresAt() - 1000 < nowMillis ? Liveness.UNCERTAIN : Liveness.LIVE;
    }

    /** The expiry of the entry's record, read from it, or -1 if it has passed (or the record has gone). */
    private long exactExpiry(KeyDirectory.Entry entry, long nowMillis) throws IOException {
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                long expiresAt = headAt(entry.location(), entry.length()).expiresAt();
                return expiresAt != 0 && expiresAt <= nowMillis ? -1 : expiresAt;
            } catch (Log.Gone compacted) {
                entry = directory.primary(entry.hash());
                if (entry == null) {
                    return -1;
                }
            }
        }
        return -1;
    }

    /** The key of a live entry, read from its record's head; null if it has gone meanwhile. */
    private Key keyOfLive(KeyDirectory.Entry entry) throws IOException {
        for (int attempt = 0; attempt < 3 && entry != null; attempt++) {
            try {
                return headAt(entry.location(), entry.length()).key();
            } catch (Log.Gone compacted) {
                entry = directory.primary(entry.hash()); // moved to the head by compaction: look again
            }
        }
        return null;
    }

    private KeyDirectory.Entry entryOf(Key key) {
        KeyDirectory.Entry collided = directory.overflow(key);
        return collided != null ? collided : directory.primary(key.hash64());
    }

    private LogRecord.View recordAt(long location, int length) throws IOException, Log.Gone {
        ByteBuffer bytes = log.read(location, length);
        LogRecord.View record = LogRecord.view(bytes, 0, length);
        if (record == null) {
            throw new IOException("no readable record of " + length + " bytes at " + describe(location));
        }
        return record;
    }

    /** The key of the record at {@code location}, reading no more than its head. */
    private LogRecord.View headAt(long location, int length) throws IOException, Log.Gone {
        int head = Math.min(length, LogRecord.MAX_HEAD);
        ByteBuffer bytes = log.read(location, head);
        LogRecord.View record = LogRecord.view(bytes, 0, length);
        if (record != null && record.keyAt() + record.keyLength() > head && head < length) {
            head = record.keyAt() + record.keyLength(); // a key longer than memcached's: read on to its end
            bytes = log.read(location, head);
            record = LogRecord.view(bytes, 0, length);
        }
        if (record == null || record.keyAt() + record.keyLength() > head) {
            throw new IOException("no readable record head at " + describe(location));
        }
        return record;
    }

    @Override
    public List<Key> keysAfter(byte[] prefix, Key after, int max) throws DiskTierException {
        TreeSet<Key> smallest = new TreeSet<>();
        try {
            for (Segment segment : log.segments()) {
                try {
                    log.scan(segment, (record, location) -> {
                        if (record.tombstone() || record.database() != 0 || record.keyLength() < prefix.length) {
                            return;
                        }
                        Key key = record.key();
                        if (!key.startsWith(prefix) || after != null && key.compareTo(after) <= 0) {
                            return;
                        }
                        KeyDirectory.Entry entry = entryOf(key);
                        if (entry == null || entry.location() != location) {
                            return;
                        }
                        if (smallest.size() < max) {
                            smallest.add(key);
                        } else if (key.compareTo(smallest.last()) < 0 && smallest.add(key)) {
                            smallest.pollLast();
                        }
                    });
                } catch (ClosedChannelException deleted) {
                    // compacted meanwhile: its live records are now at the head
                }
            }
        } catch (IOException e) {
            throw new DiskTierException("key listing of the L2 log in " + dataDir + " failed: " + e, e);
        }
        return new ArrayList<>(smallest);
    }

    // ---- writes

    @Override
    public void write(List<DiskWrite> writes) throws DiskTierException {
        try {
            for (DiskWrite write : writes) {
                Key key = write.key();
                KeyDirectory.Entry replaced = current(key, write.prior());
                if (write.item() != null) {
                    Item item = write.item();
                    int length = LogRecord.length(item);
                    int at = room(length);
                    LogRecord.putItem(frame, item);
                    changes.add(new Change(key, replaced, new KeyDirectory.Entry(KeyDirectory.slotHash(key.hash64()),
                            item.version(), 0, length, item.expiresAt(), key.database()), at, length));
                } else if (replaced != null) {
                    int length = LogRecord.tombstoneLength(key);
                    int at = room(length);
                    LogRecord.putTombstone(frame, key, replaced.version());
                    changes.add(new Change(key, replaced, null, at, length));
                }
            }
            appendFrame();
            if (settings.fsync()) {
                log.force();
            }
        } catch (IOException | RuntimeException e) {
            frame.clear();
            changes.clear();
            throw new DiskTierException("write to the L2 log in " + dataDir + " failed: " + e, e);
        }
        try {
            compactIfWasteful();
        } catch (IOException | RuntimeException e) {
            frame.clear();
            changes.clear();
            LOG.log(System.Logger.Level.WARNING, "compaction of the L2 log in " + dataDir + " failed, to be tried again: " + e);
        }
    }

    /**
     * What the disk holds for {@code key}: its entry, or null. The prior says it; an unknown one
     * takes the entry under the key's hash as the key's (see the class note); a prior the directory
     * disagrees with is checked by reading the record's key.
     */
    private KeyDirectory.Entry current(Key key, Prior prior) throws IOException {
        KeyDirectory.Entry collided = directory.overflow(key);
        if (collided != null) {
            return collided;
        }
        KeyDirectory.Entry primary = directory.ownPrimary(key.hash64());
        if (primary == null) {
            return null;
        }
        return switch (prior) {
            case Prior.None none -> null;
            case Prior.Unknown unknown -> primary;
            case Prior.Held held when held.version() == primary.version() -> primary;
            case Prior.Held held -> holds(primary, key) ? primary : null;
        };
    }

    /** Whether {@code entry}'s record is {@code key}'s: a read of its head. */
    private boolean holds(KeyDirectory.Entry entry, Key key) throws IOException {
        readsBeforeWrite.increment();
        try {
            return headAt(entry.location(), entry.length()).hasKey(key);
        } catch (Log.Gone gone) {
            throw new IOException("the directory points into a deleted segment: " + describe(entry.location()));
        }
    }

    /** Makes room for a record of {@code length} bytes in the frame; returns where it starts. */
    private int room(int length) throws IOException {
        if (frame.position() == 0) {
            frame.position(Log.FRAME_HEADER);
        }
        if (frame.remaining() < length) {
            appendFrame();
            if (frame.capacity() < Log.FRAME_HEADER + length) {
                frame = ByteBuffer.allocateDirect(Log.FRAME_HEADER + length);
            }
            frame.position(Log.FRAME_HEADER);
        }
        return frame.position();
    }

    /** Appends the frame, then points the directory at its records. */
    private void appendFrame() throws IOException {
        if (changes.isEmpty()) {
            frame.clear();
            return;
        }
        frame.flip();
        long at = log.append(frame);
        deadBytes += Log.FRAME_HEADER;
        for (Change change : changes) {
            apply(change, at + change.at());
        }
        recordsWritten.add(changes.size());
        changes.clear();
        frame.clear();
        if (frame.capacity() > FRAME_BYTES) {
            frame = ByteBuffer.allocateDirect(FRAME_BYTES);
        }
    }

    private void apply(Change change, long location) {
        if (change.moved()) {
            KeyDirectory.Entry entry = change.written();
            directory.relocate(change.key(), entry, location);
            log.segment(Log.segmentOf(entry.location())).live -= entry.length();
            log.segment(Log.segmentOf(location)).live += entry.length();
            deadBytes += entry.length(); // the copy left behind
            return;
        }
        KeyDirectory.Entry replaced = change.replaced();
        if (replaced != null) {
            forget(change.key(), replaced, change.written() == null);
        }
        KeyDirectory.Entry written = change.written();
        if (written == null) {
            deadBytes += change.length();
            return;
        }
        written = written.at(location);
        if (replaced == null) {
            if (!directory.putPrimaryIfAbsent(written)) {
                directory.putOverflow(change.key(), written); // its hash is another key's
            }
        } else if (directory.overflow(change.key()) != null) {
            directory.putOverflow(change.key(), written);
        } else {
            directory.replacePrimary(written);
        }
        log.segment(Log.segmentOf(location)).live += written.length();
        items++;
        dataBytes += written.length();
        if (written.expiresAt() != 0 && (nextExpiry == 0 || written.expiresAt() < nextExpiry)) {
            nextExpiry = written.expiresAt();
        }
    }

    /** Takes {@code entry} out of the totals, and out of the directory when {@code remove}. */
    private void forget(Key key, KeyDirectory.Entry entry, boolean remove) {
        if (remove) {
            directory.remove(key, entry);
        }
        Segment segment = log.segment(Log.segmentOf(entry.location()));
        if (segment != null) {
            segment.live -= entry.length();
        }
        deadBytes += entry.length();
        items--;
        dataBytes -= entry.length();
    }

    // ---- space

    @Override
    public int reclaim(long nowMillis, FlushLimits flushed, int budget, Removals removals) throws DiskTierException {
        try {
            int reclaimed = 0;
            boolean due = nextExpiry != 0 && nextExpiry <= nowMillis || !flushed.equals(reclaimedFlushes);
            if (due) {
                reclaimed = removing(removals, () -> reclaimDead(nowMillis, flushed, budget, removals));
            }
            return reclaimed;
        } catch (IOException e) {
            throw new DiskTierException("reclaim in the L2 log in " + dataDir + " failed: " + e, e);
        }
    }

    /** One pass over the directory: removes up to {@code budget} expired or flushed entries. */
    private int reclaimDead(long nowMillis, FlushLimits flushed, int budget, Removals removals) throws IOException {
        List<KeyDirectory.Entry> dead = new ArrayList<>();
        long[] next = {0};
        directory.forEach(entry -> {
            boolean expired = entry.expiresAt() != 0 && entry.expiresAt() <= nowMillis;
            if ((expired || entry.version() <= flushed.of(entry.database())) && dead.size() < budget) {
                dead.add(entry);
            } else if (entry.expiresAt() != 0 && (next[0] == 0 || entry.expiresAt() < next[0])) {
                next[0] = entry.expiresAt();
            }
        });
        int removed = 0;
        for (KeyDirectory.Entry entry : dead) {
            Key key = keyOf(entry);
            if (removals.mayRemove(key, entry.version())) {
                forget(key, entry, true);
                removed++;
            }
        }
        if (dead.size() < budget) {
            nextExpiry = next[0];
            reclaimedFlushes = flushed;
        }
        return removed;
    }

    private Key keyOf(KeyDirectory.Entry entry) throws IOException {
        try {
            return headAt(entry.location(), entry.length()).key();
        } catch (Log.Gone gone) {
            throw new IOException("the directory points into a deleted segment: " + describe(entry.location()));
        }
    }

    @Override
    public int evictOldest(long bytes, Removals removals) throws DiskTierException {
        try {
            return removing(removals, () -> {
                long freed = 0;
                int[] evicted = {0};
                long scanned = 0;
                // at most every segment once (records the cache keeps move to the head, not round
                // again), and a bounded amount of work per call, so that writes are not held up
                for (int segments = log.segments().size();
                        freed < bytes && dataBytes > 0 && segments > 0 && scanned < EVICTION_RECORDS; segments--) {
                    Segment oldest = log.segments().getFirst();
                    if (oldest == log.active()) {
                        log.rotate();
                    }
                    long before = dataBytes;
                    scanned += empty(oldest, (key, entry) -> {
                        if (!removals.mayRemove(key, entry.version())) {
                            return true;
                        }
                        forget(key, entry, true);
                        if (++evicted[0] % RELEASE_EVERY == 0) {
                            // gone from the directory, which is all a reader asks: the cache's
                            // markers for these keys can go before the round ends
                            removals.removed(true);
                        }
                        return false;
                    });
                    freed += before - dataBytes;
                }
                return evicted[0];
            });
        } catch (IOException e) {
            throw new DiskTierException("eviction in the L2 log in " + dataDir + " failed: " + e, e);
        }
    }

    /**
     * Compacts the sealed segment with the fewest live bytes once dead bytes are half of the log
     * (and more than a segment): its live records move to the head, and it goes.
     */
    private void compactIfWasteful() throws IOException {
        long logBytes = log.bytes();
        if (deadBytes < settings.segmentBytes() || deadBytes * 2 < logBytes) {
            return;
        }
        Segment emptiest = log.segments().stream().filter(segment -> segment != log.active())
                .min(Comparator.comparingDouble(segment -> (double) segment.live / Math.max(1, segment.size)))
                .orElse(null);
        if (emptiest != null) {
            movedBytes.add(emptiest.live);
            empty(emptiest, (key, entry) -> true);
            compactions.increment();
        }
    }

    /** Decides, for a live record of a segment being emptied, whether it moves (true) or goes. */
    @FunctionalInterface
    private interface Keeper {
        boolean keep(Key key, KeyDirectory.Entry entry);
    }

    /**
     * Empties a sealed segment and deletes it; returns how many records it held: each live record the keeper keeps is appended again,
     * each other one already left the directory; a tombstone moves too, unless nothing older than
     * it is left.
     */
    private long empty(Segment segment, Keeper keeper) throws IOException {
        boolean oldest = log.segments().getFirst() == segment;
        long[] scanned = {0};
        log.scan(segment, (record, location) -> {
            scanned[0]++;
            Key key = record.key();
            if (record.tombstone()) {
                if (!oldest) {
                    move(record, key, null);
                }
                return;
            }
            KeyDirectory.Entry entry = ownEntryOf(key);
            if (entry != null && entry.location() == location && keeper.keep(key, entry)) {
                move(record, key, entry);
            }
        });
        appendFrame();
        log.force();
        deadBytes -= segment.size - segment.live;
        log.delete(segment);
        return scanned[0];
    }

    /** Appends {@code record} again, as {@code entry} of {@code key} moved (or a tombstone, entry null). */
    private void move(LogRecord.View record, Key key, KeyDirectory.Entry entry) throws IOException {
        int at = room(record.length());
        frame.put(at, record.in(), record.at(), record.length()).position(at + record.length());
        changes.add(new Change(key, entry, entry, at, record.length()));
    }

    /** {@link #entryOf} for the writer. */
    private KeyDirectory.Entry ownEntryOf(Key key) {
        KeyDirectory.Entry collided = directory.overflow(key);
        return collided != null ? collided : directory.ownPrimary(key.hash64());
    }

    /** Runs one round of removals, then tells {@code removals} whether it was written. */
    private static int removing(Removals removals, RemovalRound round) throws IOException {
        boolean written = false;
        try {
            int removed = round.run();
            written = true;
            return removed;
        } finally {
            removals.removed(written);
        }
    }

    @FunctionalInterface
    private interface RemovalRound {
        int run() throws IOException;
    }

    // ---- opening

    /** Reads every segment in order, rebuilding the directory and the totals; cuts a torn end off. */
    private void rebuild() throws IOException {
        for (Segment segment : log.segments()) {
            long end = log.scan(segment, (record, location) -> replay(record, location));
            if (end < segment.channel.size()) {
                LOG.log(System.Logger.Level.WARNING, "L2 log " + segment.path + ": " + (segment.channel.size() - end)
                        + " bytes after offset " + end + " are a torn or damaged write; cutting them off");
                log.truncate(segment, end);
            }
            segment.size = end;
        }
        long live = 0;
        for (Segment segment : log.segments()) {
            live += segment.live;
        }
        deadBytes = log.bytes() - live;
    }

    private void replay(LogRecord.View record, long location) {
        Key key = record.key();
        KeyDirectory.Entry entry = ownEntryOf(key);
        if (record.tombstone()) {
            if (entry != null && entry.version() <= record.version()) {
                forget(key, entry, true);
            }
            return;
        }
        if (entry != null && entry.version() > record.version()) {
            return;
        }
        long hash = KeyDirectory.slotHash(key.hash64());
        KeyDirectory.Entry written = new KeyDirectory.Entry(hash, record.version(), 0, record.length(), record.expiresAt(),
                key.database());
        apply(new Change(key, entry, written, 0, record.length()), location);
    }

    // ---- state

    @Override
    public void writeState(PersistedState state) throws DiskTierException {
        try {
            files.writeState(state);
        } catch (IOException e) {
            throw new DiskTierException("write of the state to the L2 log in " + dataDir + " failed: " + e, e);
        }
    }

    @Override
    public PersistedState openingState() {
        return openingState;
    }

    // ---- failure

    /** Cuts off whatever a failed append left after the last whole frame, and goes on. */
    @Override
    public void recover() throws DiskTierException {
        try {
            Segment active = log.active();
            log.truncate(active, active.size);
        } catch (IOException e) {
            throw new DiskTierException("recovery of the L2 log in " + dataDir + " failed: " + e, e);
        }
    }

    // ---- figures

    @Override
    public long itemCount() {
        return items;
    }

    @Override
    public long dataBytes() {
        return dataBytes;
    }

    @Override
    public long diskUsage() {
        return DataDirs.usage(dataDir);
    }

    /** The share of the items to evict for the directory to be back within its memory bound. */
    @Override
    public double overOwnBound() {
        return directory.overBound();
    }

    @Override
    public Map<String, Long> statistics() {
        Map<String, Long> statistics = new LinkedHashMap<>();
        statistics.put("disk_usage", diskUsage());
        statistics.put("records_written", recordsWritten.sum());
        statistics.put("records_read_before_write", readsBeforeWrite.sum());
        statistics.put("log_segments", (long) log.segments().size());
        statistics.put("log_dead_bytes", deadBytes);
        statistics.put("log_compactions", compactions.sum());
        statistics.put("log_compaction_moved_bytes", movedBytes.sum());
        statistics.put("directory_bytes", directory.memoryBytes());
        return statistics;
    }

    /** Records and bytes counted one by one from the segments, for checking the totals. */
    public long[] recount() throws DiskTierException {
        long[] totals = new long[2];
        try {
            for (Segment segment : log.segments()) {
                log.scan(segment, (record, location) -> {
                    KeyDirectory.Entry entry = record.tombstone() ? null : entryOf(record.key());
                    if (entry != null && entry.location() == location) {
                        totals[0]++;
                        totals[1] += record.length();
                    }
                });
            }
        } catch (IOException e) {
            throw new DiskTierException("recount failed: " + e, e);
        }
        return totals;
    }

    public Path dataDir() {
        return dataDir;
    }

    @Override
    public void close() {
        try {
            log.force();
            log.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "L2 log in " + dataDir + " did not close cleanly: " + e);
        }
        closeQuietly(files);
        directory.close();
        LOG.log(System.Logger.Level.INFO, "L2 tier in " + dataDir + " closed");
    }

    private String describe(long location) {
        return Segment.path(dataDir, Log.segmentOf(location)).getFileName() + " offset " + Log.offsetOf(location);
    }

    private static void closeQuietly(DataDirectory files) {
        if (files != null) {
            try {
                files.close();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "the L2 data directory's lock did not close cleanly: " + e);
            }
        }
    }
}
