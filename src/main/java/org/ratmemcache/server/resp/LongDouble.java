package org.ratmemcache.server.resp;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.Locale;

/**
 * INCRBYFLOAT's arithmetic as Redis does it on x86-64: C's {@code long double}, the x87's 80-bit
 * extended format (a 64-bit significand), parsed by {@code strtold}, added with one rounding, and
 * printed with {@code %.17Lf} less its trailing zeros. Java has no such type, so the values are
 * kept exactly (a {@link BigDecimal} holds any binary fraction) and rounded to the format's
 * precision where the C code would round; the results are then Redis's to the byte.
 */
final class LongDouble {

    /** What {@link #parse} read. */
    sealed interface Parsed permits Finite, Infinite, Invalid {
    }

    /** A finite value, already rounded to the format. */
    record Finite(BigDecimal value) implements Parsed {
    }

    /** {@code inf} or {@code infinity}, either sign. */
    enum Infinite implements Parsed { INSTANCE }

    /** Not a number Redis accepts. */
    enum Invalid implements Parsed { INSTANCE }

    private static final int SIGNIFICAND_BITS = 64;
    /** The exponent of the smallest normal value, 2^-16382. */
    private static final int MIN_EXPONENT = -16382;
    /** Values at or above 2^16384 overflow to infinity. */
    private static final int OVERFLOW_EXPONENT = 16384;
    /** Redis's MAX_LONG_DOUBLE_CHARS: a longer string is refused unread. */
    private static final int MAX_CHARS = 5 * 1024;

    private LongDouble() {
    }

    /** Redis's {@code string2ld}: strtold over the whole string, refusing white space first, NaN, overflow and underflow to zero. */
    static Parsed parse(byte[] text) {
        if (text.length == 0 || text.length >= MAX_CHARS || isSpace(text[0])) {
            return Invalid.INSTANCE;
        }
        String s = new String(text, java.nio.charset.StandardCharsets.ISO_8859_1);
        int at = 0;
        boolean negative = false;
        if (s.charAt(at) == '+' || s.charAt(at) == '-') {
            negative = s.charAt(at) == '-';
            at++;
        }
        String rest = s.substring(at).toLowerCase(Locale.ROOT);
        if (rest.equals("inf") || rest.equals("infinity")) {
            return Infinite.INSTANCE;
        }
        BigDecimal exact = rest.startsWith("0x") ? hex(rest.substring(2)) : decimal(rest);
        if (exact == null) {
            return Invalid.INSTANCE;
        }
        if (negative) {
            exact = exact.negate();
        }
        if (exact.signum() == 0) {
            return new Finite(BigDecimal.ZERO);
        }
        BigDecimal rounded = round(exact);
        return rounded == null || rounded.signum() == 0 ? Invalid.INSTANCE : new Finite(rounded);
    }

    /** {@code a + b} rounded to the format; null when it overflows (Redis: NaN or Infinity). */
    static BigDecimal add(BigDecimal a, BigDecimal b) {
        BigDecimal sum = a.add(b);
        return sum.signum() == 0 ? BigDecimal.ZERO : round(sum);
    }

    /** {@code %.17Lf} with the trailing zeros (and a bare point) taken off, and "-0" as "0". */
    static String format(BigDecimal value) {
        String text = value.setScale(17, RoundingMode.HALF_EVEN).toPlainString();
        int end = text.length();
        while (text.charAt(end - 1) == '0') {
            end--;
        }
        if (text.charAt(end - 1) == '.') {
            end--;
        }
        text = text.substring(0, end);
        return text.equals("-0") ? "0" : text;
    }

    /** The nearest value the format holds (ties to even), or null past its largest. */
    private static BigDecimal round(BigDecimal exact) {
        int exponent = floorLog2(exact.abs());
        int quantum = Math.max(exponent, MIN_EXPONENT) - (SIGNIFICAND_BITS - 1);
        BigInteger units = scaleByPowerOfTwo(exact, -quantum).setScale(0, RoundingMode.HALF_EVEN).toBigIntegerExact();
        BigDecimal rounded = scaleByPowerOfTwo(new BigDecimal(units), quantum);
        if (rounded.signum() != 0 && floorLog2(rounded.abs()) >= OVERFLOW_EXPONENT) {
            return null;
        }
        return rounded;
    }

