package org.ratmemcache.core;

/**
 * Decimal numbers the way memcached reads and writes them, and the way Redis reads a 64-bit
 * integer ({@link #parseRedis}).
 *
 * <p>memcached parses every number with C's {@code strtol}/{@code strtoul}/{@code strtoull}
 * wrapped in its {@code safe_strto*} helpers, and clients depend on the corners of that: leading
 * white space and a {@code +} sign are accepted, a trailing white-space byte ends the number, a
 * 32-bit field silently keeps the low 32 bits of a larger number, and a negative number is
 * refused only when it would read as a huge unsigned one. This class reproduces those rules
 * exactly, on a byte range and without allocating, with one exception kept apart: where keeping
 * the low 32 bits would store something other than what the client sent (a length, flags, an
 * exptime), {@link #parseUnsignedFlags} and {@link #parseSigned64} refuse or keep the whole number.
 *
 * <p>An instance holds the value of the last successful parse, so a caller checks the result and
 * reads the value without boxing: {@code if (d.parseUnsigned64(b, from, to)) use(d.value())}.
 */
public final class Decimal {

    /** The longest unsigned 64-bit decimal: 18446744073709551615. */
    public static final int MAX_UNSIGNED_64_DIGITS = 20;
    /** Redis's LONG_STR_SIZE: a longer string is never a 64-bit decimal to Redis. */
    public static final int MAX_REDIS_LENGTH = 20;

    /** 10^0 to 10^18: a number below 10^n has at most n digits. */
    private static final long[] POWERS_OF_TEN = {1L, 10L, 100L, 1_000L, 10_000L, 100_000L, 1_000_000L, 10_000_000L,
            100_000_000L, 1_000_000_000L, 10_000_000_000L, 100_000_000_000L, 1_000_000_000_000L, 10_000_000_000_000L,
            100_000_000_000_000L, 1_000_000_000_000_000L, 10_000_000_000_000_000L, 100_000_000_000_000_000L,
            1_000_000_000_000_000_000L};
    /** 10^19: the smallest unsigned 64-bit number with 20 digits. */
    private static final long TEN_POW_19 = Long.parseUnsignedLong("10000000000000000000");

    private long value;

    /** The value of the last successful parse. */
    public long value() {
        return value;
    }

    /** {@code safe_strtoull}: an unsigned 64-bit number, returned as the bits of a long. */
    public boolean parseUnsigned64(byte[] s, int from, int to) {
        return scan(s, from, to, false) && !refusedNegative(s, from, to, value);
    }

    /** {@code safe_strtoul} on LP64: an unsigned long parsed, then its low 32 bits kept. */
    public boolean parseUnsigned32(byte[] s, int from, int to) {
        if (!parseUnsigned64(s, from, to)) {
            return false;
        }
        value &= 0xffff_ffffL;
        return true;
    }

    /**
     * Client flags, a 32-bit unsigned field: as {@link #parseUnsigned32}, but a number that does
     * not fit is refused, where memcached keeps its low 32 bits (4294967296 would be stored as 0).
     */
    public boolean parseUnsignedFlags(byte[] s, int from, int to) {
        return parseUnsigned64(s, from, to) && Long.compareUnsigned(value, 0xffff_ffffL) <= 0;
    }

    /**
     * {@code safe_strtol} on LP64 without the truncation to 32 bits: for a data length, refused
     * when it is too large rather than read as its low bits (memcached reads 4294967296 as 0), and
     * for an exptime, kept as the absolute time it is (memcached's 2147483648 wraps negative).
     */
    public boolean parseSigned64(byte[] s, int from, int to) {
        return scan(s, from, to, true);
    }

    /**
     * Redis's {@code string2ll}: a signed 64-bit decimal with no sign but a leading {@code -}, no
     * leading zeros, no spaces, nothing after the digits, at most {@value #MAX_REDIS_LENGTH}
     * characters; {@code -0} is refused.
     */
    public boolean parseRedis(byte[] s, int from, int to) {
        int length = to - from;
        if (length == 0 || length > MAX_REDIS_LENGTH) {
            return false;
        }
        if (length == 1 && s[from] == '0') {
            value = 0;
            return true;
        }
        int at = from;
        boolean negative = s[at] == '-';
        if (negative && ++at == to) {
            return false;
        }
        int first = s[at] - '0';
        if (first < 1 || first > 9) {
            return false;
        }
        long magnitude = first; // as unsigned, to hold -Long.MIN_VALUE
        for (at++; at < to; at++) {
            int digit = s[at] - '0';
            if (digit < 0 || digit > 9 || Long.compareUnsigned(magnitude, Long.divideUnsigned(-1L, 10)) > 0) {
                return false;
            }
            long times10 = magnitude * 10;
            if (Long.compareUnsigned(times10, -1L - digit) > 0) {
                return false;
            }
            magnitude = times10 + digit;
        }
        if (negative ? Long.compareUnsigned(magnitude, Long.MIN_VALUE) > 0 : magnitude < 0) {
            return false;
        }
        value = negative ? -magnitude : magnitude;
        return true;
    }

