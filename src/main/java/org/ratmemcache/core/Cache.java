package org.ratmemcache.core;

import java.util.concurrent.CompletableFuture;
import java.util.function.LongConsumer;

/**
 * The cache as the protocols see it: one method per kind of request, with memcached's semantics,
 * whatever the wire format. Text, meta and binary commands all map onto these calls.
 *
 * <p>Every method is atomic per key. Times are absolute epoch milliseconds from {@link #clock()};
 * {@link Expiry#fromExptime} turns a memcached exptime into one.
 *
 * <h2>Now or later</h2>
 * Memory answers most requests at once; a request about a key that only the disk tier knows
 * completes later, on a disk thread. So the mutations return futures: already complete when
 * memory decided (those are shared constants, so the common case allocates nothing), pending
 * otherwise. A read is split in two instead, since it is the hottest call: {@link #get} answers
 * from memory or says {@link #ON_DISK}, and then {@link #load} reads the disk.
 */
public interface Cache {

    /** {@link #get}'s answer when only the disk can tell: call {@link #load}. */
    Item ON_DISK = new DiskItem(Key.of(new byte[0]), new byte[0], 0, 0, 0, 0, false);

    Clock clock();

    /**
     * The live item under {@code key}, {@code null} when there is none, or {@link #ON_DISK} when
     * the disk tier must be read. Never waits. Counts a get hit or miss, unless it says ON_DISK.
     */
    Item get(Key key);

    /** The live item under {@code key} or {@code null}, reading the disk tier if needed. Counts it. */
    CompletableFuture<Item> load(Key key);

    /** Like {@link #load}, and sets the item's expiry: memcached's gat. Counts a touch. */
    CompletableFuture<Item> getAndTouch(Key key, long expiresAt);

    /**
     * Stores {@code value} under {@code key} as {@code mode} says. {@code cas} is the expected CAS
     * for {@link StoreMode#CAS}; for append and prepend a non-zero {@code cas} must match too.
     * {@code value} is kept, not copied: the caller hands it over.
     */
    CompletableFuture<StoreResult> store(StoreMode mode, Key key, int flags, long expiresAt, byte[] value, long cas);

    /**
     * {@link #store}, and when it stores, hands the new item's CAS to {@code storedCas} before the
     * future completes (the binary protocol and meta set return it).
     */
    CompletableFuture<StoreResult> store(StoreMode mode, Key key, int flags, long expiresAt, byte[] value, long cas,
            LongConsumer storedCas);

    /**
     * A store refused before its value was read because the item is too large. Counts it, and
     * for {@link StoreMode#SET} removes the key's current item, as memcached does, so that a
     * failed overwrite never leaves stale data behind.
     */
    CompletableFuture<Void> refuseTooLarge(StoreMode mode, Key key);

    /** Removes the key's live item; completes with whether there was one. */
    default CompletableFuture<Boolean> delete(Key key) {
        return delete(key, 0).thenApply(result -> result == DeleteResult.DELETED);
    }

    /** Removes the key's live item if {@code cas} is 0 or its CAS. */
    CompletableFuture<DeleteResult> delete(Key key, long cas);

    /**
     * The meta protocol's invalidation ({@code md I}): if {@code cas} is 0 or the item's CAS, keeps
     * the value but marks it stale under a new CAS, with its win token back for the taking, and
     * sets its expiry unless {@code expiresAt} is {@link Expiry#UNCHANGED}.
     */
    CompletableFuture<DeleteResult> invalidate(Key key, long cas, long expiresAt);

    /** memcached's incr ({@code increment}) or decr on a 64-bit unsigned decimal value. */
    default CompletableFuture<DeltaResult> delta(Key key, boolean increment, long delta) {
        return delta(key, Arithmetic.of(increment, delta));
    }

    /** incr or decr with the binary and meta protocols' options: see {@link Arithmetic}. */
    CompletableFuture<DeltaResult> delta(Key key, Arithmetic arithmetic);

    /**
     * The meta protocol's mg: a read that may touch, vivify, hand out the win token for a recache,
     * and report the item's read history; {@code request} says what to do and receives what
     * happened. Completes when {@code request} holds the answer.
     */
    CompletableFuture<Void> metaGet(Key key, MetaGet request);

    /**
     * The live item under {@code key}, or {@code null}, reading the disk tier if needed, without
     * counting a read or changing its read history: the meta protocol's me.
     */
    CompletableFuture<Item> peek(Key key);

    /** Sets the expiry of the key's live item; completes with whether there was one. */
    CompletableFuture<Boolean> touch(Key key, long expiresAt);

    /** Invalidates every item stored before {@code atMillis}, or now if that is not later. */
    CompletableFuture<Void> flushAll(long atMillis);

    /**
     * Whether the writes waiting for the disk tier have reached their bound: a server should stop
     * reading from connections that write until {@link #whenWritable} runs.
     */
    boolean writesBackedUp();

    /** Runs {@code action} once writes are no longer backed up: at once, or later on another thread. */
    void whenWritable(Runnable action);

    /**
     * The largest item accepted, counted as memcached counts it ({@link #itemSize}): its
     * {@code -I} setting.
     */
    long itemSizeMax();

    CacheStats stats();

    /** Items currently held, live or awaiting reclaim: memcached's curr_items. */
    long itemCount();

    /** Bytes currently charged to the memory budget: memcached's bytes. */
    long bytes();

    /** The memory budget: memcached's limit_maxbytes. */
    long maxBytes();

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
