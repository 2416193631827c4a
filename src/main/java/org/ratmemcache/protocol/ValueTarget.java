package org.ratmemcache.protocol;

import io.netty.buffer.ByteBuf;

/**
 * Where a store's value goes when it is too long to wait for whole in the connection's input: a
 * server takes room for it in item memory as the command line arrives, and the parser copies the
 * value in as it comes. Implemented by the connection; the parser calls it with the request's
 * command line parsed (its key, flags and expiry known).
 */
public interface ValueTarget {

    /** Never takes a value: every value is read whole from the input. */
    ValueTarget NONE = new ValueTarget() {
        @Override
        public boolean open(int length) {
            return false;
        }

        @Override
        public void write(ByteBuf in, int index, int offset, int length) {
            throw new IllegalStateException("no value was opened");
        }

        @Override
        public void abandon() {
        }
    };

    /**
     * Takes room for a value of {@code length} bytes that is to be copied in as it arrives; false
     * to have the parser wait until the whole value is in the input and hand it over there.
     */
    boolean open(int length);

    /** Copies {@code length} bytes of {@code in} at {@code index} into the value, at its byte {@code offset}. */
    void write(ByteBuf in, int index, int offset, int length);

    /** Gives up the room taken: the request was refused after all, or the connection closed. */
    void abandon();
}
