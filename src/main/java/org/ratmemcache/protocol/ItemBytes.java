package org.ratmemcache.protocol;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;

import io.netty.buffer.ByteBuf;
import io.netty.util.internal.PlatformDependent;

import org.ratmemcache.core.Item;
import org.ratmemcache.core.compress.ValueCompression;

/**
 * Copies between a connection's buffers and item memory, with no array in between: a reply's
 * value goes from the item straight into the output buffer, a store's value from the input buffer
 * straight into the room reserved for it. A direct buffer with a memory address (Netty's pooled
 * buffers, where Netty uses {@code Unsafe}) is copied to or from by address, after the bounds of
 * both sides are checked here; a heap buffer through its array; any other through an NIO view,
 * which allocates.
 */
public final class ItemBytes {

    private ItemBytes() {
    }

    /** Writes the item's value, decompressed if it is stored compressed, at the end of {@code out}. */
    public static void writeValue(ByteBuf out, Item item) {
        int length = item.valueLength();
        out.ensureWritable(length);
        int at = out.writerIndex();
        if (item.compressed()) {
            ValueCompression.decompress(item.valueMemory(), item.valueOffset(), item.storedLength(), out.nioBuffer(at, length),
                    length);
        } else {
            copy(item.valueMemory(), item.valueOffset(), out, at, length);
        }
        out.writerIndex(at + length);
    }

    /** Copies {@code length} bytes of {@code from} at {@code offset} into {@code to} at {@code index}, which has the room. */
    static void copy(MemorySegment from, long offset, ByteBuf to, int index, int length) {
        if (to.hasMemoryAddress() && from.isNative()) {
            Objects.checkFromIndexSize(offset, length, from.byteSize());
            Objects.checkFromIndexSize(index, length, to.capacity());
            PlatformDependent.copyMemory(from.address() + offset, to.memoryAddress() + index, length);
        } else if (to.hasArray()) {
            MemorySegment.copy(from, ValueLayout.JAVA_BYTE, offset, to.array(), to.arrayOffset() + index, length);
        } else if (to.nioBufferCount() == 1) {
            MemorySegment.copy(from, offset, MemorySegment.ofBuffer(to.internalNioBuffer(index, length)), 0, length);
        } else {
            to.setBytes(index, from.asSlice(offset, length).asByteBuffer());
        }
    }

    /** Copies {@code length} bytes of {@code from} at {@code index} into {@code to} at {@code offset}. */
    public static void copy(ByteBuf from, int index, MemorySegment to, long offset, int length) {
        if (from.hasMemoryAddress() && to.isNative()) {
            Objects.checkFromIndexSize(index, length, from.capacity());
            Objects.checkFromIndexSize(offset, length, to.byteSize());
            PlatformDependent.copyMemory(from.memoryAddress() + index, to.address() + offset, length);
        } else if (from.hasArray()) {
            MemorySegment.copy(from.array(), from.arrayOffset() + index, to, ValueLayout.JAVA_BYTE, offset, length);
        } else if (from.nioBufferCount() == 1) {
            MemorySegment.copy(MemorySegment.ofBuffer(from.internalNioBuffer(index, length)), 0, to, offset, length);
        } else {
            from.getBytes(index, to.asSlice(offset, length).asByteBuffer());
        }
    }
}
