package org.ratmemcache.server;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Requests split at any byte across reads, and many requests in one read, give exactly the
 * replies of the same bytes sent at once.
 */
class TextFramingTest {

    static List<String> conversations() {
        return List.of(
                "set a 0 0 1\r\nx\r\nget a\r\n",
                "set k 5 100 3\r\nabc\r\ngets k\r\nappend k 0 0 2\r\nde\r\nprepend k 0 0 1\r\n>\r\nget k\r\n",
                "set n 0 0 2\r\n10\r\nincr n 5\r\ndecr n 100\r\nget n\r\nincr n x\r\n",
                "add a 1 0 1\r\nx\r\nadd a 1 0 1\r\ny\r\nreplace a 2 0 2\r\nzz\r\nreplace b 0 0 1\r\nq\r\nget a b\r\n",
                "set c 0 0 1\r\nx\r\ngets c\r\ncas c 0 0 1 1\r\ny\r\ncas c 0 0 1 2\r\nz\r\ncas q 0 0 1 1\r\nq\r\n",
                "set t 0 0 1\r\nx\r\ntouch t 10\r\ngat 20 t\r\ngats 30 t u\r\ntouch u 1\r\n",
                "set d 0 0 1\r\nx\r\ndelete d\r\ndelete d\r\ndelete d 0\r\ndelete d 1\r\n",
                "set q 0 0 1 noreply\r\nx\r\nincr q 1 noreply\r\ndelete q noreply\r\nget q\r\n",
                "flush_all\r\nflush_all 10 noreply\r\nversion\r\nverbosity 1\r\n",
                "bogus\r\n\r\nset\r\nset k 0 0 -1\r\nset k 0 0 1\r\nxyz\r\nget k\r\n",
                "set k 0 0 1\nx\r\nget k\n  get   k  \r\nget k\0junk\r\n",
                "set k 0 0 2\r\n\r\n\r\nget k\r\nset e 0 0 0\r\n\r\nget e\r\n",
                "stats settings\r\nstats bogus\r\nstats sizes\r\n");
    }

    @ParameterizedTest
    @MethodSource("conversations")
    void aRequestSplitAtAnyByteGivesTheSameReplies(String conversation) {
        byte[] bytes = conversation.getBytes(StandardCharsets.ISO_8859_1);
        String whole = replies(bytes);
        assertThat(whole).isNotEmpty();
        for (int split = 1; split < bytes.length; split++) {
            assertThat(replies(Arrays.copyOfRange(bytes, 0, split), Arrays.copyOfRange(bytes, split, bytes.length)))
                    .as("split at byte %d", split).isEqualTo(whole);
        }
        byte[][] oneByteAtATime = new byte[bytes.length][];
        for (int i = 0; i < bytes.length; i++) {
            oneByteAtATime[i] = new byte[] {bytes[i]};
        }
        assertThat(replies(oneByteAtATime)).as("one byte per read").isEqualTo(whole);
    }

    @Test
    void aLargeValueSplitAtSampledBytesArrivesWhole() {
        byte[] value = new byte[200_000];
        new Random(42).nextBytes(value);
        byte[] request = concat(("set big 7 0 " + value.length + "\r\n").getBytes(StandardCharsets.US_ASCII), value,
                "\r\nget big\r\n".getBytes(StandardCharsets.US_ASCII));
        String expected = "STORED\r\nVALUE big 7 200000\r\n" + new String(value, StandardCharsets.ISO_8859_1) + "\r\nEND\r\n";
        Random random = new Random(7);
        int header = 20; // the command line's length, give or take
        int[] splits = {1, header - 1, header, header + 1, header + 2, request.length - 14, request.length - 13,
                request.length - 12, request.length - 11, request.length - 1,
                random.nextInt(request.length), random.nextInt(request.length), random.nextInt(request.length)};
        for (int split : splits) {
            assertThat(replies(Arrays.copyOfRange(request, 0, split), Arrays.copyOfRange(request, split, request.length)))
                    .as("split at byte %d", split).isEqualTo(expected);
        }
        // and in 1,000-byte reads, as a slow network would deliver it
        byte[][] chunks = new byte[(request.length + 999) / 1000][];
        for (int i = 0; i < chunks.length; i++) {
            chunks[i] = Arrays.copyOfRange(request, i * 1000, Math.min(request.length, (i + 1) * 1000));
        }
        assertThat(replies(chunks)).isEqualTo(expected);
    }

    @Test
    void aThousandPipelinedRequestsAreAnsweredInOrder() {
        StringBuilder requests = new StringBuilder();
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 1000; i++) {
            requests.append("set k").append(i).append(" 0 0 ").append(Integer.toString(i).length()).append("\r\n").append(i).append("\r\n");
            requests.append("get k").append(i).append("\r\n");
            expected.append("STORED\r\nVALUE k").append(i).append(" 0 ").append(Integer.toString(i).length()).append("\r\n")
                    .append(i).append("\r\nEND\r\n");
        }
        try (ConnectionHarness harness = new ConnectionHarness()) {
            assertThat(harness.exchange(requests.toString())).isEqualTo(expected.toString());
        }
    }

    @Test
    void aMultiGetOfAThousandKeysWorks() {
        try (ConnectionHarness harness = new ConnectionHarness()) {
            StringBuilder get = new StringBuilder("get");
            StringBuilder expected = new StringBuilder();
            for (int i = 0; i < 1000; i++) {
                String key = "%0250d".formatted(i);
                harness.exchange("set " + key + " 0 0 1\r\nx\r\n");
                get.append(' ').append(key);
                expected.append("VALUE ").append(key).append(" 0 1\r\nx\r\n");
            }
            assertThat(get.length()).isGreaterThan(250_000);
            assertThat(harness.exchange(get.append("\r\n").toString())).isEqualTo(expected.append("END\r\n").toString());
        }
    }

    private static String replies(byte[]... chunks) {
        try (ConnectionHarness harness = new ConnectionHarness()) {
            return harness.exchange(chunks);
        }
    }

    private static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] all = new byte[length];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        return all;
    }
}
