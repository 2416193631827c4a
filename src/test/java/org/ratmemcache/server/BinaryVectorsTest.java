package org.ratmemcache.server;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Byte-exact vectors for every binary opcode, its quiet form and its errors: request frames in,
 * response frames out, CAS values included (a fresh cache hands them out from 1).
 */
class BinaryVectorsTest {

    private static final int GET = 0x00, SET = 0x01, ADD = 0x02, REPLACE = 0x03, DELETE = 0x04, INCR = 0x05,
            DECR = 0x06, QUIT = 0x07, FLUSH = 0x08, GETQ = 0x09, NOOP = 0x0a, VERSION = 0x0b, GETK = 0x0c,
            GETKQ = 0x0d, APPEND = 0x0e, PREPEND = 0x0f, STAT = 0x10, SETQ = 0x11, ADDQ = 0x12, REPLACEQ = 0x13,
            DELETEQ = 0x14, INCRQ = 0x15, DECRQ = 0x16, QUITQ = 0x17, FLUSHQ = 0x18, APPENDQ = 0x19,
            PREPENDQ = 0x1a, VERBOSITY = 0x1b, TOUCH = 0x1c, GAT = 0x1d, GATQ = 0x1e, SASL_LIST = 0x20,
            SASL_AUTH = 0x21, SASL_STEP = 0x22, GATK = 0x23, GATKQ = 0x24;

    private final ConnectionHarness connection = new ConnectionHarness();

    @AfterEach
    void close() {
        connection.close();
    }

    @Test
    void setThenGetVariants() {
        assertThat(exchange(request(SET, 7, 0, setExtras(0xcafe, 0), "k", "hello")))
                .isEqualTo(hex(response(SET, 0, 7, 1, "", "", "")));
        assertThat(exchange(request(GET, 8, 0, "", "k", "")))
                .isEqualTo(hex(response(GET, 0, 8, 1, "0000cafe", "", "hello")));
        assertThat(exchange(request(GETK, 9, 0, "", "k", "")))
                .isEqualTo(hex(response(GETK, 0, 9, 1, "0000cafe", "k", "hello")));
        assertThat(exchange(request(GETQ, 1, 0, "", "k", ""), request(GETKQ, 2, 0, "", "k", "")))
                .isEqualTo(hex(response(GETQ, 0, 1, 1, "0000cafe", "", "hello"), response(GETKQ, 0, 2, 1, "0000cafe", "k", "hello")));
    }

    @Test
    void missesAnswerUnlessQuiet() {
        assertThat(exchange(request(GET, 1, 0, "", "nope", "")))
                .isEqualTo(hex(response(GET, 0x01, 1, 0, "", "", "Not found")));
        assertThat(exchange(request(GETK, 2, 0, "", "nope", "")))
                .isEqualTo(hex(response(GETK, 0x01, 2, 0, "", "nope", "")));
        assertThat(exchange(request(GETQ, 3, 0, "", "nope", ""), request(GETKQ, 4, 0, "", "nope", ""),
                request(NOOP, 5, 0, "", "", "")))
                .isEqualTo(hex(response(NOOP, 0, 5, 0, "", "", "")));
    }

    @Test
    void addReplaceAndTheirQuietForms() {
        exchange(request(SET, 0, 0, setExtras(0, 0), "k", "v"));
        assertThat(exchange(request(ADD, 1, 0, setExtras(0, 0), "k", "w")))
                .isEqualTo(hex(response(ADD, 0x02, 1, 0, "", "", "Data exists for key.")));
        assertThat(exchange(request(REPLACE, 2, 0, setExtras(0, 0), "missing", "w")))
                .isEqualTo(hex(response(REPLACE, 0x01, 2, 0, "", "", "Not found")));
        assertThat(exchange(request(ADD, 3, 0, setExtras(0, 0), "new", "n")))
                .isEqualTo(hex(response(ADD, 0, 3, 2, "", "", "")));
        assertThat(exchange(request(REPLACE, 4, 0, setExtras(0, 0), "new", "m")))
                .isEqualTo(hex(response(REPLACE, 0, 4, 3, "", "", "")));
        assertThat(exchange(request(SETQ, 5, 0, setExtras(0, 0), "q", "1"), request(ADDQ, 6, 0, setExtras(0, 0), "q2", "2"),
                request(REPLACEQ, 7, 0, setExtras(0, 0), "q", "3"), request(ADDQ, 8, 0, setExtras(0, 0), "q", "4")))
                .isEqualTo(hex(response(ADDQ, 0x02, 8, 0, "", "", "Data exists for key.")));
    }

