package org.ratmemcache.storage.rocksdb;

import java.nio.file.Path;
import java.util.concurrent.atomic.LongAdder;

import org.ratmemcache.core.disk.DiskTierException;
import org.rocksdb.RocksDBException;

/**
 * The tier's open {@link RocksDatabase}, which the tier reopens after a failed write: RocksDB
 * refuses writes after an I/O error until it is reopened.
 *
 * <p>Every call into the database is bracketed by {@link #enter()} and {@link #exit()}, a striped
 * count of the calls inside it; {@link #reopen} flags itself first, then waits for the count to
 * reach zero, so the old instance closes only once no thread is inside it, and the two always see
 * each other. Meanwhile calls fail with a {@link DiskTierException}, never crash.
 */
final class ReopenableDatabase {

    /** A call into the open database. */
    @FunctionalInterface
    interface Call<T> {
        T call(RocksDatabase open) throws RocksDBException, RecordFormat.UnreadableRecordException;
    }

    private final Path dir;
    private final RocksDbSettings settings;
    private final LongAdder inFlight = new LongAdder();
    private volatile RocksDatabase database;
    private volatile boolean reopening;
    /** Why the last reopen failed, while the database stays closed because of it; else null. */
    private volatile String reopenFailure;

    ReopenableDatabase(Path dir, RocksDbSettings settings, RocksDatabase database) {
        this.dir = dir;
        this.settings = settings;
        this.database = database;
    }

    /** Runs {@code call} inside the open database; its failure, or a closed database, is a DiskTierException. */
    <T> T inside(String what, Call<T> call) throws DiskTierException {
        RocksDatabase open = enter();
        try {
            return call.call(open);
        } catch (RocksDBException | RecordFormat.UnreadableRecordException e) {
            throw failure(what, e);
        } finally {
            exit();
        }
    }

    /** Runs {@code call} inside the open database, or answers {@code fallback} if it is not open. */
    <T> T insideOr(T fallback, Call<T> call) {
        try {
            return inside("call", call);
        } catch (DiskTierException e) {
            return fallback;
        }
    }

    /**
     * Closes the database and opens it again, running {@code prepare} on the new instance before
     * any other call sees it. If the disk still fails, the open fails too, and the next reopen
     * tries again.
     */
    synchronized void reopen(Call<Void> prepare) throws DiskTierException {
        reopening = true;
        try {
            awaitNoneInside();
            RocksDatabase old = database;
            database = null;
            if (old != null) {
                old.close();
            }
            RocksDatabase reopened = RocksDatabase.open(dir, settings);
            try {
                prepare.call(reopened);
            } catch (RocksDBException | RecordFormat.UnreadableRecordException | RuntimeException e) {
                reopened.close(); // else it keeps the directory's lock, and every later reopen fails on it
                throw e;
            }
            database = reopened;
            reopenFailure = null;
        } catch (RocksDBException | RecordFormat.UnreadableRecordException e) {
            DiskTierException failure = failure("reopen", e);
            reopenFailure = failure.getMessage();
            throw failure;
        } finally {
            reopening = false;
        }
    }

    /** Closes the database once no call is inside it; later calls fail. */
    synchronized void close() {
        reopening = true;
        awaitNoneInside();
        reopenFailure = null;
        if (database != null) {
            database.close();
            database = null;
        }
        reopening = false; // calls now fail as closed, not as reopening
    }

    /** Counted first, then checked: see the class comment. */
    private RocksDatabase enter() throws DiskTierException {
        inFlight.increment();
        RocksDatabase open = database;
        if (reopening || open == null) {
            inFlight.decrement();
            throw notOpen();
        }
        return open;
    }

    /** The failure of a call while the database is not open, with the cause of a failed reopen: health checks show it. */
    private DiskTierException notOpen() {
        if (reopening) {
            return new DiskTierException("the L2 tier in " + dir + " is reopening");
        }
        String why = reopenFailure;
        return new DiskTierException("the L2 tier in " + dir + " is closed" + (why == null ? "" : " since " + why));
    }

    private void exit() {
        inFlight.decrement();
    }

    private void awaitNoneInside() {
        while (inFlight.sum() != 0) {
            Thread.onSpinWait();
        }
    }

    private DiskTierException failure(String what, Exception e) {
        return new DiskTierException("L2 " + what + " failed in " + dir + ": " + e.getMessage(), e);
    }
}
