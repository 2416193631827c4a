package org.ratmemcache.protocol;

import io.netty.buffer.ByteBuf;

/**
 * A store request's value as its parser found it: whole in the connection's input (at
 * {@link #index} of {@link #input}, good until the next request is parsed), or already
 * {@link #streamed} into the room the connection's {@link ValueTarget} took.
 */
public final class RequestValue {

    private ByteBuf input;
    private int index;
    private int length;
    private boolean streamed;

    public void whole(ByteBuf input, int index, int length) {
        this.input = input;
        this.index = index;
        this.length = length;
        this.streamed = false;
    }

    public void streamed(int length) {
        this.input = null;
        this.length = length;
        this.streamed = true;
    }

    public void clear() {
        input = null;
        length = 0;
        streamed = false;
    }

    public int length() {
        return length;
    }

    /** Whether the value went into the target's room as it arrived; else it is in {@link #input}. */
    public boolean streamed() {
        return streamed;
    }

    /** The connection's input holding the value, when it is not streamed. */
    public ByteBuf input() {
        return input;
    }

    /** Where the value starts in {@link #input}. */
    public int index() {
        return index;
    }

    /** The value copied into an array: for the rare reader that needs one (authentication); not for a streamed value. */
    public byte[] toArray() {
        if (streamed) {
            throw new IllegalStateException("a streamed value is in item memory already");
        }
        byte[] bytes = new byte[length];
        if (input != null) {
            input.getBytes(index, bytes);
        }
        return bytes;
    }
}
