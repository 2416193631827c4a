package org.ratmemcache.protocol.resp;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * The RESP decoder on random bytes and on requests put together from the protocol's pieces, split
 * at random places: it never throws, never makes a request of no input, never holds more than it
 * received, and decodes the same requests whatever the chunks. Seeded, so that every run tries the
 * same inputs; RespDecoderFuzzTest searches further.
 */
class RespParserRandomTest {

    private static final String[] PIECES = {"*1\r\n", "*2\r\n", "*3\r\n", "*0\r\n", "*-1\r\n", "*x\r\n", "$3\r\nGET\r\n", "$1\r\nk\r\n",
        "$0\r\n\r\n", "$-1\r\n", "$2\r\nab", "$1048577\r\n", "PING\r\n", "ECHO \"a b\"\r\n", "'x'\n", "\r\n", "\0", "\"", ":1\r\n",
        "$5\r\nhello\r\n", "$99999999999999999999\r\n"};

    @Test
    void randomBytes() {
        Random random = new Random(21);
        for (int i = 0; i < 300; i++) {
            byte[] bytes = new byte[random.nextInt(4097)];
            random.nextBytes(bytes);
            RespDecoding.decodeInChunks(bytes, 1 + random.nextInt(600));
        }
    }

    @Test
    void piecesOfTheProtocol() {
        Random random = new Random(22);
        for (int i = 0; i < 2000; i++) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            for (int piece = random.nextInt(12); piece > 0; piece--) {
                bytes.writeBytes(PIECES[random.nextInt(PIECES.length)].getBytes(StandardCharsets.ISO_8859_1));
            }
            RespDecoding.decodeInChunks(bytes.toByteArray(), 1 + random.nextInt(16));
        }
    }
}