    @Test
    void casOnSetAddAndReplace() {
        exchange(request(SET, 0, 0, setExtras(0, 0), "k", "v"));
        assertThat(exchange(request(SET, 1, 99, setExtras(0, 0), "k", "x")))
                .isEqualTo(hex(response(SET, 0x02, 1, 0, "", "", "Data exists for key.")));
        assertThat(exchange(request(SET, 2, 1, setExtras(0, 0), "k", "x")))
                .isEqualTo(hex(response(SET, 0, 2, 2, "", "", "")));
        assertThat(exchange(request(SET, 3, 1, setExtras(0, 0), "missing", "x")))
                .isEqualTo(hex(response(SET, 0x01, 3, 0, "", "", "Not found")));
        // memcached turns an add with a CAS into a cas
        assertThat(exchange(request(ADD, 4, 2, setExtras(0, 0), "k", "y")))
                .isEqualTo(hex(response(ADD, 0, 4, 3, "", "", "")));
        assertThat(exchange(request(REPLACE, 5, 3, setExtras(0, 0), "k", "z")))
                .isEqualTo(hex(response(REPLACE, 0, 5, 4, "", "", "")));
    }

    @Test
    void appendAndPrepend() {
        exchange(request(SET, 0, 0, setExtras(5, 0), "k", "mid"));
        assertThat(exchange(request(APPEND, 1, 0, "", "k", ">"), request(PREPEND, 2, 0, "", "k", "<"),
                request(GET, 3, 0, "", "k", "")))
                .isEqualTo(hex(response(APPEND, 0, 1, 2, "", "", ""), response(PREPEND, 0, 2, 3, "", "", ""),
                        response(GET, 0, 3, 3, "00000005", "", "<mid>")));
        assertThat(exchange(request(APPEND, 4, 0, "", "missing", "x")))
                .isEqualTo(hex(response(APPEND, 0x05, 4, 0, "", "", "Not stored.")));
        assertThat(exchange(request(APPEND, 5, 1, "", "k", "x")))
                .isEqualTo(hex(response(APPEND, 0x02, 5, 0, "", "", "Data exists for key.")));
        assertThat(exchange(request(APPENDQ, 6, 0, "", "k", "!"), request(PREPENDQ, 7, 0, "", "missing", "!")))
                .isEqualTo(hex(response(PREPENDQ, 0x05, 7, 0, "", "", "Not stored.")));
    }

    @Test
    void deleteWithAndWithoutCas() {
        exchange(request(SET, 0, 0, setExtras(0, 0), "k", "v"));
        assertThat(exchange(request(DELETE, 1, 5, "", "k", "")))
                .isEqualTo(hex(response(DELETE, 0x02, 1, 0, "", "", "Data exists for key.")));
        assertThat(exchange(request(DELETE, 2, 1, "", "k", "")))
                .isEqualTo(hex(response(DELETE, 0, 2, 0, "", "", "")));
        assertThat(exchange(request(DELETE, 3, 0, "", "k", "")))
                .isEqualTo(hex(response(DELETE, 0x01, 3, 0, "", "", "Not found")));
        exchange(request(SET, 0, 0, setExtras(0, 0), "k", "v"));
        assertThat(exchange(request(DELETEQ, 4, 0, "", "k", ""), request(DELETEQ, 5, 0, "", "k", "")))
                .isEqualTo(hex(response(DELETEQ, 0x01, 5, 0, "", "", "Not found")));
    }

