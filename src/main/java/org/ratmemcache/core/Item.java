package org.ratmemcache.core;

import java.lang.foreign.MemorySegment;

/**
 * One cached item, as memcached defines it. An item never changes: every modification of a key
 * replaces its item with a new one. An item is also the {@link Lookup} of a read that found it.
 *
 * <p>An item the memory tier hands out is a view of item memory, good only while the thread that
 * got it stays protected (the server's batch of requests; see {@link Cache}): its
 * {@link #valueMemory} is read in place. Whatever must outlive that is copied first.
 */
public non-sealed interface Item extends Lookup, Found {

    /** The key, as a stored key (for an item in memory, a copy of its bytes). */
    Key key();

    /** The database of the item's key: 0 for memcached's protocols. */
    default int database() {
        return key().database();
    }

    /** The key's length in bytes. */
    default int keyLength() {
        return key().length();
    }

    /** Copies the key's bytes into {@code into} from {@code offset}. */
    default void copyKey(byte[] into, int offset) {
        Key key = key();
        System.arraycopy(key.array(), key.offset(), into, offset, key.length());
    }

    /** The value's bytes, decompressed. For an item in memory a copy; otherwise shared: never modify it. */
    byte[] value();

    /**
     * The memory holding the value as stored (LZ4-compressed when {@link #compressed}), from
     * {@link #valueOffset}, {@link #storedLength} bytes: what a reply copies from.
     */
    default MemorySegment valueMemory() {
        byte[] stored = compressed() ? compressedValue() : value();
        return MemorySegment.ofArray(stored);
    }

    /** Where the value starts in {@link #valueMemory}. */
    default long valueOffset() {
        return 0;
    }

    /** The value's length as stored. */
    default int storedLength() {
        return compressed() ? compressedValue().length : valueLength();
    }

    /** Whether the value is stored LZ4-compressed. */
    default boolean compressed() {
        return false;
    }

    /** memcached's 32-bit client flags, opaque to the cache. */
    int flags();

    /** When the item expires, in epoch milliseconds; {@link Expiry#NEVER} if it does not. */
    long expiresAt();

    /**
     * The 64-bit CAS unique, new on every modification: the cache's next one, or the one the
     * client chose (the meta protocol's {@code E} flag).
     */
    long cas();

    /**
     * Where this version of the item lies in the order of stores: the CAS the cache handed out for
     * it, which only grows. It equals {@link #cas()} unless the client chose the CAS; flush_all and
     * the disk tier's age order go by it, never by a CAS a client may have set to anything.
     */
    default long version() {
        return cas();
    }

    /** When the item was last read or stored, to the second, in epoch milliseconds; 0 if unknown. */
    default long accessedAt() {
        return 0;
    }

    /** Whether the item has been read since it was stored. */
    default boolean fetched() {
        return false;
    }

    /**
     * Marked stale by the meta protocol's invalidation ({@code md I}, {@code ms I}): readers are
     * told the value needs recaching, and may still use it meanwhile.
     */
    default boolean stale() {
        return false;
    }

    /**
     * The meta protocol's win token for this item has been handed out: one client has been told to
     * recache it, and others are told so.
     */
    default boolean winTokenSent() {
        return false;
    }

    /** How the value was made, for Redis's OBJECT ENCODING. */
    default ValueForm form() {
        return ValueForm.WHOLE;
    }

    /** The value's length in bytes, without decompressing it. */
    default int valueLength() {
        return value().length;
    }

    /**
     * The value as an LZ4 block, when the item holds it compressed (so that a store can keep it
     * that way without compressing again); else {@code null}.
     */
    default byte[] compressedValue() {
        return null;
    }
}
