package org.ratmemcache.testing;

import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import org.ratmemcache.protocol.Parsed;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Feeds bytes to a protocol parser a chunk at a time, parsing all it can after each chunk, and
 * checks what every parser owes a connection: it makes progress (no request without at least
 * {@code minRequestBytes} new bytes, so no endless loop) and it never holds a value array larger
 * than the item size limit, or larger than twice the bytes received (a request line alone
 * allocates nothing big).
 */
public final class ChunkedDecoding {

    /** A value array starts at up to this size, then grows with the bytes received. */
    private static final int INITIAL_VALUE_CAPACITY = 16 * 1024;

    private ChunkedDecoding() {
    }

    /**
     * @param parse          one call of the parser on its input
     * @param value          the value array the parser is filling, or null
     * @param eachRequest    told of every request produced, for further checks
     */
    public static void decode(byte[] bytes, int chunk, long itemSizeMax, int minRequestBytes,
            Function<ByteBuf, Parsed> parse, Supplier<byte[]> value, Consumer<Integer> eachRequest) {
        ByteBuf in = Unpooled.buffer();
        int fed = 0;
        int requests = 0;
        try {
            while (true) {
                Parsed result = parse.apply(in);
                byte[] partial = value.get();
                if (partial != null) {
                    assertThat((long) partial.length).as("value array").isLessThanOrEqualTo(itemSizeMax)
                            .isLessThanOrEqualTo(Math.max(INITIAL_VALUE_CAPACITY, 2L * fed));
                }
                if (result == Parsed.CLOSE) {
                    return;
                }
                if (result == Parsed.REQUEST) {
                    requests++;
                    assertThat(requests).as("requests from %d bytes", fed).isLessThanOrEqualTo(fed / minRequestBytes);
                    eachRequest.accept(requests);
                    continue;
                }
                if (fed == bytes.length) {
                    return;
                }
                int n = Math.min(chunk, bytes.length - fed);
                in.writeBytes(bytes, fed, n);
                fed += n;
            }
        } finally {
            in.release();
        }
    }
}
