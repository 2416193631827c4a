package org.ratmemcache.protocol;

import io.netty.buffer.ByteBuf;

/**
 * The bytes of a value whose length a request announced, taken from a connection's input as they
 * arrive, in one of three ways:
 * <ul>
 *   <li>whole: nothing is copied until the whole value is in the input; then the request points
 *       at it there, and the server copies it once, into item memory;</li>
 *   <li>streamed: a long value is copied into the room its {@link ValueTarget} took, as it
 *       arrives, so that the input never holds more than a read's worth of it;</li>
 *   <li>discarded: a value refused for its size is skipped as it arrives, never buffered.</li>
 * </ul>
 * No value passes through an array on the heap. Not thread-safe: one per connection's parser.
 */
public final class ValueReader {

    private final ValueTarget target;
    private int length;
    private int filled;
    private boolean streamed;
    private long toDiscard;

    public ValueReader(ValueTarget target) {
        this.target = target;
    }

    /** Starts a value of {@code length} bytes to keep: streamed if the target takes it, else read whole. */
    public void keep(int length) {
        this.length = length;
        this.filled = 0;
        this.streamed = target.open(length);
    }

    /** Starts {@code bytes} bytes to discard. */
    public void discard(long bytes) {
        this.toDiscard = bytes;
    }

    /** Whether the value kept goes to the target rather than waiting in the input. */
    public boolean streamed() {
        return streamed;
    }

    public int length() {
        return length;
    }

    /**
     * Whether all of the value kept has arrived: streamed, the bytes at hand are copied to the
     * target and consumed; whole, the input must hold the value (not consumed: the caller takes it).
     */
    public boolean read(ByteBuf in) {
        if (!streamed) {
            return in.readableBytes() >= length;
        }
        int chunk = Math.min(in.readableBytes(), length - filled);
        if (chunk > 0) {
            target.write(in, in.readerIndex(), filled, chunk);
            in.skipBytes(chunk);
            filled += chunk;
        }
        return filled == length;
    }

    /** Gives up a streamed value's room: its request was refused, or the connection closes. */
    public void abandon() {
        if (streamed) {
            streamed = false;
            target.abandon();
        }
    }

    /** Discards what has arrived of the bytes to discard; returns whether all of them have. */
    public boolean skip(ByteBuf in) {
        int skip = (int) Math.min(in.readableBytes(), toDiscard);
        in.skipBytes(skip);
        toDiscard -= skip;
        return toDiscard == 0;
    }
}
