package org.ratmemcache.protocol.binary;

import java.nio.charset.StandardCharsets;

import io.netty.buffer.ByteBuf;

import org.ratmemcache.core.Item;
import org.ratmemcache.core.Key;
import org.ratmemcache.protocol.ItemBytes;

/**
 * Writes binary-protocol responses into a buffer, byte for byte as memcached 1.6 does: a 24-byte
 * header (magic 0x81, the request's opcode and opaque, the status, the lengths and a CAS), then
 * extras, key and value. Static and allocation-free: the bytes go straight into the buffer.
 */
public final class BinaryReplies {

    private static final byte RESPONSE_MAGIC = (byte) 0x81;
    /** Flags: the extras of a get or touch response. */
    private static final int FLAGS_EXTRAS = 4;

    private BinaryReplies() {
    }

    /** A header; the caller writes exactly {@code extras + key + value} body bytes after it. */
    public static void header(ByteBuf out, byte opcode, Status status, int extras, int key, int value, int opaque,
            long cas) {
        out.writeByte(RESPONSE_MAGIC)
                .writeByte(opcode)
                .writeShort(key)
                .writeByte(extras)
                .writeByte(0)
                .writeShort(status.code())
                .writeInt(extras + key + value)
                .writeInt(opaque)
                .writeLong(cas);
    }

    /** A success without a body, carrying {@code cas} (a store's new CAS, or 0). */
    public static void ok(ByteBuf out, BinaryRequest request, long cas) {
        header(out, request.opcode(), Status.OK, 0, 0, 0, request.opaque(), cas);
    }

    /** An error: the status and memcached's text for it as the body. */
    public static void error(ByteBuf out, BinaryRequest request, Status status) {
        byte[] message = status.message();
        header(out, request.opcode(), status, 0, 0, message.length, request.opaque(), 0);
        out.writeBytes(message);
    }

    /** GetK's miss: "not found" with the key as the body instead of a message. */
    public static void missWithKey(ByteBuf out, BinaryRequest request) {
        Key key = request.key();
        header(out, request.opcode(), Status.KEY_ENOENT, 0, key.length(), 0, request.opaque(), 0);
        out.writeBytes(key.array(), key.offset(), key.length());
    }

    /** A hit: flags, the key if asked for, and the value unless {@code value} is null (touch). */
    public static void item(ByteBuf out, BinaryRequest request, Item item, boolean withKey, boolean withValue) {
        Key key = request.key();
        int keyLength = withKey ? key.length() : 0;
        header(out, request.opcode(), Status.OK, FLAGS_EXTRAS, keyLength, withValue ? item.valueLength() : 0,
                request.opaque(), item.cas());
        out.writeInt(item.flags());
        if (withKey) {
            out.writeBytes(key.array(), key.offset(), key.length());
        }
        if (withValue) {
            ItemBytes.writeValue(out, item);
        }
    }

    /** The new value of an incr or decr, with the item's new CAS. */
    public static void number(ByteBuf out, BinaryRequest request, long value, long cas) {
        header(out, request.opcode(), Status.OK, 0, 0, Long.BYTES, request.opaque(), cas);
        out.writeLong(value);
    }

    /** A body of text: the version. */
    public static void text(ByteBuf out, BinaryRequest request, String text) {
        header(out, request.opcode(), Status.OK, 0, 0, text.length(), request.opaque(), 0);
        out.writeCharSequence(text, StandardCharsets.US_ASCII);
    }

    /** One statistic: its name as the key and its value as the value; both empty end the list. */
    public static void stat(ByteBuf out, BinaryRequest request, String name, String value) {
        header(out, request.opcode(), Status.OK, 0, name.length(), value.length(), request.opaque(), 0);
        out.writeCharSequence(name, StandardCharsets.US_ASCII);
        out.writeCharSequence(value, StandardCharsets.US_ASCII);
    }
}
