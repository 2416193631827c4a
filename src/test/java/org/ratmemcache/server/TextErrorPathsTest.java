package org.ratmemcache.server;

import org.junit.jupiter.api.Test;
import org.ratmemcache.protocol.text.TextParser;

import static org.assertj.core.api.Assertions.assertThat;

/** Bad input gets memcached's answer or a closed connection, and never disturbs what follows. */
class TextErrorPathsTest {

    @Test
    void aLineOverTheLimitWithNoNewlineClosesAndDropsTheBatchReplies() {
        try (ConnectionHarness harness = new ConnectionHarness()) {
            assertThat(harness.exchange("version\r\n" + "x".repeat(TextParser.MAX_LINE + 1))).isEmpty();
            assertThat(harness.channel.isOpen()).isFalse();
        }
    }

    @Test
    void aLineAtTheLimitWaitsForItsNewline() {
        try (ConnectionHarness harness = new ConnectionHarness()) {
            assertThat(harness.exchange("x".repeat(TextParser.MAX_LINE))).isEmpty();
            assertThat(harness.channel.isOpen()).isTrue();
            assertThat(harness.exchange("\r\n")).isEqualTo("ERROR\r\n");
        }
    }

    @Test
    void aLongLineIsFineWhenItsNewlineHasArrived() {
        try (ConnectionHarness harness = new ConnectionHarness()) {
            assertThat(harness.exchange("set " + "k".repeat(5000) + " 0 0 1\r\nx\r\n"))
                    .isEqualTo("CLIENT_ERROR bad command line format\r\nERROR\r\n");
        }
    }

    @Test
    void aLongRetrievalLineMayGrowUpToItsOwnBound() {
        try (ConnectionHarness harness = new ConnectionHarness()) {
            harness.exchange("set k 0 0 1\r\nx\r\n");
            for (String command : new String[] {"get", "gets", "gat 0", "gats 0"}) {
                harness.exchange(command);
                for (int length = command.length(); length < 100_000; length += 20) {
                    assertThat(harness.exchange(" k k k k k k k k k k")).isEmpty();
                }
                assertThat(harness.channel.isOpen()).as(command).isTrue();
                assertThat(harness.exchange("\r\n")).as(command).endsWith("x\r\nEND\r\n");
            }
        }
    }

    @Test
    void aRetrievalLineBeyondItsBoundCloses() {
        try (ConnectionHarness harness = new ConnectionHarness()) {
            harness.exchange("get ");
            byte[] keys = " k".repeat(64 * 1024).getBytes();
            for (int sent = 4; sent <= TextParser.MAX_RETRIEVAL_LINE; sent += keys.length) {
                harness.exchange(keys);
            }
            assertThat(harness.channel.isOpen()).isFalse();
        }
    }

    @Test
    void moreThanAHundredLeadingSpacesLoseTheRetrievalExemption() {
        try (ConnectionHarness harness = new ConnectionHarness()) {
            harness.exchange(" ".repeat(101) + "get " + "k ".repeat(1000));
            assertThat(harness.channel.isOpen()).isFalse();
        }
    }

    @Test
    void anHttpRequestIsHungUpOn() {
        try (ConnectionHarness harness = new ConnectionHarness()) {
            assertThat(harness.exchange("GET / HTTP/1.1\r\nHost: x\r\n\r\n")).isEmpty();
            assertThat(harness.channel.isOpen()).isFalse();
        }
    }

    @Test
    void quitClosesAfterTheRepliesBeforeIt() {
        try (ConnectionHarness harness = new ConnectionHarness()) {
            assertThat(harness.exchange("get a\r\nquit\r\nget b\r\n")).isEqualTo("END\r\n");
            assertThat(harness.channel.isOpen()).isFalse();
        }
    }

    @Test
    void aTooLargeValueIsSwallowedAndTheConnectionStaysInStep() {
        try (ConnectionHarness harness = new ConnectionHarness()) {
            harness.exchange("set k 0 0 1\r\nx\r\n");
            assertThat(harness.exchange("set k 0 0 5000000\r\n")).isEqualTo("SERVER_ERROR object too large for cache\r\n");
            byte[] megabyte = new byte[1 << 20];
            for (int i = 0; i < 4; i++) {
                assertThat(harness.exchange(megabyte)).isEmpty();
            }
            byte[] rest = new byte[5_000_000 - 4 * (1 << 20)];
            assertThat(harness.exchange(rest)).isEmpty();
            assertThat(harness.exchange("\r\nget k\r\nversion\r\n")).isEqualTo("END\r\nVERSION test\r\n");
            assertThat(harness.cache.view().stats().storeTooLarge.sum()).isEqualTo(1);
        }
    }

    @Test
    void aTooLargeAppendKeepsTheItem() {
        try (ConnectionHarness harness = new ConnectionHarness()) {
            harness.exchange("set k 0 0 1\r\nx\r\n");
            String huge = "y".repeat(1_048_600);
            assertThat(harness.exchange("append k 0 0 " + huge.length() + "\r\n" + huge + "\r\nget k\r\n"))
                    .isEqualTo("SERVER_ERROR object too large for cache\r\nVALUE k 0 1\r\nx\r\nEND\r\n");
        }
    }

    @Test
    void aBadDataChunkIsReportedAndParsingResumesAfterIt() {
        try (ConnectionHarness harness = new ConnectionHarness()) {
            assertThat(harness.exchange("set k 0 0 1\r\nxy\r\nget k\r\n"))
                    .isEqualTo("CLIENT_ERROR bad data chunk\r\nERROR\r\nEND\r\n");
        }
    }

    @Test
    void aBadRequestNeverTouchesOtherKeys() {
        try (ConnectionHarness harness = new ConnectionHarness()) {
            harness.exchange("set other 0 0 5\r\nsafe!\r\n");
            harness.exchange("set other 0 0 -1\r\nset other 0 0 abc\r\nincr other x\r\ndelete other 1\r\n"
                    + "set other 0 0 2\r\nabc\r\ntouch other x\r\ncas other 0 0 1 x\r\nq\r\n");
            assertThat(harness.exchange("get other\r\n")).isEqualTo("VALUE other 0 5\r\nsafe!\r\nEND\r\n");
        }
    }

    @Test
    void theConnectionLimitReplyIsMemcacheds() {
        assertThat(new String(org.ratmemcache.protocol.text.TextError.TOO_MANY_CONNECTIONS.line()))
                .isEqualTo("ERROR Too many open connections\r\n");
    }
}
