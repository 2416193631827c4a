package org.ratmemcache.protocol.resp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Redis's request formats and their errors, as Redis 7.0's processInputBuffer reads them. */
class RespParserTest {

    private static List<String> decode(String input) {
        return RespDecoding.decodeInChunks(input.getBytes(StandardCharsets.ISO_8859_1), 1);
    }

    @Test
    void multibulksWholeOrByteByByte() {
        assertThat(decode("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nhello\r\n*1\r\n$4\r\nPING\r\n"))
                .containsExactly("SET|k|hello", "PING");
    }

    @Test
    void aBulkHoldsAnyBytes() {
        assertThat(decode("*2\r\n$4\r\nECHO\r\n$6\r\na\r\n\0 b\r\n")).containsExactly("ECHO|a\r\n\0 b");
        assertThat(decode("*2\r\n$4\r\nECHO\r\n$0\r\n\r\n")).containsExactly("ECHO|");
    }

    @Test
    void emptyAndNegativeMultibulksAreNoCommand() {
        assertThat(decode("*0\r\n*-1\r\n*-100\r\n*1\r\n$4\r\nPING\r\n")).containsExactly("PING");
    }

    @Test
    void inlineCommandsSplitAsRedisCliTypesThem() {
        assertThat(decode("PING\r\nset k \"a b\"\r\necho 'it\\'s'\nget   k  \r\n")).containsExactly("PING", "set|k|a b", "echo|it's", "get|k");
        assertThat(decode("echo \"\\x41\\n\\t\\\\\\\"\"\r\n")).containsExactly("echo|A\n\t\\\"");
        assertThat(decode("echo \"\\xZZ\"\r\n")).as("not hex: the letters").containsExactly("echo|xZZ");
        assertThat(decode("a\"b c\"\r\n")).as("a quote inside a word opens quoting").containsExactly("ab c");
    }

    @Test
    void emptyInlineLinesAreNoCommand() {
        assertThat(decode("\r\n\n   \r\nPING\r\n")).containsExactly("PING");
    }

    @Test
    void unbalancedQuotesEndTheConnection() {
        assertThat(decode("echo \"abc\r\nPING\r\n")).containsExactly("!Protocol error: unbalanced quotes in request");
        assertThat(decode("echo \"abc\"def\r\n")).containsExactly("!Protocol error: unbalanced quotes in request");
        assertThat(decode("echo 'abc\r\n")).containsExactly("!Protocol error: unbalanced quotes in request");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "*x\\r\\n | Protocol error: invalid multibulk length",
        "*01\\r\\n | Protocol error: invalid multibulk length",
        "*+1\\r\\n | Protocol error: invalid multibulk length",
        "*\\r\\n | Protocol error: invalid multibulk length",
        "*3000000000\\r\\n | Protocol error: invalid multibulk length",
        "*1\\r\\n:1\\r\\n | Protocol error: expected '$', got ':'",
        "*1\\r\\n\\r\\n | Protocol error: expected '$', got ' '",
        "*1\\r\\n$-1\\r\\n | Protocol error: invalid bulk length",
        "*1\\r\\n$x\\r\\n | Protocol error: invalid bulk length",
        "*1\\r\\n$600000000\\r\\n | Protocol error: invalid bulk length",
    })
    void malformedMultibulks(String input, String error) {
        assertThat(decode(input.strip().replace("\\r", "\r").replace("\\n", "\n"))).containsExactly("!" + error);
    }

    @Test
    void lineLimits() {
        assertThat(decode("x".repeat(RespLimits.INLINE_MAX + 1))).containsExactly("!Protocol error: too big inline request");
        assertThat(decode("x".repeat(RespLimits.INLINE_MAX))).as("within the limit, waiting for its end").isEmpty();
        assertThat(decode("*" + "1".repeat(RespLimits.INLINE_MAX + 1))).containsExactly("!Protocol error: too big mbulk count string");
        assertThat(decode("*1\r\n$" + "1".repeat(RespLimits.INLINE_MAX + 1))).containsExactly("!Protocol error: too big bulk count string");
    }

    @Test
    void aLineEndsOnlyBeforeANulByteAsInRedis() {
        assertThat(decode("PING\0\r\nPING\r\n")).as("C's strchr stops at the NUL: no line yet").isEmpty();
    }

    @Test
    void whatANotAuthenticatedClientMaySend() {
        byte[] eleven = ("*11\r\n" + "$1\r\na\r\n".repeat(11)).getBytes(StandardCharsets.US_ASCII);
        assertThat(RespDecoding.decode(eleven, eleven.length, false)).containsExactly("!Protocol error: unauthenticated multibulk length");
        byte[] ten = ("*10\r\n" + "$1\r\na\r\n".repeat(10)).getBytes(StandardCharsets.US_ASCII);
        assertThat(RespDecoding.decode(ten, ten.length, false)).hasSize(1);
        byte[] big = ("*2\r\n$4\r\nAUTH\r\n$16385\r\n" + "x".repeat(16385) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        assertThat(RespDecoding.decode(big, big.length, false)).containsExactly("!Protocol error: unauthenticated bulk length");
        assertThat(RespDecoding.decode(big, big.length, true)).hasSize(1);
    }

    @Test
    void aBulkTooLongToStoreIsReadPastAndMarked() {
        int length = (1 << 20) + 1;
        String input = "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$" + length + "\r\n" + "v".repeat(length) + "\r\n*1\r\n$4\r\nPING\r\n";
        assertThat(RespDecoding.decode(input.getBytes(StandardCharsets.US_ASCII), 4096, true)).containsExactly("SET|k|[too large]", "PING");
    }

    @Test
    void aRequestBeyondTheQueryBufferLimitCloses() {
        StringBuilder input = new StringBuilder("*3\r\n");
        for (int i = 0; i < 3; i++) {
            input.append("$600000\r\n").append("x".repeat(600_000)).append("\r\n");
        }
        assertThat(RespDecoding.decode(input.toString().getBytes(StandardCharsets.US_ASCII), 65536, true)).containsExactly("CLOSE");
    }

    @Test
    void theLengthLinesCrIsAllRedisLooksFor() {
        // Redis skips the byte after \r unread, and the two after a bulk's data
        assertThat(decode("*1\rX$4\rYPINGZZ")).containsExactly("PING");
    }
}
