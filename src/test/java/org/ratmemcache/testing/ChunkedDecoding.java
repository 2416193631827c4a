package org.ratmemcache.testing;

import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import org.ratmemcache.protocol.Parsed;
import org.ratmemcache.protocol.RequestValue;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Feeds bytes to a protocol parser a chunk at a time, parsing all it can after each chunk, and
 * checks what every parser owes a connection: it makes progress (no request without at least
 * {@code minRequestBytes} new bytes, so no endless loop), and a request's value lies within the
 * input it was read from and within the item size limit.
 */
public final class ChunkedDecoding {

    private ChunkedDecoding() {
    }

    /**
     * @param parse          one call of the parser on its input
     * @param value          the value of the request parsed
     * @param eachRequest    told of every request produced, for further checks
     */
    public static void decode(byte[] bytes, int chunk, long itemSizeMax, int minRequestBytes,
            Function<ByteBuf, Parsed> parse, Supplier<RequestValue> value, Consumer<Integer> eachRequest) {
        ByteBuf in = Unpooled.buffer();
        int fed = 0;
        int requests = 0;
        try {
            while (true) {
                Parsed result = parse.apply(in);
                if (result == Parsed.REQUEST && value.get().input() != null) {
                    RequestValue read = value.get();
                    assertThat((long) read.length()).as("value").isLessThanOrEqualTo(itemSizeMax);
                    assertThat(read.index() + read.length()).as("value within the input").isLessThanOrEqualTo(in.writerIndex());
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
