package org.ratmemcache.protocol.text;

import java.nio.charset.StandardCharsets;

import io.netty.buffer.ByteBuf;

import org.ratmemcache.core.Decimal;
import org.ratmemcache.core.Item;
import org.ratmemcache.core.Key;

/**
 * Writes text-protocol replies into a buffer, byte for byte as memcached does. One instance per
 * connection: it keeps a scratch array for numbers, so replies allocate nothing.
 */
public final class TextReplies {

    public static final byte[] STORED = ascii("STORED\r\n");
    public static final byte[] NOT_STORED = ascii("NOT_STORED\r\n");
    public static final byte[] EXISTS = ascii("EXISTS\r\n");
    public static final byte[] NOT_FOUND = ascii("NOT_FOUND\r\n");
    public static final byte[] DELETED = ascii("DELETED\r\n");
    public static final byte[] TOUCHED = ascii("TOUCHED\r\n");
    public static final byte[] OK = ascii("OK\r\n");
    public static final byte[] END = ascii("END\r\n");
    public static final byte[] RESET = ascii("RESET\r\n");
    public static final byte[] CRLF = ascii("\r\n");
    private static final byte[] VALUE = ascii("VALUE ");
    private static final byte[] STAT = ascii("STAT ");
    private static final byte[] VERSION = ascii("VERSION ");

    private final byte[] digits = new byte[Decimal.MAX_UNSIGNED_64_DIGITS];

    /** {@code VALUE <key> <flags> <bytes>[ <cas>]\r\n}: the line before the data of {@code item}, whose key is {@code key}. */
    public void valueHeader(ByteBuf out, Key key, Item item, boolean withCas) {
        out.writeBytes(VALUE);
        out.writeBytes(key.array(), key.offset(), key.length());
        out.writeByte(' ');
        unsigned(out, item.flags() & 0xffff_ffffL);
        out.writeByte(' ');
        unsigned(out, item.valueLength());
        if (withCas) {
            out.writeByte(' ');
            unsigned(out, item.cas());
        }
        out.writeBytes(CRLF);
    }

    /** {@code <number>\r\n}: the reply to incr and decr. */
    public void number(ByteBuf out, long unsigned) {
        unsigned(out, unsigned);
        out.writeBytes(CRLF);
    }

    /** {@code STAT <name> <value>\r\n}. Stats are rare, so this takes strings. */
    public static void stat(ByteBuf out, String name, Object value) {
        out.writeBytes(STAT);
        out.writeCharSequence(name, StandardCharsets.US_ASCII);
        out.writeByte(' ');
        out.writeCharSequence(String.valueOf(value), StandardCharsets.US_ASCII);
        out.writeBytes(CRLF);
    }

    /** {@code VERSION <version>\r\n}. */
    public static void version(ByteBuf out, String version) {
        out.writeBytes(VERSION);
        out.writeCharSequence(version, StandardCharsets.US_ASCII);
        out.writeBytes(CRLF);
    }

    /** Writes {@code unsigned} in decimal. */
    public void unsigned(ByteBuf out, long unsigned) {
        out.writeBytes(digits, 0, Decimal.write(unsigned, digits, 0));
    }

    public static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
