package org.ratmemcache.protocol.text;

import java.nio.charset.StandardCharsets;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.ratmemcache.core.Key;
import org.ratmemcache.core.StoreMode;
import org.ratmemcache.protocol.Parsed;
import org.ratmemcache.protocol.RequestValue;
import org.ratmemcache.protocol.ValueTarget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ratmemcache.protocol.Parsed.NEED_MORE;
import static org.ratmemcache.protocol.Parsed.REQUEST;

/** What the parser makes of a request, and that a value goes through no array: left in the input, or streamed. */
class TextParserTest {

    private final TextParser parser = new TextParser(1 << 20);
    private final ByteBuf in = Unpooled.buffer();

    @AfterEach
    void release() {
        in.release();
    }

    private Parsed feed(String bytes) {
        in.discardReadBytes();
        in.writeCharSequence(bytes, StandardCharsets.ISO_8859_1);
        return parser.parse(in);
    }

    @Test
    void readsAStorageCommand() {
        assertThat(feed("cas my-key 4294967295 -1 3 18446744073709551615 noreply\r\nabc\r\n")).isEqualTo(REQUEST);
        TextRequest request = parser.request();
        assertThat(request.command()).isEqualTo(TextCommand.STORE);
        assertThat(request.storeMode()).isEqualTo(StoreMode.CAS);
        assertThat(request.key()).isEqualTo(Key.of("my-key"));
        assertThat(request.flags()).isEqualTo(-1);
        assertThat(request.exptime()).isEqualTo(-1);
        assertThat(request.cas()).isEqualTo(-1L);
        assertThat(request.noreply()).isTrue();
        assertThat(new String(request.value().toArray(), StandardCharsets.US_ASCII)).isEqualTo("abc");
        assertThat(in.isReadable()).isFalse();
    }

    @Test
    void readsTheKeysOfARetrieval() {
        assertThat(feed("gats 60 a bb  ccc\r\n")).isEqualTo(REQUEST);
        TextRequest request = parser.request();
        assertThat(request.command()).isEqualTo(TextCommand.RETRIEVE);
        assertThat(request.touch()).isTrue();
        assertThat(request.withCas()).isTrue();
        assertThat(request.exptime()).isEqualTo(60);
        assertThat(request.keyCount()).isEqualTo(3);
        assertThat(request.key(0)).isEqualTo(Key.of("a"));
        assertThat(request.key(2)).isEqualTo(Key.of("ccc"));
    }

    @Test
    void readsArithmeticAndItsDelta() {
        assertThat(feed("decr n 18446744073709551615\r\n")).isEqualTo(REQUEST);
        assertThat(parser.request().command()).isEqualTo(TextCommand.DELTA);
        assertThat(parser.request().increment()).isFalse();
        assertThat(parser.request().delta()).isEqualTo(-1L);
    }

    @Test
    void waitsForTheRestOfALine() {
        assertThat(feed("get a")).isEqualTo(NEED_MORE);
        assertThat(in.readableBytes()).isEqualTo(5);
        assertThat(feed("\r\n")).isEqualTo(REQUEST);
    }

    @Test
    void leavesAValueInTheInputUntilItIsWholeAndPointsAtItThere() {
        assertThat(feed("set k 0 0 1000\r\n" + "x".repeat(400))).isEqualTo(NEED_MORE);
        assertThat(in.readableBytes()).as("the value waits in the input, not copied").isEqualTo(400);
        assertThat(feed("y".repeat(600))).isEqualTo(NEED_MORE);
        assertThat(feed("\r")).isEqualTo(NEED_MORE);
        assertThat(feed("\n")).isEqualTo(REQUEST);
        RequestValue value = parser.request().value();
        assertThat(value.streamed()).isFalse();
        assertThat(value.length()).isEqualTo(1000);
        assertThat(value.input().toString(value.index(), 1000, StandardCharsets.US_ASCII)).isEqualTo("x".repeat(400) + "y".repeat(600));
        assertThat(in.isReadable()).as("value and CRLF consumed").isFalse();
    }

