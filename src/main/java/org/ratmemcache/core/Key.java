package org.ratmemcache.core;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A cache key: up to {@value #LONGEST} arbitrary bytes (memcached's protocols allow
 * {@value #MAX_LENGTH}), in one of the numbered databases that Redis's protocol has (memcached's
 * protocols see database 0). Two keys are the same when their databases and bytes are.
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

    /** The longest key the cache holds (over Redis's protocol), in bytes. */
    public static final int LONGEST = 0xffff;

    /** The highest database number a key may have. */
    public static final int MAX_DATABASE = 0xff;

    private final boolean reusable;
    private byte database;
    private byte[] bytes;
    private int offset;
    // a char, not an int, so that with compact object headers a stored key takes 24 bytes, not 32
    private char length;
    /** {@link KeyHash}'s hash of the bytes: the memory tier's index places the key by it. */
    private long hash;

    private Key(boolean reusable, int database, byte[] bytes, int offset, int length) {
        this.reusable = reusable;
        this.database = (byte) database;
        this.bytes = bytes;
        this.offset = offset;
        this.length = (char) length;
        this.hash = KeyHash.of(database, bytes, offset, length);
    }

    /** A stored key holding a copy of {@code bytes}. */
    public static Key of(byte[] bytes) {
        return of(bytes, 0, bytes.length);
    }

    /** A stored key of database 0 holding a copy of {@code length} bytes of {@code src} from {@code offset}. */
    public static Key of(byte[] src, int offset, int length) {
        return of(0, src, offset, length);
    }

    /** A stored key of {@code database} holding a copy of {@code length} bytes of {@code src} from {@code offset}. */
    public static Key of(int database, byte[] src, int offset, int length) {
        check(database, length);
        return new Key(false, database, Arrays.copyOfRange(src, offset, offset + length), 0, length);
    }

    /** A stored key of {@code database} holding a copy of {@code bytes}. */
    public static Key of(int database, byte[] bytes) {
        return of(database, bytes, 0, bytes.length);
    }

    private static void check(int database, int length) {
        if (length > LONGEST) {
            throw new IllegalArgumentException("key longer than " + LONGEST + " bytes: " + length);
        }
        if (database < 0 || database > MAX_DATABASE) {
            throw new IllegalArgumentException("no database " + database);
        }
    }

    /** A stored key holding the UTF-8 bytes of {@code key}. */
    public static Key of(String key) {
        return of(key.getBytes(StandardCharsets.UTF_8));
    }

    /** A reusable lookup key, empty until {@link #set} points it at a buffer. */
    public static Key lookup() {
        return new Key(true, 0, new byte[0], 0, 0);
    }

    /**
     * Points this lookup key at {@code length} bytes of {@code src} from {@code offset}, without
     * copying them. The caller must not change those bytes while the key is in use.
     */
    public Key set(byte[] src, int offset, int length) {
        return set(0, src, offset, length);
    }

    /** {@link #set(byte[], int, int)}, for a key of {@code database}. */
    public Key set(int database, byte[] src, int offset, int length) {
        if (!reusable) {
            throw new IllegalStateException("a stored key never changes");
        }
        check(database, length);
        this.database = (byte) database;
        this.bytes = src;
        this.offset = offset;
        this.length = (char) length;
        this.hash = KeyHash.of(database, src, offset, length);
        return this;
    }

    /** This key if it is stored, else a stored copy of it. */
    public Key toStored() {
        return reusable ? of(database(), bytes, offset, length) : this;
    }

    /** The same bytes as a stored key of {@code database}. */
    public Key inDatabase(int database) {
        return database == database() && !reusable ? this : of(database, bytes, offset, length);
    }

    /** The database the key is in: 0 for memcached's protocols. */
    public int database() {
        return database & 0xff;
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
                && k.database == database
                && Arrays.equals(bytes, offset, offset + length, k.bytes, k.offset, k.offset + k.length);
    }

    /** Whether the key begins with {@code prefix}. */
    public boolean startsWith(byte[] prefix) {
        return length >= prefix.length && Arrays.equals(bytes, offset, offset + prefix.length, prefix, 0, prefix.length);
    }

    @Override
    public int compareTo(Key k) {
        if (database != k.database) {
            return Integer.compare(database(), k.database());
        }
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
