package org.ratmemcache.protocol;

import io.netty.buffer.ByteBuf;

/**
 * The bytes of a value whose length a request announced, taken from a connection's input as they
 * arrive: kept in an array, or discarded (a value refused for its size). The array grows with the
 * bytes received, to twice what has arrived and at most the announced length, so a request that
 * announces a large value costs nothing until the value comes. Discarding buffers nothing.
 *
 * <p>Not thread-safe: one per connection's parser.
 */
public final class ValueReader {

    /** The first array of a value that has not fully arrived holds at most this many bytes. */
    static final int INITIAL_CAPACITY = 16 * 1024;

    private byte[] value;
    private int length;
    private int filled;
    private long toDiscard;

    /** Starts a value of {@code length} bytes to keep. */
    public void keep(int length) {
        this.length = length;
        this.filled = 0;
        this.value = null;
    }

    /** Starts {@code bytes} bytes to discard. */
    public void discard(long bytes) {
        this.toDiscard = bytes;
    }

    /** Copies what has arrived of the value kept; returns whether all of it has. */
    public boolean read(ByteBuf in) {
        int chunk = Math.min(in.readableBytes(), length - filled);
        if (value == null || value.length < filled + chunk) {
            if (chunk == 0 && length > 0) {
                return false; // not a byte of the value yet: allocate nothing
            }
            grow(filled + chunk);
        }
        in.readBytes(value, filled, chunk);
        filled += chunk;
        return filled == length;
    }

    /** Discards what has arrived of the bytes to discard; returns whether all of them have. */
    public boolean skip(ByteBuf in) {
        int skip = (int) Math.min(in.readableBytes(), toDiscard);
        in.skipBytes(skip);
        toDiscard -= skip;
        return toDiscard == 0;
    }

    /** The array of the value kept: whole once {@link #read} said so, else partly filled. */
    public byte[] value() {
        return value;
    }

    /** Exactly the value's length once the bytes at hand reach it, else twice what has arrived. */
    private void grow(int needed) {
        int capacity = needed == length ? length : (int) Math.min(length, Math.max(INITIAL_CAPACITY, 2L * needed));
        byte[] grown = new byte[capacity];
        if (value != null) {
            System.arraycopy(value, 0, grown, 0, filled);
        }
        value = grown;
    }
}
