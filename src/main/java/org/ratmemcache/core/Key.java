package org.ratmemcache.core;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A cache key: up to {@value #MAX_LENGTH} arbitrary bytes.
 *
 * <p>Two kinds of instance share this class:
 * <ul>
 *   <li><b>stored</b> keys ({@link #of}) own an exact copy of their bytes and never change. Only
 *       these are ever kept by the cache.</li>
 *   <li><b>lookup</b> keys ({@link #lookup()}) are reusable views over a caller's buffer. A
 *       connection keeps one and re-points it at each request's key, so that a lookup allocates
 *       nothing. The cache copies a lookup key ({@link #toStored()}) before it keeps it.</li>
 * </ul>
 * Both kinds are one class so that {@link java.util.concurrent.ConcurrentHashMap} can use
 * {@link Comparable} ordering in a bin that many colliding keys have turned into a tree, which
 * keeps a hash-flooding client from degrading lookups to a linear scan.
 */
public final class Key implements Comparable<Key> {

    /** memcached's limit on key length, in bytes. */
    public static final int MAX_LENGTH = 250;

    /** The longest lookup key: a binary request's key length is 16 bits. */
    private static final int MAX_LOOKUP_LENGTH = Character.MAX_VALUE;

    private final boolean reusable;
    private byte[] bytes;
    private int offset;
    // a char, not an int, so that with compact object headers a stored key takes 24 bytes, not 32
    private char length;
    /** {@link KeyHash}'s hash of the bytes: the memory tier's index places the key by it. */
    private long hash;

    private Key(boolean reusable, byte[] bytes, int offset, int length) {
        this.reusable = reusable;
        this.bytes = bytes;
        this.offset = offset;
        this.length = (char) length;
        this.hash = KeyHash.of(bytes, offset, length);
    }

    /** A stored key holding a copy of {@code bytes}. */
    public static Key of(byte[] bytes) {
        return of(bytes, 0, bytes.length);
    }

    /** A stored key holding a copy of {@code length} bytes of {@code src} from {@code offset}. */
    public static Key of(byte[] src, int offset, int length) {
        if (length > MAX_LENGTH) {
            throw new IllegalArgumentException("key longer than " + MAX_LENGTH + " bytes: " + length);
        }
        return new Key(false, Arrays.copyOfRange(src, offset, offset + length), 0, length);
    }

    /** A stored key holding the UTF-8 bytes of {@code key}. */
    public static Key of(String key) {
        return of(key.getBytes(StandardCharsets.UTF_8));
    }

    /** A reusable lookup key, empty until {@link #set} points it at a buffer. */
    public static Key lookup() {
        return new Key(true, new byte[0], 0, 0);
    }

    /**
     * Points this lookup key at {@code length} bytes of {@code src} from {@code offset}, without
     * copying them. The caller must not change those bytes while the key is in use.
     */
    public Key set(byte[] src, int offset, int length) {
        if (!reusable) {
            throw new IllegalStateException("a stored key never changes");
        }
        if (length > MAX_LOOKUP_LENGTH) {
            throw new IllegalArgumentException("lookup key longer than " + MAX_LOOKUP_LENGTH + " bytes: " + length);
        }
        this.bytes = src;
        this.offset = offset;
        this.length = (char) length;
        this.hash = KeyHash.of(src, offset, length);
        return this;
    }

    /** This key if it is stored, else a stored copy of it. */
    public Key toStored() {
        return reusable ? of(bytes, offset, length) : this;
    }

    public int length() {
        return length;
    }

    /**
     * The array behind this key; its bytes are {@code [offset(), offset() + length())}. Exposed so
     * that encoders can write a key without copying it first. Never modify it.
     */
    public byte[] array() {
        return bytes;
    }

    public int offset() {
        return offset;
    }

    /** A copy of the key's bytes. */
    public byte[] toBytes() {
        return Arrays.copyOfRange(bytes, offset, offset + length);
    }

    /** The key's 64-bit hash ({@link KeyHash}), keyed by this process's secret. */
    public long hash64() {
        return hash;
    }

    @Override
    public int hashCode() {
        return (int) (hash ^ (hash >>> 32));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Key k
                && k.hash == hash
                && Arrays.equals(bytes, offset, offset + length, k.bytes, k.offset, k.offset + k.length);
    }

    /** Whether the key begins with {@code prefix}. */
    public boolean startsWith(byte[] prefix) {
        return length >= prefix.length && Arrays.equals(bytes, offset, offset + prefix.length, prefix, 0, prefix.length);
    }

    @Override
    public int compareTo(Key k) {
        return Arrays.compareUnsigned(bytes, offset, offset + length, k.bytes, k.offset, k.offset + k.length);
    }

    /** The key as text when it is printable ASCII, else as hex: for logs and diagnostics. */
    @Override
    public String toString() {
        for (int i = offset; i < offset + length; i++) {
            if (bytes[i] < 0x21 || bytes[i] > 0x7e) {
                return "0x" + java.util.HexFormat.of().formatHex(bytes, offset, offset + length);
            }
        }
        return new String(bytes, offset, length, StandardCharsets.US_ASCII);
    }
}
