package org.ratmemcache.protocol;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import io.netty.buffer.ByteBuf;

import org.ratmemcache.core.Item;

/**
 * Copies between a connection's buffers and item memory, with no array in between: a reply's
 * value goes from the item straight into the output buffer, a store's value from the input buffer
 * straight into the room reserved for it. Netty's buffers are seen as memory segments through
 * their own NIO view ({@link ByteBuf#internalNioBuffer}, which a pooled buffer keeps), or their
 * array when they have one.
 */
public final class ItemBytes {

    private ItemBytes() {
    }

    /** Writes the item's value, decompressed if it is stored compressed, at the end of {@code out}. */
    public static void writeValue(ByteBuf out, Item item) {
        if (item.compressed()) {
            out.writeBytes(item.value());
            return;
        }
        int length = item.storedLength();
        out.ensureWritable(length);
        int at = out.writerIndex();
        copy(item.valueMemory(), item.valueOffset(), out, at, length);
        out.writerIndex(at + length);
    }

    /** Copies {@code length} bytes of {@code from} at {@code offset} into {@code to} at {@code index}, which has the room. */
    static void copy(MemorySegment from, long offset, ByteBuf to, int index, int length) {
        if (to.hasArray()) {
            MemorySegment.copy(from, ValueLayout.JAVA_BYTE, offset, to.array(), to.arrayOffset() + index, length);
        } else if (to.nioBufferCount() == 1) {
            MemorySegment.copy(from, offset, MemorySegment.ofBuffer(to.internalNioBuffer(index, length)), 0, length);
        } else {
            to.setBytes(index, from.asSlice(offset, length).asByteBuffer());
        }
    }

    /** Copies {@code length} bytes of {@code from} at {@code index} into {@code to} at {@code offset}. */
    public static void copy(ByteBuf from, int index, MemorySegment to, long offset, int length) {
        if (from.hasArray()) {
            MemorySegment.copy(from.array(), from.arrayOffset() + index, to, ValueLayout.JAVA_BYTE, offset, length);
        } else if (from.nioBufferCount() == 1) {
            MemorySegment.copy(MemorySegment.ofBuffer(from.internalNioBuffer(index, length)), 0, to, offset, length);
        } else {
            from.getBytes(index, to.asSlice(offset, length).asByteBuffer());
        }
    }
}
