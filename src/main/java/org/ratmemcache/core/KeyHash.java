package org.ratmemcache.core;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.security.SecureRandom;

/**
 * The 64-bit hash of a key's bytes, keyed by a secret drawn once per process: the memory tier's
 * index places keys by it, so a client that does not know the secret cannot aim keys at one
 * bucket (hash flooding). The same function reads a key from a heap array or from item memory.
 *
 * <p>Eight bytes at a time, each folded in by a 64×64→128-bit multiply whose halves are xored
 * (the "mum" step of wyhash), then a final fold. Not a cryptographic hash; enough that a flooding
 * client cannot find colliding keys without the secret.
 */
public final class KeyHash {

    private static final VarHandle ARRAY_LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong SEGMENT_LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private static final long K0 = 0xa0761d6478bd642fL;
    private static final long K1 = 0xe7037ed1a0b428dbL;
    private static final long K2 = 0x8ebc6af09c88c6e3L;

    /** This process's secret. */
    private static final long SECRET = new SecureRandom().nextLong() | 1;

    private KeyHash() {
    }

    /** The hash of {@code length} bytes of {@code bytes} from {@code offset}, a key of database 0. */
    public static long of(byte[] bytes, int offset, int length) {
        return of(0, bytes, offset, length);
    }

    /**
     * The hash of a key of {@code database}: its bytes, {@code length} of {@code bytes} from
     * {@code offset}. The database is folded in with the length, so a key of database 0 hashes
     * as it did before there were databases.
     */
    public static long of(int database, byte[] bytes, int offset, int length) {
        long h = SECRET ^ mix(start(database, length), K1);
        int i = offset;
        int end = offset + length;
        for (; i + 8 <= end; i += 8) {
            h = mix(h ^ (long) ARRAY_LONG.get(bytes, i), K1);
        }
        long tail = 0;
        for (int shift = 0; i < end; i++, shift += 8) {
            tail |= (bytes[i] & 0xffL) << shift;
        }
        return mix(h ^ tail ^ K2, K0);
    }

    /** The same hash of a key of {@code database}, {@code length} bytes of {@code memory} from {@code offset}. */
    public static long of(int database, MemorySegment memory, long offset, int length) {
        long h = SECRET ^ mix(start(database, length), K1);
        long i = offset;
        long end = offset + length;
        for (; i + 8 <= end; i += 8) {
            h = mix(h ^ memory.get(SEGMENT_LONG, i), K1);
        }
        long tail = 0;
        for (int shift = 0; i < end; i++, shift += 8) {
            tail |= (memory.get(ValueLayout.JAVA_BYTE, i) & 0xffL) << shift;
        }
        return mix(h ^ tail ^ K2, K0);
    }

    private static long start(int database, int length) {
        return (length | (long) database << 32) ^ K0;
    }

    private static long mix(long a, long b) {
        return Math.multiplyHigh(a, b) ^ (a * b);
    }
}
