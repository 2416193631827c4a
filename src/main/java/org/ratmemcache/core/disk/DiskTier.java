package org.ratmemcache.core.disk;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.ratmemcache.core.Item;
import org.ratmemcache.core.Key;

/**
 * A persistent tier below memory (L2): items that survive a restart, and more of them than fit
 * in memory. The cache owns the semantics; a disk tier only stores what it is given.
 *
 * <p>Threading: {@link #mayContain} never touches the disk and may run on an event loop; every
 * other method may block on I/O and runs on the cache's disk threads. {@link #write} is called by
 * one thread at a time.
 */
public interface DiskTier extends AutoCloseable {

    /**
     * How many databases the tier keeps keys of, numbered from 0 ({@link Key#database()}): every
     * one a key may have, unless its layout holds database 0 only.
     */
    default int databases() {
        return Key.MAX_DATABASE + 1;
    }

    /**
     * The keys of {@code database} whose records are live at {@code nowMillis} under
     * {@code flushed}, past {@code cursor} in scan position order
     * ({@link org.ratmemcache.core.KeyScan#position}): the {@code count} first, and whether others
     * follow. For Redis's SCAN; on a disk thread.
     */
    ScannedKeys scan(int database, long cursor, int count, long nowMillis, FlushLimits flushed) throws DiskTierException;

    /** Keys a {@link #scan} found, in position order, and whether more lie past the last of them. */
    record ScannedKeys(List<Key> keys, boolean more) {
    }

    /**
     * How many live records of {@code database} the tier holds, and how many of those expire,
     * leaving out the keys in {@code decidedElsewhere} (those with a change still waiting for the
     * disk, which decides them): read at one moment of the tier, so that a change written
     * meanwhile is counted either here or by the caller, never by both or neither.
     */
    org.ratmemcache.core.DatabaseSize size(int database, long nowMillis, FlushLimits flushed, java.util.Set<Key> decidedElsewhere)
            throws DiskTierException;

    /** Without I/O: {@code false} when the key is certainly absent (a Bloom filter, the memtable). */
    boolean mayContain(Key key);

    /** The stored item, expired or not, or {@code null}. */
    DiskItem read(Key key) throws DiskTierException;

    /**
     * Makes {@code writes} (of distinct keys), atomically: after a crash either all of it is there
     * or none. Returns once it is in the write-ahead log (synced to the device if the tier is
     * configured so). A write's {@link Prior} must be true; {@link Prior#UNKNOWN} always is.
     */
    void write(List<DiskWrite> writes) throws DiskTierException;

    /** {@link #write} of {@code puts} and {@code deletes}, not knowing what they replace. */
    default void write(List<? extends Item> puts, List<Key> deletes) throws DiskTierException {
        List<DiskWrite> writes = new ArrayList<>(puts.size() + deletes.size());
        puts.forEach(item -> writes.add(DiskWrite.put(item, Prior.UNKNOWN)));
        deletes.forEach(key -> writes.add(DiskWrite.delete(key, Prior.UNKNOWN)));
        write(writes);
    }

    /**
     * Deletes up to {@code budget} records that expired at or before {@code nowMillis} or whose
     * CAS is at or below {@code flushCasLimit}, each as {@code removals} lets it; returns how many it
     * deleted. Called by the writer.
     */
    int reclaim(long nowMillis, FlushLimits flushed, int budget, Removals removals) throws DiskTierException;

    /** {@link #reclaim} for a tier without a cache in front. */
    default int reclaim(long nowMillis, FlushLimits flushed, int budget) throws DiskTierException {
        return reclaim(nowMillis, flushed, budget, Removals.ANY);
    }

    /**
     * Deletes the oldest records (by CAS, so by last write), at least {@code bytes} of them, keys
     * included, as {@code removals} lets them go, and starts reclaiming their space; returns how
     * many it deleted. Called by the writer.
     */
    int evictOldest(long bytes, Removals removals) throws DiskTierException;

    /** {@link #evictOldest} for a tier without a cache in front. */
    default int evictOldest(long bytes) throws DiskTierException {
        return evictOldest(bytes, Removals.ANY);
    }

    /**
     * The share of its data the tier must evict (oldest first) to be back within a bound of its own,
     * such as the memory its index of the keys may take; 0 when it is within them.
     */
    default double overOwnBound() {
        return 0;
    }

    /** Bytes of the stored keys and records, as of the last write. */
    long dataBytes();

    /** Bytes the tier occupies on disk: every file, write-ahead log included. */
    long diskUsage();

    /**
     * The first {@code max} keys after {@code after} (from the start when null) that begin with
     * {@code prefix}, in unsigned byte order, expired ones included.
     */
    List<Key> keysAfter(byte[] prefix, Key after, int max) throws DiskTierException;

    /** The tier's own figures, by name (lower case, underscores), for statistics. */
    Map<String, Long> statistics();

    /** Stores {@code state} on its own, durably even across power loss. */
    void writeState(PersistedState state) throws DiskTierException;

    /**
     * Tries to bring the tier back after a failed write (RocksDB, for one, refuses writes after an
     * I/O error until it is reopened). Fails if the disk still does; called again on the next retry.
     */
    void recover() throws DiskTierException;

    /** What the tier held when it was opened: the last state written. */
    PersistedState openingState();

    /** Items stored, live or awaiting reclaim, as of the last write. */
    long itemCount();

    /** Closes the tier; everything written is durable. */
    @Override
    void close();
}
