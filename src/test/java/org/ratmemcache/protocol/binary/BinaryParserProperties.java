package org.ratmemcache.protocol.binary;

import java.nio.ByteBuffer;
import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import org.ratmemcache.core.Key;
import org.ratmemcache.testing.ChunkedDecoding;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The binary decoder on random and mutated frames, split at random places: it never throws, never
 * loops without consuming input, and never allocates a value array beyond the item size limit or
 * beyond (twice) the bytes that have actually arrived.
 */
class BinaryParserProperties {

    private static final long ITEM_SIZE_MAX = 1 << 20;

    @Property(tries = 300)
    void randomBytes(@ForAll @Size(max = 4096) byte[] bytes, @ForAll @IntRange(min = 1, max = 600) int chunk) {
        bytes = bytes.length > 0 ? withMagic(bytes) : bytes;
        decodeInChunks(bytes, chunk);
    }

    @Property(tries = 500)
    void mutatedFrames(@ForAll("frames") List<byte[]> frames, @ForAll("mutations") List<int[]> mutations,
            @ForAll @IntRange(min = 1, max = 100) int chunk) {
        int length = frames.stream().mapToInt(f -> f.length).sum();
        ByteBuffer stream = ByteBuffer.allocate(length);
        frames.forEach(stream::put);
        byte[] bytes = stream.array();
        for (int[] mutation : mutations) {
            if (bytes.length > 0) {
                bytes[mutation[0] % bytes.length] = (byte) mutation[1];
            }
        }
        decodeInChunks(bytes, chunk);
    }

    private static void decodeInChunks(byte[] bytes, int chunk) {
        BinaryParser parser = new BinaryParser(ITEM_SIZE_MAX);
        ChunkedDecoding.decode(bytes, chunk, ITEM_SIZE_MAX, BinaryParser.HEADER, parser::parse, () -> parser.request().value(),
                request -> {
                    if (parser.request().error() == null) {
                        assertThat(parser.request().keyLength()).isLessThanOrEqualTo(Key.MAX_LENGTH);
                    }
                });
    }

    @Provide
    Arbitrary<List<byte[]>> frames() {
        Arbitrary<byte[]> frame = Combinators.combine(
                Arbitraries.of(0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e,
                        0x0f, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e,
                        0x20, 0x21, 0x22, 0x23, 0x24, 0x30, 0xff),
                Arbitraries.of(0, 4, 8, 20, 255),
                Arbitraries.integers().between(0, 300),
                Arbitraries.integers().between(0, 2000),
                Arbitraries.of(0L, 1L << 20, 0xffff_ffffL, 1_048_600L))
                .as(BinaryParserProperties::frame);
        return frame.list().ofMaxSize(6);
    }

    @Provide
    Arbitrary<List<int[]>> mutations() {
        return Combinators.combine(Arbitraries.integers().between(0, Integer.MAX_VALUE), Arbitraries.integers().between(0, 255))
                .as((at, value) -> new int[] {at, value}).list().ofMaxSize(4);
    }

    /** A frame with these lengths; a non-zero {@code claimedBody} overrides the body length in the header. */
    private static byte[] frame(int opcode, int extras, int key, int value, long claimedBody) {
        int body = extras + key + value;
        ByteBuffer frame = ByteBuffer.allocate(BinaryParser.HEADER + body);
        frame.put((byte) 0x80).put((byte) opcode).putShort((short) key).put((byte) extras).put((byte) 0).putShort((short) 0)
                .putInt((int) (claimedBody != 0 ? claimedBody : body)).putInt(7).putLong(0);
        for (int i = 0; i < body; i++) {
            frame.put((byte) ('a' + i % 26));
        }
        return frame.array();
    }

    private static byte[] withMagic(byte[] bytes) {
        bytes[0] = (byte) 0x80;
        return bytes;
    }
}
