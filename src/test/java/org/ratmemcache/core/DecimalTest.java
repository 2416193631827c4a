package org.ratmemcache.core;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** memcached's safe_strto* rules, as the differential test found them in memcached 1.6.18. */
class DecimalTest {

    private final Decimal decimal = new Decimal();

    @ParameterizedTest(name = "unsigned64 ''{0}'' -> {1}")
    @CsvSource(delimiter = '|', value = {
            "0|0",
            "42|42",
            "+42|42",
            "-0|0",
            "007|7",
            "18446744073709551615|18446744073709551615",
            // C's strtoull negates a large magnitude modulo 2^64, and memcached lets that through
            "-18446744073709551615|1",
            "' 5'|5",
            "'5 x'|5",
            "'5\t'|5",
    })
    void parsesUnsigned64(String text, String expected) {
        assertThat(decimal.parseUnsigned64(bytes(text), 0, text.length())).isTrue();
        assertThat(Long.toUnsignedString(decimal.value())).isEqualTo(expected);
    }

    @ParameterizedTest(name = "unsigned64 refuses ''{0}''")
    @CsvSource(delimiter = '|', value = {"''", "-", "+", "x", "5x", "' 5x'", "-1", "-9223372036854775808",
            "18446744073709551616", "99999999999999999999"})
    void refusesUnsigned64(String text) {
        assertThat(decimal.parseUnsigned64(bytes(text), 0, text.length())).isFalse();
    }

    @ParameterizedTest(name = "unsigned32 ''{0}'' -> {1}")
    @CsvSource({"0,0", "4294967295,4294967295", "4294967296,0", "4294967297,1", "-0,0"})
    void keepsTheLow32BitsLikeMemcachedOnLp64(String text, long expected) {
        assertThat(decimal.parseUnsigned32(bytes(text), 0, text.length())).isTrue();
        assertThat(decimal.value()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "signed32 ''{0}'' -> {1}")
    @CsvSource({"0,0", "-1,-1", "+7,7", "2147483647,2147483647", "2147483648,-2147483648", "4294967297,1",
            "-2147483649,2147483647", "9223372036854775807,-1"})
    void truncatesALongToAnIntLikeSafeStrtol(String text, long expected) {
        assertThat(decimal.parseSigned32(bytes(text), 0, text.length())).isTrue();
        assertThat(decimal.value()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "signed32 refuses ''{0}''")
    @CsvSource({"9223372036854775808", "-9223372036854775809", "abc", "1a"})
    void refusesWhatStrtolRefuses(String text) {
        assertThat(decimal.parseSigned32(bytes(text), 0, text.length())).isFalse();
    }

    @Test
    void parsesOnlyTheGivenRange() {
        byte[] line = bytes("set k 12 34");
        assertThat(decimal.parseSigned32(line, 6, 8)).isTrue();
        assertThat(decimal.value()).isEqualTo(12);
    }

    @ParameterizedTest(name = "writes {0}")
    @CsvSource({"0", "9", "10", "12345", "9223372036854775807", "9223372036854775808", "9999999999999999999",
            "10000000000000000000", "18446744073709551615"})
    void writesUnsignedDecimal(String number) {
        long value = Long.parseUnsignedLong(number);
        byte[] out = new byte[Decimal.MAX_UNSIGNED_64_DIGITS + 2];
        int end = Decimal.write(value, out, 1);
        assertThat(Decimal.length(value)).isEqualTo(number.length());
        assertThat(new String(out, 1, end - 1, StandardCharsets.US_ASCII)).isEqualTo(number);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void flagsThatDoNotFit32BitsAreRefusedWhereMemcachedKeepsTheirLowBits() {
        Decimal decimal = new Decimal();
        assertThat(decimal.parseUnsignedFlags(bytes("4294967295"), 0, 10)).isTrue();
        assertThat(decimal.value()).isEqualTo(0xffff_ffffL);
        assertThat(decimal.parseUnsignedFlags(bytes("4294967296"), 0, 10)).isFalse();
        assertThat(decimal.parseUnsigned32(bytes("4294967296"), 0, 10)).as("memcached's own reading").isTrue();
        assertThat(decimal.value()).isZero();
        assertThat(decimal.parseUnsignedFlags(bytes("-1"), 0, 2)).isFalse();
        assertThat(decimal.parseUnsignedFlags(bytes(" +7"), 0, 3)).isTrue();
        assertThat(decimal.value()).isEqualTo(7);
    }

    @Test
    void lengthsAndExptimesAreKeptWholeWhereMemcachedTruncatesThemTo32Bits() {
        Decimal decimal = new Decimal();
        assertThat(decimal.parseSigned64(bytes("4294967296"), 0, 10)).isTrue();
        assertThat(decimal.value()).isEqualTo(4294967296L);
        assertThat(decimal.parseSigned64(bytes("2147483648"), 0, 10)).isTrue();
        assertThat(decimal.value()).isEqualTo(2147483648L);
        assertThat(decimal.parseSigned32(bytes("2147483648"), 0, 10)).as("memcached's own reading").isTrue();
        assertThat(decimal.value()).isEqualTo(Integer.MIN_VALUE);
        assertThat(decimal.parseSigned64(bytes("-5"), 0, 2)).isTrue();
        assertThat(decimal.value()).isEqualTo(-5);
        assertThat(decimal.parseSigned64(bytes("9223372036854775808"), 0, 19)).as("beyond a long: ERANGE").isFalse();
    }
}