    /** {@code value × 2^power}, exactly. */
    private static BigDecimal scaleByPowerOfTwo(BigDecimal value, int power) {
        if (power >= 0) {
            return value.multiply(new BigDecimal(BigInteger.ONE.shiftLeft(power)));
        }
        // 2^-n = 5^n / 10^n
        return value.multiply(new BigDecimal(BigInteger.valueOf(5).pow(-power), -power));
    }

    /** floor(log2(x)) of a positive x. */
    private static int floorLog2(BigDecimal x) {
        BigInteger unscaled = x.unscaledValue();
        int scale = x.scale();
        // x = unscaled / 10^scale; estimate, then correct by exact comparison
        int estimate = unscaled.bitLength() - 1 - (int) Math.floor(scale * (Math.log(10) / Math.log(2)));
        while (scaleByPowerOfTwo(BigDecimal.ONE, estimate).compareTo(x) > 0) {
            estimate--;
        }
        while (scaleByPowerOfTwo(BigDecimal.ONE, estimate + 1).compareTo(x) <= 0) {
            estimate++;
        }
        return estimate;
    }

    /** Decimal digits, an optional point and fraction, an optional exponent: strtold's decimal form. */
    private static BigDecimal decimal(String s) {
        int e = s.indexOf('e');
        String mantissa = e < 0 ? s : s.substring(0, e);
        if (!mantissa.matches("[0-9]*\\.?[0-9]*") || mantissa.replace(".", "").isEmpty()) {
            return null;
        }
        long exponent = 0;
        if (e >= 0) {
            String digits = s.substring(e + 1);
            if (!digits.matches("[+-]?[0-9]+")) {
                return null;
            }
            BigInteger big = new BigInteger(digits);
            if (big.abs().compareTo(BigInteger.valueOf(100_000)) > 0) {
                return extreme(big.signum() > 0, !mantissa.replace(".", "").replace("0", "").isEmpty());
            }
            exponent = big.longValue();
        }
        BigDecimal value = new BigDecimal(mantissa.startsWith(".") ? "0" + mantissa : mantissa.endsWith(".") ? mantissa + "0" : mantissa);
        return value.scaleByPowerOfTen((int) exponent);
    }

    /** Hexadecimal digits, an optional point and fraction, an optional binary exponent: strtold's hex form. */
    private static BigDecimal hex(String s) {
        int p = s.indexOf('p');
        String mantissa = p < 0 ? s : s.substring(0, p);
        if (!mantissa.matches("[0-9a-f]*\\.?[0-9a-f]*") || mantissa.replace(".", "").isEmpty()) {
            return null;
        }
        int point = mantissa.indexOf('.');
        String digits = mantissa.replace(".", "");
        int fractionDigits = point < 0 ? 0 : mantissa.length() - point - 1;
        long exponent = -4L * fractionDigits;
        if (p >= 0) {
            String e = s.substring(p + 1);
            if (!e.matches("[+-]?[0-9]+")) {
                return null;
            }
            BigInteger big = new BigInteger(e);
            if (big.abs().compareTo(BigInteger.valueOf(100_000)) > 0) {
                return extreme(big.signum() > 0, new BigInteger(digits, 16).signum() != 0);
            }
            exponent += big.longValue();
        }
        return scaleByPowerOfTwo(new BigDecimal(new BigInteger(digits, 16)), (int) exponent);
    }

    /**
     * A value with an exponent too large to compute with: zero for a zero mantissa, else certain to
     * overflow (a large positive exponent) or to underflow to zero (a large negative one).
     */
    private static BigDecimal extreme(boolean positiveExponent, boolean nonzero) {
        if (!nonzero) {
            return BigDecimal.ZERO;
        }
        return scaleByPowerOfTwo(BigDecimal.ONE, positiveExponent ? OVERFLOW_EXPONENT + 1 : MIN_EXPONENT - 2 * SIGNIFICAND_BITS);
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || (b >= '\t' && b <= '\r');
    }
}