    @Test
    void incrementAndDecrement() {
        assertThat(exchange(request(INCR, 1, 0, deltaExtras(5, 40, 0), "n", "")))
                .isEqualTo(hex(response(INCR, 0, 1, 1, "", "", longBytes(40))));
        assertThat(exchange(request(INCR, 2, 0, deltaExtras(5, 40, 0), "n", "")))
                .isEqualTo(hex(response(INCR, 0, 2, 2, "", "", longBytes(45))));
        assertThat(exchange(request(DECR, 3, 0, deltaExtras(50, 0, 0), "n", "")))
                .isEqualTo(hex(response(DECR, 0, 3, 3, "", "", longBytes(0))));
        assertThat(exchange(request(INCR, 4, 0, deltaExtras(1, 0, 0xffffffff), "none", "")))
                .isEqualTo(hex(response(INCR, 0x01, 4, 0, "", "", "Not found")));
        assertThat(exchange(request(INCR, 5, 99, deltaExtras(1, 0, 0), "n", "")))
                .isEqualTo(hex(response(INCR, 0x02, 5, 0, "", "", "Data exists for key.")));
        assertThat(exchange(request(INCR, 6, 3, deltaExtras(-1L, 0, 0), "n", "")))
                .isEqualTo(hex(response(INCR, 0, 6, 4, "", "", longBytes(-1L))));
        exchange(request(SET, 0, 0, setExtras(0, 0), "text", "abc"));
        assertThat(exchange(request(INCR, 7, 0, deltaExtras(1, 0, 0), "text", "")))
                .isEqualTo(hex(response(INCR, 0x06, 7, 0, "", "", "Non-numeric server-side value for incr or decr")));
        assertThat(exchange(request(INCRQ, 8, 0, deltaExtras(1, 0, 0), "n", ""), request(DECRQ, 9, 0, deltaExtras(1, 0, 0xffffffff), "gone", "")))
                .isEqualTo(hex(response(DECRQ, 0x01, 9, 0, "", "", "Not found")));
    }

    @Test
    void touchAndGetAndTouch() {
        exchange(request(SET, 0, 0, setExtras(3, 0), "k", "v"));
        assertThat(exchange(request(TOUCH, 1, 0, "00000064", "k", "")))
                .isEqualTo(hex(response(TOUCH, 0, 1, 1, "00000003", "", "")));
        assertThat(exchange(request(GAT, 2, 0, "00000064", "k", "")))
                .isEqualTo(hex(response(GAT, 0, 2, 1, "00000003", "", "v")));
        assertThat(exchange(request(GATK, 3, 0, "00000064", "k", "")))
                .isEqualTo(hex(response(GATK, 0, 3, 1, "00000003", "k", "v")));
        assertThat(exchange(request(GATQ, 4, 0, "00000064", "nope", ""), request(GATKQ, 5, 0, "00000064", "k", "")))
                .isEqualTo(hex(response(GATKQ, 0, 5, 1, "00000003", "k", "v")));
        assertThat(exchange(request(TOUCH, 6, 0, "00000064", "nope", "")))
                .isEqualTo(hex(response(TOUCH, 0x01, 6, 0, "", "", "Not found")));
        assertThat(exchange(request(GATK, 7, 0, "00000064", "nope", "")))
                .isEqualTo(hex(response(GATK, 0x01, 7, 0, "", "nope", "")));
        connection.clock.advance(java.time.Duration.ofSeconds(100));
        assertThat(exchange(request(GET, 8, 0, "", "k", "")))
                .isEqualTo(hex(response(GET, 0x01, 8, 0, "", "", "Not found")));
    }

    @Test
    void flushNoopVersionVerbosityAndQuit() {
        exchange(request(SET, 0, 0, setExtras(0, 0), "k", "v"));
        assertThat(exchange(request(FLUSHQ, 1, 0, "", "", ""), request(GET, 2, 0, "", "k", "")))
                .isEqualTo(hex(response(GET, 0x01, 2, 0, "", "", "Not found")));
        assertThat(exchange(request(FLUSH, 3, 0, "0000000a", "", "")))
                .isEqualTo(hex(response(FLUSH, 0, 3, 0, "", "", "")));
        assertThat(exchange(request(NOOP, 4, 0, "", "", ""))).isEqualTo(hex(response(NOOP, 0, 4, 0, "", "", "")));
        assertThat(exchange(request(VERSION, 5, 0, "", "", ""))).isEqualTo(hex(response(VERSION, 0, 5, 0, "", "", "test")));
        // memcached 1.6 no longer serves verbosity; the protocol defines it, and it is served here
        assertThat(exchange(request(VERBOSITY, 6, 0, "00000001", "", ""))).isEqualTo(hex(response(VERBOSITY, 0, 6, 0, "", "", "")));
        assertThat(exchange(request(QUITQ, 7, 0, "", "", ""), request(NOOP, 8, 0, "", "", ""))).isEmpty();
        assertThat(connection.channel.isOpen()).isFalse();
    }

