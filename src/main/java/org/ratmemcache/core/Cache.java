package org.ratmemcache.core;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

import org.ratmemcache.core.memory.Reservation;

/**
 * The cache as the protocols see it: one method per kind of request, with memcached's semantics,
 * whatever the wire format. Text, meta and binary commands all map onto these calls; what
 * operations read (statistics, listings) is {@link CacheView}.
 *
 * <p>Every method is atomic per key. Times are absolute epoch milliseconds from {@link #clock()};
 * {@link Expiry#fromExptime} turns a memcached exptime into one. A key may be a lookup key over a
 * caller's buffer ({@link Key#lookup()}): the cache copies it before it keeps it or hands it to
 * another thread, so the caller may reuse it once the call returns.
 *
 * <h2>Views of memory</h2>
 * Items in memory are handed out as views, read in place, while the calling thread is protected:
 * between {@link #protect} and {@link #release}, which a server calls around each batch of
 * requests, so that a reply copies a value straight from item memory into the connection's
 * buffer. A thread that is not protected gets copies; so does a future that completes later.
 * A protected thread must not wait for anything that needs memory freed (it holds it).
 *
 * <h2>Now or later</h2>
 * Memory answers most requests at once; a request about a key that only the disk tier knows
 * completes later, on a disk thread. So the commands return futures: already complete when
 * memory decided (those are shared constants, so the common case allocates nothing), pending
 * otherwise. {@link #get}, the hottest call, answers a {@link Lookup} instead: the item, a miss,
 * or the pending disk read.
 */
public interface Cache {

    Clock clock();

    /** Protects the items this thread gets from the cache, until the matching {@link #release}; may nest. */
    void protect();

    /** Ends the protection begun by the matching {@link #protect}. */
    void release();

    /**
     * The largest item accepted, counted as memcached counts it ({@link #itemSize}): its
     * {@code -I} setting.
     */
    long itemSizeMax();

    /**
     * How many databases keys may be in, numbered from 0 ({@link Key#database()}): all a key may
     * have, or 1 over a disk tier that keeps database 0 only.
     */
    default int databases() {
        return Key.MAX_DATABASE + 1;
    }

    /** The live item under {@code key}, a miss, or the disk read that will tell. Counts a get. */
    Lookup get(Key key);

    /** The live item under {@code key} or {@code null}, after setting its expiry: memcached's gat. Counts a touch. */
    CompletableFuture<Item> getAndTouch(Key key, long expiresAt);

    /**
     * The meta protocol's mg: a read that may touch, vivify, hand out the win token for a recache,
     * and report the item's read history as it was before this read.
     */
    CompletableFuture<MetaGet.Result> metaGet(Key key, MetaGet read);

    /**
     * The live item under {@code key}, or {@code null}, without counting a read or changing its
     * read history: the meta protocol's me.
     */
    CompletableFuture<Item> peek(Key key);

    /**
     * A new CAS that the cache chooses, the next of its sequence: what a change gives its item
     * unless the client chose one (the meta protocol's {@code E}). 0 is "no CAS" in every protocol,
     * so no client can mean it as a CAS.
     */
    long NEXT_CAS = 0;

    /**
     * Stores {@code value} under {@code key} as {@code mode} says. {@code cas} is the expected CAS
     * for {@link StoreMode#CAS}; for append and prepend a non-zero {@code cas} must match too.
     * {@code newCas} is the stored item's CAS, or {@link #NEXT_CAS}. {@code value} is kept, not
     * copied: the caller hands it over. When it stores, the new item goes to {@code stored} before
     * the future completes (the binary protocol and meta set return its CAS, meta set its size).
     */
    CompletableFuture<StoreResult> store(StoreMode mode, Key key, int flags, long expiresAt, byte[] value, long cas,
            long newCas, Consumer<? super Item> stored);

    /**
     * Takes room in memory for the value of a store that is about to be read, into {@code into}: a
     * server reads the value from the connection straight into {@link Reservation#memory}, then
     * calls {@link #store(StoreMode, Key, int, long, Reservation, long, long, Consumer)} (or
     * {@link #discard}). False when there is no room now. Room is good within the protected
     * section it was taken in, unless {@code acrossSections}: then it is a block of its own, for
     * a value that arrives over several batches.
     */
    boolean reserve(Reservation into, Key key, int flags, long expiresAt, long newCas, int valueLength, boolean acrossSections);

    /**
     * Before a write of an item of about these lengths: when memory is short, waits a bounded
     * while for room. The cache's own writes do this for a caller that is not protected; a
     * caller that is ({@link #protect}), and holds no item under that protection now, calls it
     * itself, and waits outside the protection, which would hold back the very memory it waits
     * for: a server, between the requests of a batch. Returns at once when there is room.
     */
    void makeRoom(int keyLength, long valueLength);

    /**
     * The longest value the memory keeps among others in a segment; a longer one takes a block of
     * its own, so a server may reserve that as the value's command arrives and fill it as it comes.
     */
    int longValueThreshold();

    /** Gives up reserved room whose store will not be made. */
    void discard(Reservation reserved);

    /** {@link #store}, of a value read into reserved room, which the store takes over. */
    CompletableFuture<StoreResult> store(StoreMode mode, Key key, int flags, long expiresAt, Reservation value, long cas,
            long newCas, Consumer<? super Item> stored);

