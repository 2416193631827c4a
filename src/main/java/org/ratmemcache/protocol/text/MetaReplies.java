package org.ratmemcache.protocol.text;

import java.util.Base64;

import io.netty.buffer.ByteBuf;

import org.ratmemcache.core.Decimal;
import org.ratmemcache.core.Key;

/**
 * Writes meta-protocol replies into a buffer, byte for byte as memcached 1.6.18 does: a two-letter
 * code, then flags, each a space, a letter and a token. One instance per connection: it keeps a
 * scratch array for numbers, so replies allocate nothing (but a base64 key).
 */
public final class MetaReplies {

    public static final byte[] HD = TextReplies.ascii("HD");
    public static final byte[] EN = TextReplies.ascii("EN");
    public static final byte[] NF = TextReplies.ascii("NF");
    public static final byte[] NS = TextReplies.ascii("NS");
    public static final byte[] EX = TextReplies.ascii("EX");
    public static final byte[] MN = TextReplies.ascii("MN\r\n");
    private static final byte[] VA = TextReplies.ascii("VA ");
    private static final byte[] ME = TextReplies.ascii("ME ");
    private static final byte[] BASE64_MARK = TextReplies.ascii(" b");

    private final byte[] digits = new byte[Decimal.MAX_UNSIGNED_64_DIGITS];

    /** {@code VA <length>}: the code of a reply that carries a value. */
    public void valueCode(ByteBuf out, int length) {
        out.writeBytes(VA);
        unsigned(out, length);
    }

    /** A flag with a number: {@code " c123"}. */
    public void flag(ByteBuf out, char flag, long unsigned) {
        out.writeByte(' ').writeByte(flag);
        unsigned(out, unsigned);
    }

    /** A flag alone: {@code " W"}. */
    public void flag(ByteBuf out, char flag) {
        out.writeByte(' ').writeByte(flag);
    }

    /** {@code " t<seconds>"}, or {@code " t-1"} for an item that never expires. */
    public void ttl(ByteBuf out, long seconds, boolean never) {
        out.writeByte(' ').writeByte('t');
        if (never) {
            out.writeByte('-').writeByte('1');
        } else {
            unsigned(out, seconds & 0xffff_ffffL); // memcached prints it as an unsigned 32-bit number
        }
    }

    /** A token of the request, echoed: the opaque. */
    public void echo(ByteBuf out, TextRequest request, int token) {
        out.writeByte(' ');
        out.writeBytes(request.line(), request.tokenStart(token), request.tokenEnd(token) - request.tokenStart(token));
    }

    /** {@code " k<key>"}; a base64 key is sent encoded and marked {@code " b"}. */
    public void key(ByteBuf out, Key key, boolean base64) {
        out.writeByte(' ').writeByte('k');
        keyBytes(out, key, base64);
        if (base64) {
            out.writeBytes(BASE64_MARK);
        }
    }

    /** The start of {@code me}'s reply: {@code "ME <key> "}. */
    public void debugStart(ByteBuf out, Key key, boolean base64) {
        out.writeBytes(ME);
        keyBytes(out, key, base64);
        out.writeByte(' ');
    }

    private static void keyBytes(ByteBuf out, Key key, boolean base64) {
        if (base64) {
            byte[] raw = new byte[key.length()];
            System.arraycopy(key.array(), key.offset(), raw, 0, raw.length);
            out.writeBytes(Base64.getEncoder().encode(raw));
        } else {
            out.writeBytes(key.array(), key.offset(), key.length());
        }
    }

    public void unsigned(ByteBuf out, long unsigned) {
        out.writeBytes(digits, 0, Decimal.write(unsigned, digits, 0));
    }

    public static void end(ByteBuf out) {
        out.writeBytes(TextReplies.CRLF);
    }
}
