package org.ratmemcache.protocol.resp;

import io.netty.buffer.ByteBuf;

import org.ratmemcache.core.Decimal;

/**
 * Redis's {@code string2ll} over a request's bytes: a signed 64-bit decimal, exactly as Redis
 * accepts one in a count or an integer argument ({@link Decimal#parseRedis}). Reusable, so that
 * parsing allocates nothing: {@link #parse} then {@link #value}.
 */
public final class LongParser {

    private final Decimal decimal = new Decimal();
    private final byte[] scratch = new byte[Decimal.MAX_REDIS_LENGTH];

    /** Whether {@code length} bytes of {@code in} from {@code index} are a 64-bit decimal; if so, {@link #value} is it. */
    public boolean parse(ByteBuf in, int index, int length) {
        if (length == 0 || length > scratch.length) {
            return false;
        }
        in.getBytes(index, scratch, 0, length);
        return decimal.parseRedis(scratch, 0, length);
    }

    public long value() {
        return decimal.value();
    }
}