    @Test
    void quitAnswersThenCloses() {
        assertThat(exchange(request(QUIT, 9, 0, "", "", ""))).isEqualTo(hex(response(QUIT, 0, 9, 0, "", "", "")));
        assertThat(connection.channel.isOpen()).isFalse();
    }

    @Test
    void statsGroupsAndTheirEnd() {
        byte[] end = response(STAT, 0, 4, 0, "", "", "");
        String sizes = exchange(request(STAT, 4, 0, "", "sizes", ""));
        assertThat(sizes).isEqualTo(hex(response(STAT, 0, 4, 0, "", "sizes_status", "disabled"), end));
        assertThat(exchange(request(STAT, 4, 0, "", "reset", ""))).isEqualTo(hex(end));
        assertThat(exchange(request(STAT, 4, 0, "", "conns", "")))
                .isEqualTo(hex(response(STAT, 0x01, 4, 0, "", "", "Not found")));
        assertThat(exchange(request(STAT, 4, 0, "", "bogus", "")))
                .isEqualTo(hex(response(STAT, 0x01, 4, 0, "", "", "Not found")));
        assertThat(exchange(request(STAT, 4, 0, "", "", ""))).contains(hex(response(STAT, 0, 4, 0, "", "version", "test"))).endsWith(hex(end));
    }

    @Test
    void saslIsUnknownWithAuthenticationOff() {
        assertThat(exchange(request(SASL_LIST, 1, 0, "", "", "")))
                .isEqualTo(hex(response(SASL_LIST, 0x81, 1, 0, "", "", "Unknown command")));
        assertThat(exchange(request(SASL_AUTH, 2, 0, "", "PLAIN", "\0u\0p"), request(SASL_STEP, 3, 0, "", "PLAIN", "x"),
                request(NOOP, 4, 0, "", "", "")))
                .isEqualTo(hex(response(SASL_AUTH, 0x81, 2, 0, "", "", "Unknown command"),
                        response(SASL_STEP, 0x81, 3, 0, "", "", "Unknown command"), response(NOOP, 0, 4, 0, "", "", "")));
    }

    @Test
    void unknownOpcodeDiscardsItsBody() {
        assertThat(exchange(request(0x30, 1, 0, "", "", ""), request(NOOP, 2, 0, "", "", "")))
                .isEqualTo(hex(response(0x30, 0x81, 1, 0, "", "", "Unknown command"), response(NOOP, 0, 2, 0, "", "", "")));
    }

    @Test
    void tooLargeIsRefusedUnreadAndTheConnectionKept() {
        exchange(request(SET, 0, 0, setExtras(0, 0), "k", "old"));
        String big = "v".repeat(1_048_517);
        assertThat(exchange(request(SET, 1, 0, setExtras(0, 0), "k", big), request(GET, 2, 0, "", "k", "")))
                .isEqualTo(hex(response(SET, 0x03, 1, 0, "", "", "Too large."), response(GET, 0x01, 2, 0, "", "", "Not found")));
        assertThat(exchange(request(SET, 3, 0, setExtras(0, 0), "k", "v".repeat(1_048_516))))
                .isEqualTo(hex(response(SET, 0, 3, 2, "", "", "")));
    }

    @Test
    void malformedFramesAreAnsweredThenClosed() {
        // a key over 250 bytes: invalid arguments, then close
        assertThat(exchange(request(GET, 1, 0, "", "k".repeat(251), "")))
                .isEqualTo(hex(response(GET, 0x04, 1, 0, "", "", "Invalid arguments")));
        assertThat(connection.channel.isOpen()).isFalse();
    }

