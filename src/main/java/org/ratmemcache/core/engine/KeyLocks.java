package org.ratmemcache.core.engine;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.UnaryOperator;

import org.ratmemcache.core.Clock;
import org.ratmemcache.core.Found;
import org.ratmemcache.core.Item;
import org.ratmemcache.core.Key;
import org.ratmemcache.core.disk.DiskItem;
import org.ratmemcache.core.disk.DiskTierException;
import org.ratmemcache.core.memory.Epochs;
import org.ratmemcache.core.memory.ItemView;
import org.ratmemcache.core.memory.KeyStripes;

/**
 * Runs every command on a key atomically, across both tiers, and in the order the commands came.
 *
 * <h2>How</h2>
 * <ul>
 *   <li>A command that reads and then writes a key runs under that key's <em>stripe lock</em>
 *       ({@link KeyStripes}), held for index lookups and writes to memory, never across I/O. So
 *       the changes of one key are serialised across connections.</li>
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
 * <h2>Items on a disk thread</h2>
 * A command queued for a disk thread runs there inside the memory's epoch, and what it answers
 * is handed to the caller's thread later: so the answer is detached first (its items copied to
 * the heap), by the {@code detach} the caller gives.
 *
 * <h2>The key a command sees</h2>
 * A command receives its key as an argument, and must use that one: on a disk thread it is a
 * stored copy, while the caller's key may be a lookup key over a connection's buffer that the
 * connection reuses. Every hop to a disk thread copies the key first.
 */
final class KeyLocks {

    /** One step of a command, under its key's lock; {@code current} is the key's live item or {@code null}. */
    @FunctionalInterface
    interface Command<T> {

        CompletableFuture<T> apply(Key key, Item current, long now);

        /** The command as it runs later, on a disk thread: holding copies of what the caller lends it only for now. */
        default Command<T> forDisk() {
            return this;
        }

        /** An answer made on a disk thread, with its items copied to the heap for the caller's thread. */
        default T detach(T answer) {
            return answer;
        }

        /** {@code command}, whose answers are detached by {@code detach}. */
        static <T> Command<T> detaching(Command<T> command, UnaryOperator<T> detach) {
            return new Command<>() {
                @Override
                public CompletableFuture<T> apply(Key key, Item current, long now) {
                    return command.apply(key, current, now);
                }

                @Override
                public T detach(T answer) {
                    return detach.apply(answer);
                }
            };
        }
    }

    private final KeyStripes stripes;
    private final Epochs epochs;
    private final Versions versions;
    private final L2 l2;
    private final Clock clock;

