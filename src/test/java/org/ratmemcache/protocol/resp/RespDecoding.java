package org.ratmemcache.protocol.resp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;

import org.ratmemcache.protocol.Parsed;

/**
 * Decodes bytes with {@link RespParser} as a connection would, arriving in chunks: what each
 * request was (its arguments, or the protocol error), until the input ends, an error ends the
 * connection, or the request outgrows the query buffer. Checks on the way what must hold
 * whatever the input: no exception, nothing made of no input, no more held than was received.
 */
final class RespDecoding {

    /** The limits of a cache with 1 MiB items, but a small query buffer, so that random input reaches it. */
    static final RespLimits LIMITS = new RespLimits(RespLimits.PROTO_MAX_BULK_LEN, 1 << 20, 1 << 20);

    private RespDecoding() {
    }

    /** Each request decoded, as "ARG|ARG|..." ("[too large]" for an argument skipped) or "!error", then "CLOSE" if it closed. */
    static List<String> decode(byte[] bytes, int chunk, boolean authenticated) {
        RespRequest request = new RespRequest(UnpooledByteBufAllocator.DEFAULT);
        RespParser parser = new RespParser(request, LIMITS);
        ByteBuf input = Unpooled.buffer();
        List<String> requests = new ArrayList<>();
        try {
            for (int at = 0; at < bytes.length; at += chunk) {
                input.writeBytes(bytes, at, Math.min(chunk, bytes.length - at));
                while (true) {
                    int before = input.readableBytes();
                    Parsed parsed = parser.parse(input, authenticated);
                    assertThat(request.arenaBytes()).as("held no more than received").isLessThanOrEqualTo(at + chunk);
                    if (parsed == Parsed.NEED_MORE) {
                        break;
                    }
                    if (parsed == Parsed.CLOSE) {
                        requests.add("CLOSE");
                        return requests;
                    }
                    assertThat(before).as("a request out of no input").isPositive();
                    if (request.isProtocolError()) {
                        requests.add("!" + request.protocolError());
                        return requests;
                    }
                    requests.add(describe(request));
                }
                input.discardReadBytes();
            }
            return requests;
        } finally {
            request.release();
            input.release();
        }
    }

    static String describe(RespRequest request) {
        assertThat(request.argc()).isPositive();
        List<String> args = new ArrayList<>();
        for (int i = 0; i < request.argc(); i++) {
            args.add(request.oversized(i) ? "[too large]" : new String(request.bytes(i), StandardCharsets.ISO_8859_1));
        }
        return String.join("|", args);
    }

    /** Decodes in chunks and whole, and checks both see the same requests. */
    static List<String> decodeInChunks(byte[] bytes, int chunk) {
        List<String> chunked = decode(bytes, chunk, true);
        List<String> whole = decode(bytes, Math.max(1, bytes.length), true);
        assertThat(chunked).as("chunks of %d bytes", chunk).isEqualTo(whole);
        return whole;
    }
}
