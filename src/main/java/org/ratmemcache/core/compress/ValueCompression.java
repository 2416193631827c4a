package org.ratmemcache.core.compress;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.Arrays;

import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;

/**
 * LZ4 block compression of values, for the memory tier (and the disk tier, when RocksDB does not
 * compress itself).
 *
 * <p>A value at or above the threshold, and at most {@value #MAX_LENGTH} bytes long, is
 * compressed; it is kept compressed only if that makes it smaller, so incompressible data
 * (already compressed, encrypted, random) costs one attempt and no memory. Decompression uses
 * LZ4's safe decompressor, which never reads or writes outside its buffers, even on corrupt
 * input. The compressor's output buffer is reused per thread, so compressing allocates only the
 * result; a reply decompresses into its output buffer, with no array.
 */
public final class ValueCompression {

    /** No value is ever compressed. */
    public static final ValueCompression OFF = new ValueCompression(Integer.MAX_VALUE);

    private static final LZ4Factory LZ4 = factory(System.getProperty("org.graalvm.nativeimage.imagecode"));
    private static final LZ4Compressor COMPRESSOR = LZ4.fastCompressor();
    private static final LZ4SafeDecompressor DECOMPRESSOR = LZ4.safeDecompressor();
    private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[0]);

    /**
     * The longest value compressed; a longer one is kept as it is. Compressing a value takes
     * arrays of its size on the heap (as does reading it back whole into an array), which
     * the launcher sizes for requests, not for values of up to {@code -I 1024m}: a 300 MiB value
     * took the server down with an {@code OutOfMemoryError}.
     */
    public static final int MAX_LENGTH = 1 << 20;

    private final int threshold;

    /** Compresses values of at least {@code threshold} bytes. */
    public ValueCompression(int threshold) {
        if (threshold < 1) {
            throw new IllegalArgumentException("compression threshold must be at least 1 byte: " + threshold);
        }
        this.threshold = threshold;
    }

    /** Values at least this long are compressed. */
    public int threshold() {
        return threshold;
    }

    /**
     * lz4-java's fastest codec on a JVM (its JNI library, else its Unsafe one); its pure-Java one in
     * a native image, where neither the JNI library nor Unsafe's array access is there. GraalVM sets
     * {@code imageCode} ("buildtime", then "runtime") only while building and running an image.
     */
    static LZ4Factory factory(String imageCode) {
        return imageCode == null ? LZ4Factory.fastestInstance() : LZ4Factory.safeInstance();
    }

    /** Whether a value of {@code length} bytes is compressed: at least the threshold, at most {@link #MAX_LENGTH}. */
    public boolean compresses(long length) {
        return length >= threshold && length <= MAX_LENGTH;
    }

    /** The LZ4 block of {@code value} if it is one to compress and compressing shrinks it; else null. */
    public byte[] compress(byte[] value) {
        if (!compresses(value.length)) {
            return null;
        }
        int bound = COMPRESSOR.maxCompressedLength(value.length);
        byte[] scratch = SCRATCH.get();
        if (scratch.length < bound) {
            scratch = new byte[bound];
            SCRATCH.set(scratch);
        }
        int length = COMPRESSOR.compress(value, 0, value.length, scratch, 0, bound);
        return length < value.length ? Arrays.copyOf(scratch, length) : null;
    }

    /**
     * Decompresses the LZ4 block of {@code length} bytes at {@code offset} in {@code source} into
     * {@code into}, from its position: exactly {@code rawLength} bytes, which it has room for.
     * Neither side is an array: a reply decompresses from item memory into its output buffer.
     */
    public static void decompress(MemorySegment source, long offset, int length, ByteBuffer into, int rawLength) {
        ByteBuffer block = source.asSlice(offset, length).asByteBuffer();
        int written = DECOMPRESSOR.decompress(block, 0, length, into, into.position(), rawLength);
        if (written != rawLength) {
            throw new IllegalStateException("LZ4 block holds " + written + " bytes, expected " + rawLength);
        }
    }

    /** The {@code rawLength} bytes that {@code compressed} holds. */
    public static byte[] decompress(byte[] compressed, int rawLength) {
        byte[] raw = new byte[rawLength];
        int length = DECOMPRESSOR.decompress(compressed, 0, compressed.length, raw, 0);
        if (length != rawLength) {
            throw new IllegalStateException("LZ4 block holds " + length + " bytes, expected " + rawLength);
        }
        return raw;
    }
}
