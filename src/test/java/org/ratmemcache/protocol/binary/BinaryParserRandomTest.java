package org.ratmemcache.protocol.binary;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.ratmemcache.core.Key;
import org.ratmemcache.testing.ChunkedDecoding;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The binary decoder on random and mutated frames, split at random places: it never throws, never
 * loops without consuming input, and never allocates a value array beyond the item size limit or
 * beyond (twice) the bytes that have actually arrived. Seeded, so that every run tries the same
 * inputs; BinaryDecoderFuzzTest searches further.
 */
class BinaryParserRandomTest {

    private static final long ITEM_SIZE_MAX = 1 << 20;
    private static final int[] OPCODES = {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d,
        0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x20, 0x21, 0x22,
        0x23, 0x24, 0x30, 0xff};
    private static final int[] EXTRAS = {0, 4, 8, 20, 255};
    private static final long[] CLAIMED_BODIES = {0L, 1L << 20, 0xffff_ffffL, 1_048_600L};

    @Test
    void randomBytesAfterTheMagicByte() {
        Random random = new Random(21);
        for (int i = 0; i < 300; i++) {
            byte[] bytes = new byte[random.nextInt(4097)];
            random.nextBytes(bytes);
            if (bytes.length > 0) {
                bytes[0] = (byte) 0x80;
            }
            decodeInChunks(bytes, 1 + random.nextInt(600));
        }
    }

    @Test
    void mutatedFrames() {
        Random random = new Random(22);
        for (int i = 0; i < 500; i++) {
            ByteArrayOutputStream stream = new ByteArrayOutputStream();
            for (int f = random.nextInt(7); f > 0; f--) {
                stream.writeBytes(frame(OPCODES[random.nextInt(OPCODES.length)], EXTRAS[random.nextInt(EXTRAS.length)],
                        random.nextInt(301), random.nextInt(2001), CLAIMED_BODIES[random.nextInt(CLAIMED_BODIES.length)]));
            }
            byte[] bytes = stream.toByteArray();
            for (int m = random.nextInt(5); m > 0 && bytes.length > 0; m--) {
                bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
            }
            decodeInChunks(bytes, 1 + random.nextInt(100));
        }
    }

    static void decodeInChunks(byte[] bytes, int chunk) {
        BinaryParser parser = new BinaryParser(ITEM_SIZE_MAX);
        ChunkedDecoding.decode(bytes, chunk, ITEM_SIZE_MAX, BinaryParser.HEADER, parser::parse, () -> parser.request().value(),
                request -> {
                    if (parser.request().error() == null) {
                        assertThat(parser.request().keyLength()).isLessThanOrEqualTo(Key.MAX_LENGTH);
                    }
                });
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
}
