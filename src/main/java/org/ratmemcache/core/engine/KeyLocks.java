package org.ratmemcache.core.engine;

import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

import org.ratmemcache.core.Clock;
import org.ratmemcache.core.Key;
import org.ratmemcache.core.disk.DiskItem;
import org.ratmemcache.core.disk.DiskTierException;
import org.ratmemcache.core.memory.Entry;
import org.ratmemcache.core.memory.Found;

/**
 * Runs every command on a key atomically, across both tiers, and in the order the commands came.
 *
 * <h2>How</h2>
 * <ul>
 *   <li>A command that reads and then writes a key runs under that key's <em>stripe lock</em>:
 *       one of {@value #STRIPES} monitors picked by key hash, held for map lookups and inserts,
 *       never across I/O. So the changes of one key are serialised across connections.</li>
 *   <li>When memory cannot decide the command (its key is in neither L1 nor the write queue,
 *       and the disk may hold it: {@link Versions#find}), the command is queued for a disk
 *       thread instead: it reads the disk there, then decides under the stripe lock. Until it
 *       has, the key is busy, and every later command on the key queues behind it. Nothing waits
 *       on an event loop.</li>
 *   <li>A plain read takes no lock (the engine calls {@link Versions#find} itself) and comes here
 *       only for the disk, through {@link #runAfterDisk}.</li>
 *   <li>While the disk tier cannot write, a command whose {@link Access} changes the key is
 *       refused, so that memory never holds a version the disk will not get.</li>
 * </ul>
 *
 * <h2>The key a command sees</h2>
 * A command receives its key as an argument, and must use that one: on a disk thread it is a
 * stored copy, while the caller's key may be a lookup key over a connection's buffer that the
 * connection reuses. Every hop to a disk thread copies the key first.
 */
final class KeyLocks {

    /** Key stripes guarding read-modify-write; a power of two, 16 KiB of monitors in all. */
    static final int STRIPES = 1024;

    /** One step of a command, under its key's lock; {@code current} is the key's live entry or {@code null}. */
    @FunctionalInterface
    interface Command<T> {
        CompletableFuture<T> apply(Key key, Entry current, long now);
    }

    private final Object[] stripes = new Object[STRIPES];
    private final Versions versions;
    private final L2 l2;
    private final Clock clock;

    KeyLocks(Versions versions, L2 l2, Clock clock) {
        this.versions = versions;
        this.l2 = l2;
        this.clock = clock;
        Arrays.setAll(stripes, i -> new Object());
    }

    /** Runs {@code command} on the key: at once when memory can decide it, else after a disk read. */
    <T> CompletableFuture<T> run(Key key, Access access, Command<T> command) {
        if (access.failsWithDisk) {
            Throwable failure = l2.writeFailure().orElse(null);
            if (failure != null) {
                return CompletableFuture.failedFuture(new DiskTierException("the disk tier fails to write: "
                        + failure.getMessage(), failure));
            }
        }
        long now = clock.millis();
        synchronized (stripe(key)) {
            if (!l2.isBusy(key)) {
                Found found = versions.find(key, now, access);
                if (found != Found.ON_DISK) {
                    return command.apply(key, Found.entryOf(found), now);
                }
            }
            return queue(key, access, command);
        }
    }

    /** Runs {@code command} after a disk read: for a read that memory, asked without a lock, could not answer. */
    <T> CompletableFuture<T> runAfterDisk(Key key, Access access, Command<T> command) {
        synchronized (stripe(key)) {
            return queue(key, access, command);
        }
    }

    /** Queues the command for a disk thread behind the key's earlier ones; the caller holds the stripe. */
    private <T> CompletableFuture<T> queue(Key key, Access access, Command<T> command) {
        Key stored = key.toStored();
        return l2.enqueue(stored, () -> onDiskThread(stored, access, command)).thenCompose(Function.identity());
    }

    /**
     * The queued command: memory first, since a command queued earlier may have changed the key
     * and not reached the disk yet; then the disk. The key is busy meanwhile, so nothing else
     * changes it between the two.
     */
    private <T> CompletableFuture<T> onDiskThread(Key key, Access access, Command<T> command) throws DiskTierException {
        synchronized (stripe(key)) {
            long now = clock.millis();
            Found known = versions.inMemory(key, now, access);
            if (known != Found.ON_DISK || !l2.mayContain(key)) {
                return command.apply(key, Found.entryOf(known), now);
            }
        }
        DiskItem onDisk = l2.read(key);
        synchronized (stripe(key)) {
            long now = clock.millis();
            return command.apply(key, versions.fromDisk(onDisk, now, access), now);
        }
    }

    private Object stripe(Key key) {
        int h = key.hashCode();
        return stripes[(h ^ (h >>> 16)) & (STRIPES - 1)];
    }
}