    @Test
    void streamsALongValueIntoTheRoomItsTargetTakesAsItArrives() {
        Collecting target = new Collecting(100);
        TextParser streaming = new TextParser(1 << 20, target);
        ByteBuf input = Unpooled.buffer();
        try {
            input.writeCharSequence("set k 0 0 100000\r\n", StandardCharsets.US_ASCII);
            assertThat(streaming.parse(input)).isEqualTo(NEED_MORE);
            assertThat(target.opened).isEqualTo(100_000);
            for (int sent = 0; sent < 100_000; sent += 30_000) {
                input.writeCharSequence(String.valueOf((char) ('a' + sent / 30_000)).repeat(Math.min(30_000, 100_000 - sent)),
                        StandardCharsets.US_ASCII);
                assertThat(streaming.parse(input)).isEqualTo(NEED_MORE);
                assertThat(input.isReadable()).as("each chunk copied out as it arrives").isFalse();
                input.discardReadBytes();
            }
            input.writeCharSequence("\r\n", StandardCharsets.US_ASCII);
            assertThat(streaming.parse(input)).isEqualTo(REQUEST);
            assertThat(streaming.request().value().streamed()).isTrue();
            assertThat(streaming.request().value().length()).isEqualTo(100_000);
            assertThat(target.bytes.toString(StandardCharsets.US_ASCII))
                    .isEqualTo("a".repeat(30_000) + "b".repeat(30_000) + "c".repeat(30_000) + "d".repeat(10_000));
            assertThat(target.abandoned).isFalse();
        } finally {
            input.release();
        }
    }

    @Test
    void abandonsTheRoomOfAStreamedValueWithABadEnding() {
        Collecting target = new Collecting(1);
        TextParser streaming = new TextParser(1 << 20, target);
        ByteBuf input = Unpooled.copiedBuffer("set k 0 0 5\r\nhelloXX", StandardCharsets.US_ASCII);
        try {
            assertThat(streaming.parse(input)).isEqualTo(REQUEST);
            assertThat(streaming.request().error()).isEqualTo(TextError.BAD_DATA_CHUNK);
            assertThat(target.abandoned).isTrue();
        } finally {
            input.release();
        }
    }

    @Test
    void readsAnEmptyValue() {
        assertThat(feed("set e 0 0 0\r\n\r\n")).isEqualTo(REQUEST);
        assertThat(parser.request().value().length()).isZero();
        assertThat(parser.request().value().toArray()).isEmpty();
    }

    /** A target that takes values longer than {@code longerThan} and collects their bytes. */
    static final class Collecting implements ValueTarget {
        final int longerThan;
        final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        int opened = -1;
        boolean abandoned;

        Collecting(int longerThan) {
            this.longerThan = longerThan;
        }

        @Override
        public boolean open(int length) {
            if (length <= longerThan) {
                return false;
            }
            opened = length;
            return true;
        }

        @Override
        public void write(ByteBuf in, int index, int offset, int length) {
            assertThat(offset).isEqualTo(bytes.size());
            byte[] chunk = new byte[length];
            in.getBytes(index, chunk);
            bytes.writeBytes(chunk);
        }

        @Override
        public void abandon() {
            abandoned = true;
        }
    }

    @Test
    void discardsARefusedValueWithoutBufferingIt() {
        assertThat(feed("set k 0 0 2000000000\r\n")).isEqualTo(REQUEST);
        assertThat(parser.request().command()).isEqualTo(TextCommand.STORE_TOO_LARGE);
        assertThat(parser.request().value().length()).isZero();
        byte[] chunk = new byte[64 * 1024];
        for (int i = 0; i < 100; i++) {
            in.writeBytes(chunk);
            assertThat(parser.parse(in)).isEqualTo(NEED_MORE);
            assertThat(in.isReadable()).isFalse();
            in.clear();
        }
    }

    @Test
    void reportsErrorsAsRequestsWithTheirReply() {
        assertThat(feed("set k 0 0 x\r\n")).isEqualTo(REQUEST);
        assertThat(parser.request().command()).isEqualTo(TextCommand.INVALID);
        assertThat(parser.request().error()).isEqualTo(TextError.BAD_FORMAT);
        assertThat(feed("nope\r\n")).isEqualTo(REQUEST);
        assertThat(parser.request().error()).isEqualTo(TextError.UNKNOWN_COMMAND);
    }

    @Test
    void takesNoreplyFromTheLastTokenLikeMemcached() {
        assertThat(feed("set k 0 0 noreply\r\n")).isEqualTo(REQUEST);
        assertThat(parser.request().error()).isEqualTo(TextError.BAD_FORMAT);
        assertThat(parser.request().noreply()).isTrue();
    }

    @Test
    void refusesTheSizeBeforeAllocatingTheValue() {
        // 48 + 8 + key + 1 + value + 2 must not exceed the limit.
        assertThat(feed("set k 0 0 1048516\r\n")).isEqualTo(NEED_MORE);
        in.clear();
        TextParser fresh = new TextParser(1 << 20);
        ByteBuf line = Unpooled.copiedBuffer("set k 0 0 1048517\r\n", StandardCharsets.US_ASCII);
        assertThat(fresh.parse(line)).isEqualTo(REQUEST);
        assertThat(fresh.request().command()).isEqualTo(TextCommand.STORE_TOO_LARGE);
        line.release();
    }
}
