package org.ratmemcache.protocol.text;

import java.nio.charset.StandardCharsets;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.ratmemcache.core.Key;
import org.ratmemcache.core.StoreMode;
import org.ratmemcache.protocol.Parsed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ratmemcache.protocol.Parsed.NEED_MORE;
import static org.ratmemcache.protocol.Parsed.REQUEST;

/** What the parser makes of a request, and that it never buffers a value it does not need. */
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
        assertThat(new String(request.value(), StandardCharsets.US_ASCII)).isEqualTo("abc");
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
    void copiesAValueOutOfTheInputAsItArrives() {
        assertThat(feed("set k 0 0 1000\r\n" + "x".repeat(400))).isEqualTo(NEED_MORE);
        assertThat(in.isReadable()).as("value bytes consumed, not buffered").isFalse();
        assertThat(feed("x".repeat(600))).isEqualTo(NEED_MORE);
        assertThat(in.isReadable()).isFalse();
        assertThat(feed("\r")).isEqualTo(NEED_MORE);
        assertThat(feed("\n")).isEqualTo(REQUEST);
        assertThat(parser.request().value()).hasSize(1000);
    }

    @Test
    void allocatesAValueAsItsBytesArriveNotWhenItIsAnnounced() {
        assertThat(feed("set k 0 0 1000000\r\n")).isEqualTo(NEED_MORE);
        assertThat(parser.request().value()).as("nothing allocated for a bare command line").isNull();
        assertThat(feed("x".repeat(100))).isEqualTo(NEED_MORE);
        assertThat(parser.request().value().length).isLessThanOrEqualTo(16 * 1024);
        for (int sent = 100; sent < 1_000_000; sent += 50_000) {
            feed("y".repeat(Math.min(50_000, 1_000_000 - sent)));
            assertThat((long) parser.request().value().length).isLessThanOrEqualTo(Math.max(16 * 1024, 2L * (sent + 50_000)));
        }
        assertThat(feed("\r\n")).isEqualTo(REQUEST);
        byte[] value = parser.request().value();
        assertThat(value).hasSize(1_000_000);
        assertThat(new String(value, 0, 101, StandardCharsets.US_ASCII)).isEqualTo("x".repeat(100) + "y");
        assertThat(value[999_999]).isEqualTo((byte) 'y');
    }

    @Test
    void allocatesAnArrivedValueOnceAndExactly() {
        assertThat(feed("set k 0 0 300000\r\n" + "z".repeat(300_000) + "\r\n")).isEqualTo(REQUEST);
        assertThat(parser.request().value()).hasSize(300_000);
        assertThat(feed("set e 0 0 0\r\n\r\n")).isEqualTo(REQUEST);
        assertThat(parser.request().value()).isEmpty();
    }

    @Test
    void discardsARefusedValueWithoutBufferingIt() {
        assertThat(feed("set k 0 0 2000000000\r\n")).isEqualTo(REQUEST);
        assertThat(parser.request().command()).isEqualTo(TextCommand.STORE_TOO_LARGE);
        assertThat(parser.request().value()).isNull();
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