    /** {@link #store} of an item whose CAS the cache chooses, for a caller that does not need the stored item. */
    default CompletableFuture<StoreResult> store(StoreMode mode, Key key, int flags, long expiresAt, byte[] value, long cas) {
        return store(mode, key, flags, expiresAt, value, cas, NEXT_CAS, NO_ITEM_WANTED);
    }

    /** A stored item no one reads. */
    Consumer<Item> NO_ITEM_WANTED = item -> { };

    /**
     * A store whose item is over the size limit, refused before its value was read: counts it,
     * and for {@link StoreMode#SET} deletes the key's current item, as memcached does, so that a
     * failed overwrite never leaves stale data behind.
     */
    CompletableFuture<Void> storeTooLarge(StoreMode mode, Key key);

    /** Removes the key's live item if {@code cas} is 0 or its CAS. */
    CompletableFuture<DeleteResult> delete(Key key, long cas);

    /** Removes the key's live item; completes with whether there was one. */
    default CompletableFuture<Boolean> delete(Key key) {
        return delete(key, 0).thenApply(result -> result == DeleteResult.DELETED);
    }

    /**
     * The meta protocol's md: a delete, an invalidation or a value dropped, as {@link MetaDelete}
     * says; unlike {@link #delete}, a CAS that does not match counts as a delete miss, as
     * memcached's meta commands count it.
     */
    CompletableFuture<DeleteResult> metaDelete(Key key, MetaDelete request);

    /**
     * incr or decr, with the binary and meta protocols' options: see {@link Arithmetic}. A
     * protected caller may be answered from an object the cache reuses for this thread's next
     * delta ({@link DeltaResult.Applied}): it reads the answer at once.
     */
    CompletableFuture<DeltaResult> delta(Key key, Arithmetic arithmetic);

    /** Plain incr or decr, as the text protocol has them: {@link #delta(Key, Arithmetic)} without building its options. */
    default CompletableFuture<DeltaResult> delta(Key key, Arithmetic.Direction direction, long delta) {
        return delta(key, Arithmetic.of(direction, delta));
    }

    /**
     * Redis's INCRBY: the key's value, a signed 64-bit decimal as Redis writes one (no {@code +},
     * leading zero or space), plus {@code increment}, refused past the signed range; a missing key
     * counts as 0. The item keeps its flags and expiry. A protected caller may be answered from an
     * object the cache reuses for this thread's next increment ({@link Increment.Done}).
     */
    CompletableFuture<Increment> increment(Key key, long increment);

    /**
     * Runs {@code step} on {@code keys} as one change: under every key's lock, once each key's
     * newest version is known (read from disk first where needed, on a disk thread), and behind
     * every command on those keys that came before. Completes with the step's answer once its
     * writes are durable. A key may appear more than once; all its positions are the same item.
     */
    <T> CompletableFuture<T> atomically(List<Key> keys, Atomic<T> step);

    /**
     * Redis's SCAN: about {@code count} live keys of {@code database} after {@code cursor} (0 to
     * start), in position order ({@link KeyScan}), from every tier; on a disk thread.
     */
    CompletableFuture<KeyScan> scan(int database, long cursor, int count);

    /**
     * Redis's DBSIZE: the live keys of {@code database} in every tier, the changes still waiting for
     * the disk included; on a disk thread.
     */
    CompletableFuture<DatabaseSize> size(int database);

    /** Sets the expiry of the key's live item; completes with whether there was one. */
    CompletableFuture<Boolean> touch(Key key, long expiresAt);

    /**
     * memcached's flush_all: invalidates every item of database 0 (all that memcached's protocols
     * see) stored before {@code atMillis}, or now if that is not later.
     */
    CompletableFuture<Void> flushAll(long atMillis);

    /** Redis's FLUSHDB: invalidates every item of {@code database} stored so far. */
    CompletableFuture<Void> flushDatabase(int database);

    /** Redis's FLUSHALL, and an operator's flush: invalidates every item of every database stored so far. */
    CompletableFuture<Void> flushEverything();

    /**
     * Whether the writes waiting for the disk tier have reached their bound: a server should stop
     * reading from connections that write until {@link #whenWritable} runs.
     */
    boolean writesBackedUp();

    /** Runs {@code action} once writes are no longer backed up: at once, or later on another thread. */
    void whenWritable(Runnable action);

    // ---- memcached's admin commands

    /**
     * watch evictions: {@code listener} is told of each live item the memory tier evicts (with a
     * disk tier it stays there), under the tier's lock, so it must be quick; null for none.
     */
    void onEviction(Consumer<? super Item> listener);

    /** lru_crawler crawl: a sweep of expired items now, in the background; false if background sweeps are off. */
    boolean crawlNow();

    /** lru_crawler enable|disable: false, changing nothing, if sweeps already run so or have no thread. */
    boolean sweepInBackground(boolean on);

    /** cache_memlimit: the memory tier's byte budget from now on; it evicts down to it at once. */
    void resizeMemory(long maxBytes);

    /** stats cachedump: up to {@code limit} items of the memory tier, those it would evict last first. */
    List<? extends Item> memoryItems(int limit);

    /**
     * An item's size as memcached measures it against the item size limit: its 48-byte header,
     * the 8-byte CAS, the key and its terminator, the flags when non-zero, and the value with its
     * CRLF. With the default 1 MiB limit and a one-byte key, a 1,048,516-byte value is the largest
     * that fits, in memcached 1.6 and here.
     */
    static long itemSize(int keyLength, int flags, long valueLength) {
        return 48 + 8 + keyLength + 1 + (flags != 0 ? 4 : 0) + valueLength + 2;
    }
}
