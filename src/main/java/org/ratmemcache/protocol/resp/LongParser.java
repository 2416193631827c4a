package org.ratmemcache.protocol.resp;

import io.netty.buffer.ByteBuf;

/**
 * Redis's {@code string2ll}: a signed 64-bit decimal, exactly as Redis accepts one in a length
 * line, a count or an integer argument. No sign but a leading {@code -}, no leading zeros, no
 * spaces, nothing after the digits, at most 20 characters; {@code -0} is refused. Reusable, so
 * that parsing allocates nothing: {@link #parse} then {@link #value}.
 */
public final class LongParser {

    /** Redis's LONG_STR_SIZE: a longer string is never a 64-bit decimal. */
    private static final int MAX_LENGTH = 20;

    private long value;

    /** Whether {@code length} bytes of {@code in} from {@code index} are a 64-bit decimal; if so, {@link #value} is it. */
    public boolean parse(ByteBuf in, int index, int length) {
        if (length == 0 || length > MAX_LENGTH) {
            return false;
        }
        int at = index;
        int end = index + length;
        if (length == 1 && in.getByte(at) == '0') {
            value = 0;
            return true;
        }
        boolean negative = in.getByte(at) == '-';
        if (negative && ++at == end) {
            return false;
        }
        int first = in.getByte(at) - '0';
        if (first < 1 || first > 9) {
            return false;
        }
        long magnitude = first; // as unsigned, to hold -Long.MIN_VALUE
        for (at++; at < end; at++) {
            int digit = in.getByte(at) - '0';
            if (digit < 0 || digit > 9 || Long.compareUnsigned(magnitude, Long.divideUnsigned(-1L, 10)) > 0) {
                return false;
            }
            long times10 = magnitude * 10;
            if (Long.compareUnsigned(times10, -1L - digit) > 0) {
                return false;
            }
            magnitude = times10 + digit;
        }
        if (negative) {
            if (Long.compareUnsigned(magnitude, Long.MIN_VALUE) > 0) {
                return false;
            }
            value = -magnitude;
        } else {
            if (magnitude < 0) {
                return false;
            }
            value = magnitude;
        }
        return true;
    }

    public long value() {
        return value;
    }
}