    KeyLocks(KeyStripes stripes, Epochs epochs, Versions versions, L2 l2, Clock clock) {
        this.stripes = stripes;
        this.epochs = epochs;
        this.versions = versions;
        this.l2 = l2;
        this.clock = clock;
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
                Found found = versions.find(key, now, access, access.countsExpired);
                if (found != Found.ON_DISK) {
                    return command.apply(key, Found.itemOf(found), now);
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
        Command<T> later = command.forDisk();
        return l2.enqueue(stored, () -> {
            epochs.enter();
            try {
                return detached(onDiskThread(stored, access, later), later);
            } finally {
                epochs.exit();
            }
        }).thenCompose(Function.identity());
    }

    /** The answer with its items copied, when it is there already (one that completes later carries copies already). */
    private static <T> CompletableFuture<T> detached(CompletableFuture<T> answer, Command<T> command) {
        if (answer.isDone() && !answer.isCompletedExceptionally()) {
            T value = answer.getNow(null);
            T copy = value == null ? null : command.detach(value);
            return copy == value ? answer : CompletableFuture.completedFuture(copy);
        }
        return answer;
    }

    /**
     * The queued command: memory first, since a command queued earlier may have changed the key
     * and not reached the disk yet; then the disk. The key is busy meanwhile, so nothing else
     * changes it between the two.
     */
    private <T> CompletableFuture<T> onDiskThread(Key key, Access access, Command<T> command) throws DiskTierException {
        long removals = l2.removals();
        synchronized (stripe(key)) {
            long now = clock.millis();
            Found known = versions.inMemory(key, now, access, access.countsExpired);
            if (known != Found.ON_DISK || !l2.mayContain(key)) {
                return command.apply(key, Found.itemOf(known), now);
            }
        }
        DiskItem onDisk = l2.read(key);
        synchronized (stripe(key)) {
            long now = clock.millis();
            return command.apply(key, versions.fromDisk(onDisk, now, access, l2.removals() == removals), now);
        }
    }

    private Object stripe(Key key) {
        return stripes.of(key.hash64());
    }

    // ---- commands on several keys

    /** A step on several keys, under all their locks; {@code current} holds each key's live item or {@code null}. */
    @FunctionalInterface
    interface Group<T> {
        CompletableFuture<T> apply(Item[] current, long now);
    }

    /**
     * Runs {@code command} on {@code keys} (stored, distinct) as one: under all their stripe locks
     * (taken in ascending order), at once when memory knows every key's newest version, else on
     * a disk thread behind every command queued for any of them, reading from disk the keys
     * memory does not know.
     */
    <T> CompletableFuture<T> runAll(List<Key> keys, Access access, Group<T> command) {
        if (access.failsWithDisk) {
            Throwable failure = l2.writeFailure().orElse(null);
            if (failure != null) {
                return CompletableFuture.failedFuture(new DiskTierException("the disk tier fails to write: "
                        + failure.getMessage(), failure));
            }
        }
        int[] order = stripeOrder(keys);
        return locked(order, 0, () -> {
            long now = clock.millis();
            if (noneBusy(keys)) {
                Item[] current = new Item[keys.size()];
                boolean known = true;
                for (int i = 0; i < current.length && known; i++) {
                    Found found = versions.find(keys.get(i), now, access, access.countsExpired);
                    known = found != Found.ON_DISK;
                    current[i] = pinned(Found.itemOf(found));
                }
                if (known) {
                    return command.apply(current, now);
                }
            }
            return l2.enqueueAll(keys, () -> {
                epochs.enter();
                try {
                    return allOnDiskThread(keys, access, order, command);
                } finally {
                    epochs.exit();
                }
            }).thenCompose(Function.identity());
        });
    }

    /**
     * The queued group: rounds of looking in memory under all the locks, reading from disk (outside
     * them) the keys memory does not know, until one round knows every key and applies the command.
     * The keys are busy meanwhile, so a version read stays the newest; each round reads at least
     * one key more, so there are at most as many rounds as keys, plus one.
     */
    private <T> CompletableFuture<T> allOnDiskThread(List<Key> keys, Access access, int[] order, Group<T> command)
            throws DiskTierException {
        int n = keys.size();
        DiskItem[] read = new DiskItem[n];
        boolean[] wasRead = new boolean[n];
        long[] removalsBefore = new long[n];
        while (true) {
            List<Integer> needed = new java.util.ArrayList<>();
            CompletableFuture<T> applied = locked(order, 0, () -> {
                long now = clock.millis();
                Item[] current = new Item[n];
                for (int i = 0; i < n; i++) {
                    Key key = keys.get(i);
                    Found known = versions.inMemory(key, now, access, access.countsExpired);
                    if (known != Found.ON_DISK || !l2.mayContain(key)) {
                        current[i] = pinned(Found.itemOf(known));
                    } else if (wasRead[i]) {
                        current[i] = pinned(versions.fromDisk(read[i], now, access, l2.removals() == removalsBefore[i]));
                    } else {
                        needed.add(i);
                    }
                }
                return needed.isEmpty() ? command.apply(current, now) : null;
            });
            if (applied != null) {
                return applied;
            }
            for (int i : needed) {
                removalsBefore[i] = l2.removals();
                read[i] = l2.read(keys.get(i));
                wasRead[i] = true;
            }
        }
    }

    /** The keys' stripe numbers, each once, ascending: the order to take them in. */
    private int[] stripeOrder(List<Key> keys) {
        if (keys.size() == 1) {
            return new int[] {stripes.indexOf(keys.getFirst().hash64())};
        }
        int[] order = new int[keys.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = stripes.indexOf(keys.get(i).hash64());
        }
        Arrays.sort(order);
        int distinct = 0;
        for (int i = 0; i < order.length; i++) {
            if (i == 0 || order[i] != order[i - 1]) {
                order[distinct++] = order[i];
            }
        }
        return distinct == order.length ? order : Arrays.copyOf(order, distinct);
    }

    private boolean noneBusy(List<Key> keys) {
        for (Key key : keys) {
            if (l2.isBusy(key)) {
                return false;
            }
        }
        return true;
    }

    /** {@code item}, held alongside others: a view of memory of its own (the thread's views are re-pointed by its next lookup). */
    static Item pinned(Item item) {
        return item instanceof ItemView view ? view.pinned() : item;
    }

    /** {@code body} run holding the stripes {@code order} names from {@code from} on. */
    private <T> T locked(int[] order, int from, java.util.function.Supplier<T> body) {
        if (from == order.length) {
            return body.get();
        }
        synchronized (stripes.at(order[from])) {
            return locked(order, from + 1, body);
        }
    }
}
