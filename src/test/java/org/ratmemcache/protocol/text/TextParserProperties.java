package org.ratmemcache.protocol.text;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import org.ratmemcache.testing.ChunkedDecoding;

/**
 * The text decoder, meta commands included, on random bytes and on lines put together from the
 * protocol's words, split at random places: it never throws, never produces a request out of no
 * input, and never allocates a value beyond the item size limit or (twice) the bytes received.
 */
class TextParserProperties {

    private static final long ITEM_SIZE_MAX = 1 << 20;

    @Property(tries = 300)
    void randomBytes(@ForAll @Size(max = 4096) byte[] bytes, @ForAll @IntRange(min = 1, max = 600) int chunk) {
        decodeInChunks(bytes, chunk);
    }

    @Property(tries = 1000)
    void protocolWords(@ForAll("lines") List<String> lines, @ForAll @IntRange(min = 1, max = 64) int chunk) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        lines.forEach(line -> bytes.writeBytes(line.getBytes(StandardCharsets.ISO_8859_1)));
        decodeInChunks(bytes.toByteArray(), chunk);
    }

    /** Every request ends with a LF that it consumed: at least one byte each. */
    private static void decodeInChunks(byte[] bytes, int chunk) {
        TextParser parser = new TextParser(ITEM_SIZE_MAX);
        ChunkedDecoding.decode(bytes, chunk, ITEM_SIZE_MAX, 1, parser::parse, () -> parser.request().value(), request -> { });
    }

    @Provide
    Arbitrary<List<String>> lines() {
        Arbitrary<String> word = Arbitraries.oneOf(
                Arbitraries.of("get", "gets", "gat", "set", "add", "cas", "append", "incr", "delete", "touch", "stats",
                        "flush_all", "verbosity", "version", "mg", "ms", "md", "ma", "me", "mn", "noreply"),
                Arbitraries.of("k", "key", "Zm9v", "====", "x".repeat(251)),
                Arbitraries.of("b", "c", "f", "h", "k", "l", "q", "s", "t", "u", "v", "I", "ME", "MA", "MS", "MX", "M+",
                        "MD", "N30", "T-1", "R10", "C1", "F5", "J7", "D9", "O" + "o".repeat(40), "Oop", "P/x", "L", "Tx"),
                Arbitraries.of("0", "1", "5", "-1", "100", "1048576", "1048577", "2147483647", "4294967296", "99999999999999999999"),
                Arbitraries.strings().ofMaxLength(8));
        Arbitrary<String> line = word.list().ofMaxSize(8).map(words -> String.join(" ", words))
                .flatMap(text -> Arbitraries.of("\r\n", "\n", "\r\nxyz\r\n", "").map(end -> text + end));
        return line.list().ofMaxSize(10);
    }
}