    @Test
    void extrasAndKeyLongerThanTheBodyClose() {
        byte[] frame = request(GET, 1, 0, "", "abc", "");
        frame[11] = 2; // body length 2 < key length 3
        assertThat(exchange(frame)).isEqualTo(hex(response(GET, 0x81, 1, 0, "", "", "Unknown command")));
        assertThat(connection.channel.isOpen()).isFalse();
    }

    @Test
    void wrongExtrasForTheOpcodeClose() {
        assertThat(exchange(request(GET, 1, 0, "00000000", "k", "")))
                .isEqualTo(hex(response(GET, 0x04, 1, 0, "", "", "Invalid arguments")));
        assertThat(connection.channel.isOpen()).isFalse();
    }

    @Test
    void badMagicClosesSilentlyAfterTheRepliesBeforeANoop() {
        byte[] bad = request(GET, 2, 0, "", "k", "");
        bad[0] = 0x00;
        assertThat(exchange(request(NOOP, 1, 0, "", "", ""), request(GET, 3, 0, "", "k", ""), bad))
                .isEqualTo(hex(response(NOOP, 0, 1, 0, "", "", "")));
        assertThat(connection.channel.isOpen()).isFalse();
    }

    @Test
    void aFrameSplitAtEveryByteIsOneRequest() {
        byte[] frame = request(SET, 5, 0, setExtras(1, 0), "split", "value");
        byte[][] bytes = new byte[frame.length][];
        for (int i = 0; i < frame.length; i++) {
            bytes[i] = new byte[] {frame[i]};
        }
        assertThat(hex(connection.exchange(bytes).getBytes(StandardCharsets.ISO_8859_1)))
                .isEqualTo(hex(response(SET, 0, 5, 1, "", "", "")));
    }

    private String exchange(byte[]... frames) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] frame : frames) {
            all.writeBytes(frame);
        }
        connection.channel.writeInbound(io.netty.buffer.Unpooled.wrappedBuffer(all.toByteArray()));
        return hex(connection.replyBytes());
    }

    static byte[] request(int opcode, int opaque, long cas, String extrasHex, String key, String value) {
        return frame(0x80, opcode, 0, opaque, cas, HexFormat.of().parseHex(extrasHex), latin1(key), latin1(value));
    }

    static byte[] response(int opcode, int status, int opaque, long cas, String extrasHex, String key, String value) {
        return frame(0x81, opcode, status, opaque, cas, HexFormat.of().parseHex(extrasHex), latin1(key), latin1(value));
    }

    private static byte[] response(int opcode, int status, int opaque, long cas, String extrasHex, String key, byte[] value) {
        return frame(0x81, opcode, status, opaque, cas, HexFormat.of().parseHex(extrasHex), latin1(key), value);
    }

    private static byte[] frame(int magic, int opcode, int status, int opaque, long cas, byte[] extras, byte[] key, byte[] value) {
        return ByteBuffer.allocate(24 + extras.length + key.length + value.length)
                .put((byte) magic).put((byte) opcode).putShort((short) key.length).put((byte) extras.length).put((byte) 0)
                .putShort((short) status).putInt(extras.length + key.length + value.length).putInt(opaque).putLong(cas)
                .put(extras).put(key).put(value).array();
    }

    private static String setExtras(int flags, int exptime) {
        return HexFormat.of().formatHex(ByteBuffer.allocate(8).putInt(flags).putInt(exptime).array());
    }

    private static String deltaExtras(long delta, long initial, int exptime) {
        return HexFormat.of().formatHex(ByteBuffer.allocate(20).putLong(delta).putLong(initial).putInt(exptime).array());
    }

    private static byte[] longBytes(long value) {
        return ByteBuffer.allocate(8).putLong(value).array();
    }

    private static byte[] latin1(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String hex(byte[]... frames) {
        StringBuilder out = new StringBuilder();
        for (byte[] frame : frames) {
            out.append(HexFormat.of().formatHex(frame));
        }
        return out.toString();
    }
}
