package org.ratmemcache.core.engine;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

import org.ratmemcache.core.Expiry;
import org.ratmemcache.core.Item;
import org.ratmemcache.core.disk.DiskTierException;
import org.ratmemcache.core.disk.FlushLimits;
import org.ratmemcache.core.disk.PersistedState;

/**
 * The cache state besides the items: the CAS sequence and the flush horizon, and, with a disk
 * tier, their {@link PersistedState} written there so that a restart neither reuses a CAS nor
 * brings back a flushed item.
 *
 * <p>The CAS reservation is written by {@link CasSequence} a block ahead of the CAS values handed
 * out; the horizon after every change of it ({@link FlushHorizon}), in the background. A
 * memory-only cache's state ({@link #inMemory()}) is written nowhere.
 */
final class DurableState {

    private static final System.Logger LOG = System.getLogger(DurableState.class.getName());

    /** Where the state is written: the disk tier's state record. */
    @FunctionalInterface
    interface Store {
        void write(PersistedState state) throws DiskTierException;
    }

    private final PersistedState opening;
    private final Store store;
    private final Executor executor;
    private final CasSequence cas;
    private final FlushHorizon flush;
    /** The highest reservation written so far; guarded by this. */
    private long casReservedOnDisk;

    /** A memory-only cache's state: CAS values from 1, no flush yet, nothing written. */
    static DurableState inMemory() {
        return new DurableState();
    }

    /**
     * The state the disk tier held when it opened, resumed: CAS values continue after its
     * reservation (whose next block is written now), its flush horizon holds.
     */
    static DurableState resume(PersistedState opening, Store store, Executor executor) throws DiskTierException {
        return new DurableState(opening, store, executor);
    }

    private DurableState() {
        this.opening = PersistedState.EMPTY;
        this.store = state -> { };
        this.executor = Runnable::run;
        this.cas = new CasSequence(0);
        this.flush = new FlushHorizon(cas);
    }

    private DurableState(PersistedState opening, Store store, Executor executor) throws DiskTierException {
        this.opening = opening;
        this.store = store;
        this.executor = executor;
        this.casReservedOnDisk = opening.casReserved();
        this.cas = new CasSequence(opening.casReserved(), this::write, executor);
        this.flush = new FlushHorizon(cas, opening.flushed(), opening.flushPendingAt(),
                () -> executor.execute(this::saveQuietly));
    }

    /** A CAS for an item stored now: a flush that has come due fires first, so it never covers it. */
    long nextCas(long now) {
        flush.advance(now);
        return cas.next();
    }

    /** Whether an item is gone for good: flushed, or past its expiry. */
    boolean isDead(Item item, long now) {
        return isFlushed(item, now) || Expiry.isExpired(item.expiresAt(), now);
    }

    /** Whether a flush covers the item: its database's, by its {@linkplain Item#version() version}. */
    boolean isFlushed(Item item, long now) {
        return flush.covers(item.version(), item.database(), now);
    }

    /** memcached's flush_all: database 0's items stored before {@code atMillis} (now, if that is not in the future). */
    void flush(long atMillis, long now) {
        flush.flush(atMillis, now);
    }

    /** Redis's FLUSHDB: every item of {@code database} stored so far. */
    void flushDatabase(int database, long now) {
        flush.flushDatabase(database, now);
    }

    /** Redis's FLUSHALL: every item stored so far. */
    void flushEverything(long now) {
        flush.flushEverything(now);
    }

    /** What the flushes have invalidated so far. */
    FlushLimits flushLimits() {
        return flush.limits();
    }

    /** Writes the state on a disk thread; completes once it is written. */
    CompletableFuture<Void> saved() {
        return CompletableFuture.runAsync(this::saveQuietly, executor);
    }

    /** Writes the state now; a failure is logged, and thrown for a future to carry. */
    void saveQuietly() {
        try {
            write(0);
        } catch (DiskTierException e) {
            LOG.log(System.Logger.Level.ERROR, "saving the flush horizon and CAS reservation failed: " + e.getMessage());
            throw new CompletionException(e);
        }
    }

    /** Writes the CAS reservation (at least {@code casReserved}) and the flush horizon; one writer at a time. */
    private synchronized void write(long casReserved) throws DiskTierException {
        casReservedOnDisk = Math.max(casReservedOnDisk, casReserved);
        FlushHorizon horizon = flush; // null while the constructor reserves the first CAS block
        store.write(new PersistedState(casReservedOnDisk,
                horizon == null ? opening.flushed() : horizon.limits(),
                horizon == null ? opening.flushPendingAt() : horizon.pendingAt()));
    }
}
