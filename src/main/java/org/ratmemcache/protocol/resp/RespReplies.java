package org.ratmemcache.protocol.resp;

import java.nio.charset.StandardCharsets;

import io.netty.buffer.ByteBuf;

import org.ratmemcache.core.Item;
import org.ratmemcache.protocol.ItemBytes;

/**
 * Writes RESP replies, in the version the connection speaks where the two differ: RESP3's null,
 * map, set, double, boolean and verbatim types, and RESP2's forms of them, as Redis 7.0 writes
 * each. Text that reaches the wire as a simple string or an error is taken byte for byte (ISO
 * 8859-1), since Redis echoes a client's bytes in some errors. Nothing here allocates but the
 * growth of the output buffer.
 */
public final class RespReplies {

    public static final byte[] OK = ascii("+OK\r\n");
    public static final byte[] PONG = ascii("+PONG\r\n");
    public static final byte[] QUEUED = ascii("+QUEUED\r\n");
    public static final byte[] ZERO = ascii(":0\r\n");
    public static final byte[] ONE = ascii(":1\r\n");
    public static final byte[] EMPTY_ARRAY = ascii("*0\r\n");
    public static final byte[] EMPTY_BULK = ascii("$0\r\n\r\n");
    private static final byte[] CRLF = ascii("\r\n");
    private static final byte[] NULL_BULK = ascii("$-1\r\n");
    private static final byte[] NULL_ARRAY = ascii("*-1\r\n");
    private static final byte[] NULL = ascii("_\r\n");
    private static final byte[] TRUE = ascii("#t\r\n");
    private static final byte[] FALSE = ascii("#f\r\n");
    private static final byte[] MIN_LONG = ascii("-9223372036854775808");

    private RespReplies() {
    }

    public static void raw(ByteBuf out, byte[] reply) {
        out.writeBytes(reply);
    }

    /** {@code +text}: text that holds no CR or LF. */
    public static void simple(ByteBuf out, String text) {
        out.writeByte('+');
        out.writeCharSequence(text, StandardCharsets.ISO_8859_1);
        out.writeBytes(CRLF);
    }

    /**
     * An error, {@code -CODE text}: {@code error} begins with its code ({@code ERR},
     * {@code WRONGTYPE}, ...); a CR or LF in it becomes a space, as Redis makes them.
     */
    public static void error(ByteBuf out, String error) {
        out.writeByte('-');
        int at = out.writerIndex();
        out.writeCharSequence(error, StandardCharsets.ISO_8859_1);
        for (int i = at; i < out.writerIndex(); i++) {
            byte b = out.getByte(i);
            if (b == '\r' || b == '\n') {
                out.setByte(i, ' ');
            }
        }
        out.writeBytes(CRLF);
    }

    public static void integer(ByteBuf out, long value) {
        out.writeByte(':');
        decimal(out, value);
        out.writeBytes(CRLF);
    }

    public static void bulk(ByteBuf out, byte[] value) {
        header(out, '$', value.length);
        out.writeBytes(value);
        out.writeBytes(CRLF);
    }

    public static void bulk(ByteBuf out, String text) {
        bulk(out, text.getBytes(StandardCharsets.UTF_8));
    }

    /** A bulk string of {@code length} bytes of {@code from} at {@code index}. */
    public static void bulk(ByteBuf out, ByteBuf from, int index, int length) {
        header(out, '$', length);
        out.writeBytes(from, index, length);
        out.writeBytes(CRLF);
    }

    /** The decimal digits of {@code value} as a bulk string. */
    public static void bulk(ByteBuf out, long value) {
        header(out, '$', decimalLength(value));
        decimal(out, value);
        out.writeBytes(CRLF);
    }

    /** The item's value as a bulk string, copied from item memory (decompressed if it is stored so). */
    public static void bulk(ByteBuf out, Item item) {
        header(out, '$', item.valueLength());
        ItemBytes.writeValue(out, item);
        out.writeBytes(CRLF);
    }

    /** A missing value: {@code $-1} in RESP2, {@code _} in RESP3. */
    public static void nullBulk(ByteBuf out, RespVersion version) {
        out.writeBytes(version == RespVersion.RESP3 ? NULL : NULL_BULK);
    }

    /** A missing array: {@code *-1} in RESP2, {@code _} in RESP3. */
    public static void nullArray(ByteBuf out, RespVersion version) {
        out.writeBytes(version == RespVersion.RESP3 ? NULL : NULL_ARRAY);
    }

    public static void array(ByteBuf out, long length) {
        header(out, '*', length);
    }

    /** A map of {@code pairs} entries: RESP3's {@code %}, or a flat array of twice as many in RESP2. */
    public static void map(ByteBuf out, long pairs, RespVersion version) {
        if (version == RespVersion.RESP3) {
            header(out, '%', pairs);
        } else {
            header(out, '*', pairs * 2);
        }
    }

    /** A set: RESP3's {@code ~}, an array in RESP2. */
    public static void set(ByteBuf out, long length, RespVersion version) {
        header(out, version == RespVersion.RESP3 ? '~' : '*', length);
    }

    /** A boolean: RESP3's {@code #t} or {@code #f}, {@code :1} or {@code :0} in RESP2. */
    public static void bool(ByteBuf out, boolean value, RespVersion version) {
        if (version == RespVersion.RESP3) {
            out.writeBytes(value ? TRUE : FALSE);
        } else {
            out.writeBytes(value ? ONE : ZERO);
        }
    }

    /** Text for people (INFO, CLIENT INFO): RESP3's verbatim string of format {@code txt}, a bulk string in RESP2. */
    public static void verbatim(ByteBuf out, String text, RespVersion version) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (version == RespVersion.RESP2) {
            bulk(out, bytes);
            return;
        }
        header(out, '=', bytes.length + 4);
        out.writeBytes(ascii("txt:"));
        out.writeBytes(bytes);
        out.writeBytes(CRLF);
    }

    private static void header(ByteBuf out, char type, long length) {
        out.writeByte(type);
        decimal(out, length);
        out.writeBytes(CRLF);
    }

    /** Writes {@code value}'s decimal digits, without a String. */
    static void decimal(ByteBuf out, long value) {
        if (value == Long.MIN_VALUE) {
            out.writeBytes(MIN_LONG);
            return;
        }
        int length = decimalLength(value);
        out.ensureWritable(length);
        int end = out.writerIndex() + length;
        long rest = Math.abs(value);
        int at = end;
        do {
            out.setByte(--at, (int) ('0' + rest % 10));
            rest /= 10;
        } while (rest != 0);
        if (value < 0) {
            out.setByte(--at, '-');
        }
        out.writerIndex(end);
    }

    static int decimalLength(long value) {
        if (value == Long.MIN_VALUE) {
            return MIN_LONG.length;
        }
        int digits = 1;
        for (long rest = Math.abs(value); rest >= 10; rest /= 10) {
            digits++;
        }
        return value < 0 ? digits + 1 : digits;
    }

    public static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
