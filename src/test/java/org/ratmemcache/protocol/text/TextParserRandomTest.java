package org.ratmemcache.protocol.text;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.ratmemcache.testing.ChunkedDecoding;

/**
 * The text decoder, meta commands included, on random bytes and on lines put together from the
 * protocol's words, split at random places: it never throws, never produces a request out of no
 * input, and never allocates a value beyond the item size limit or (twice) the bytes received.
 * Seeded, so that every run tries the same inputs; TextDecoderFuzzTest searches further.
 */
class TextParserRandomTest {

    private static final long ITEM_SIZE_MAX = 1 << 20;
    private static final String[] COMMANDS = {"get", "gets", "gat", "set", "add", "cas", "append", "incr", "delete", "touch",
        "stats", "flush_all", "verbosity", "version", "mg", "ms", "md", "ma", "me", "mn", "noreply"};
    private static final String[] KEYS = {"k", "key", "Zm9v", "====", "x".repeat(251)};
    private static final String[] META_FLAGS = {"b", "c", "f", "h", "k", "l", "q", "s", "t", "u", "v", "I", "ME", "MA", "MS",
        "MX", "M+", "MD", "N30", "T-1", "R10", "C1", "F5", "J7", "D9", "O" + "o".repeat(40), "Oop", "P/x", "L", "Tx"};
    private static final String[] NUMBERS = {"0", "1", "5", "-1", "100", "1048576", "1048577", "2147483647", "2147483648",
        "4294967296", "99999999999999999999"};
    private static final String[] ENDINGS = {"\r\n", "\n", "\r\nxyz\r\n", ""};

    @Test
    void randomBytes() {
        Random random = new Random(11);
        for (int i = 0; i < 300; i++) {
            byte[] bytes = new byte[random.nextInt(4097)];
            random.nextBytes(bytes);
            decodeInChunks(bytes, 1 + random.nextInt(600));
        }
    }

    @Test
    void linesOfTheProtocolsWords() {
        Random random = new Random(12);
        for (int i = 0; i < 1000; i++) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            for (int line = random.nextInt(11); line > 0; line--) {
                StringBuilder text = new StringBuilder();
                for (int word = random.nextInt(9); word > 0; word--) {
                    text.append(text.isEmpty() ? "" : " ").append(word(random));
                }
                text.append(ENDINGS[random.nextInt(ENDINGS.length)]);
                bytes.writeBytes(text.toString().getBytes(StandardCharsets.ISO_8859_1));
            }
            decodeInChunks(bytes.toByteArray(), 1 + random.nextInt(64));
        }
    }

    private static String word(Random random) {
        return switch (random.nextInt(5)) {
            case 0 -> COMMANDS[random.nextInt(COMMANDS.length)];
            case 1 -> KEYS[random.nextInt(KEYS.length)];
            case 2 -> META_FLAGS[random.nextInt(META_FLAGS.length)];
            case 3 -> NUMBERS[random.nextInt(NUMBERS.length)];
            default -> {
                char[] chars = new char[random.nextInt(9)];
                for (int c = 0; c < chars.length; c++) {
                    chars[c] = (char) random.nextInt(256);
                }
                yield new String(chars);
            }
        };
    }

    /** Every request ends with a LF that it consumed: at least one byte each. */
    static void decodeInChunks(byte[] bytes, int chunk) {
        TextParser parser = new TextParser(ITEM_SIZE_MAX);
        ChunkedDecoding.decode(bytes, chunk, ITEM_SIZE_MAX, 1, parser::parse, () -> parser.request().value(), request -> { });
    }
}