    /** {@code safe_strtol} on LP64: a signed long parsed, then truncated to a 32-bit int. */
    public boolean parseSigned32(byte[] s, int from, int to) {
        if (!scan(s, from, to, true)) {
            return false;
        }
        value = (int) value;
        return true;
    }

    /**
     * {@code strtol}/{@code strtoull} followed by memcached's end check. Sets {@link #value} to the
     * two's-complement result, as C would return it.
     */
    private boolean scan(byte[] s, int from, int to, boolean signed) {
        int i = from;
        while (i < to && isSpace(s[i])) {
            i++;
        }
        boolean negative = false;
        if (i < to && (s[i] == '+' || s[i] == '-')) {
            negative = s[i] == '-';
            i++;
        }
        int digits = i;
        long magnitude = 0;
        boolean overflow = false;
        for (; i < to && s[i] >= '0' && s[i] <= '9'; i++) {
            int d = s[i] - '0';
            // Unsigned magnitude * 10 + d, watching for 64-bit overflow.
            if (Long.compareUnsigned(magnitude, Long.divideUnsigned(-1L - d, 10)) > 0) {
                overflow = true;
            }
            magnitude = magnitude * 10 + d;
        }
        if (i == digits) {
            return false; // no digits: C's endptr == str
        }
        if (i < to && s[i] != 0 && !isSpace(s[i])) {
            return false; // the number must end the token or be followed by white space
        }
        if (signed) {
            // strtol's range is [-2^63, 2^63 - 1].
            if (overflow || (negative ? Long.compareUnsigned(magnitude, Long.MIN_VALUE) > 0 : magnitude < 0)) {
                return false;
            }
        } else if (overflow) {
            return false;
        }
        value = negative ? -magnitude : magnitude;
        return true;
    }

    /** memcached refuses a '-' only when the unsigned result would be negative as a signed one. */
    private static boolean refusedNegative(byte[] s, int from, int to, long result) {
        if (result >= 0) {
            return false;
        }
        for (int i = from; i < to; i++) {
            if (s[i] == '-') {
                return true;
            }
        }
        return false;
    }

    /** C's {@code isspace} in the "C" locale. */
    static boolean isSpace(byte b) {
        return b == ' ' || (b >= '\t' && b <= '\r');
    }

    /** How many digits {@code unsigned} has in decimal. */
    public static int length(long unsigned) {
        if (unsigned < 0) {
            return Long.compareUnsigned(unsigned, TEN_POW_19) >= 0 ? 20 : 19;
        }
        int n = 1;
        while (n < POWERS_OF_TEN.length && unsigned >= POWERS_OF_TEN[n]) {
            n++;
        }
        return n;
    }

    /** Writes {@code signed} in decimal at {@code dst[offset]}, with a {@code -} if negative; returns the offset after it. */
    public static int writeSigned(long signed, byte[] dst, int offset) {
        if (signed >= 0) {
            return write(signed, dst, offset);
        }
        dst[offset] = '-';
        return write(-signed, dst, offset + 1); // -Long.MIN_VALUE reads as 2^63 unsigned
    }

    /** Writes {@code unsigned} in decimal at {@code dst[offset]}; returns the offset after it. */
    public static int write(long unsigned, byte[] dst, int offset) {
        int end = offset + length(unsigned);
        long v = unsigned;
        int i = end;
        if (v < 0) {
            // Peel one digit off with unsigned arithmetic so the rest fits a signed long.
            long q = Long.divideUnsigned(v, 10);
            dst[--i] = (byte) ('0' + (v - q * 10));
            v = q;
        }
        do {
            dst[--i] = (byte) ('0' + v % 10);
            v /= 10;
        } while (v != 0);
        return end;
    }
}
