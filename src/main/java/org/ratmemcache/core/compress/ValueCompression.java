package org.ratmemcache.core.compress;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;

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
 * input. Neither side passes through a heap array: a set compresses from the room its value was
 * read into, into an off-heap buffer of its thread ({@link Compressed}), from which the item is
 * written; a reply decompresses from item memory into its output buffer.
 */
public final class ValueCompression {

    /** No value is ever compressed. */
    public static final ValueCompression OFF = new ValueCompression(Integer.MAX_VALUE);

    private static final LZ4Factory LZ4 = factory(System.getProperty("org.graalvm.nativeimage.imagecode"));
    private static final LZ4Compressor COMPRESSOR = LZ4.fastCompressor();
    private static final LZ4SafeDecompressor DECOMPRESSOR = LZ4.safeDecompressor();
    private static final ThreadLocal<Compressed> OUTPUT = ThreadLocal.withInitial(Compressed::new);

    /**
     * The longest value compressed; a longer one is kept as it is. Each thread that compresses
     * keeps an output buffer as large as the largest value it compressed (and LZ4's margin), and
     * the disk tier reads a compressed value back whole into a heap array: both are sized for
     * requests, not for values of up to {@code -I 1024m}.
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

    /**
     * Compresses the {@code length} bytes at {@code offset} in {@code value} into this thread's
     * {@link Compressed} buffer, if they are a value to compress and compressing shrinks them;
     * else null. The buffer holds the block until the thread compresses again.
     */
    public Compressed compress(MemorySegment value, long offset, int length) {
        if (!compresses(length)) {
            return null;
        }
        int bound = COMPRESSOR.maxCompressedLength(length);
        Compressed out = OUTPUT.get();
        ByteBuffer into = out.room(bound);
        int written = COMPRESSOR.compress(value.asSlice(offset, length).asByteBuffer(), 0, length, into, 0, bound);
        if (written >= length) {
            return null;
        }
        out.length = written;
        return out;
    }

    /** {@link #compress(MemorySegment, long, int)} of the first {@code length} bytes of {@code value}. */
    public Compressed compress(byte[] value, int length) {
        return compresses(length) ? compress(MemorySegment.ofArray(value), 0, length) : null;
    }

    /** The LZ4 block of {@code value} as an array, if it is one to compress and compressing shrinks it; else null. */
    public byte[] compress(byte[] value) {
        Compressed block = compress(value, value.length);
        return block == null ? null : block.memory().asSlice(0, block.length()).toArray(ValueLayout.JAVA_BYTE);
    }

    /**
     * A thread's output buffer for LZ4 blocks, off the heap. It grows to the largest block the
     * thread has compressed (at most LZ4's bound for {@link #MAX_LENGTH}) and is reused, so a
     * set of a compressible value allocates no memory for its block.
     */
    public static final class Compressed {
        private ByteBuffer buffer = ByteBuffer.allocateDirect(0);
        private MemorySegment memory = MemorySegment.ofBuffer(buffer);
        private int length;

        /** The memory that holds the block, from its start. */
        public MemorySegment memory() {
            return memory;
        }

        /** The block's length. */
        public int length() {
            return length;
        }

        /** The {@code rawLength} bytes the block holds, in a new array. */
        public byte[] raw(int rawLength) {
            byte[] raw = new byte[rawLength];
            decompress(memory, 0, length, ByteBuffer.wrap(raw), rawLength);
            return raw;
        }

        private ByteBuffer room(int bound) {
            if (buffer.capacity() < bound) {
                int grown = Math.max(bound, Math.min(2 * buffer.capacity(), COMPRESSOR.maxCompressedLength(MAX_LENGTH)));
                buffer = ByteBuffer.allocateDirect(grown);
                memory = MemorySegment.ofBuffer(buffer);
            }
            return buffer;
        }
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
