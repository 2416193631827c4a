package org.ratmemcache.protocol.binary;

import org.ratmemcache.core.Key;
import org.ratmemcache.protocol.RequestValue;
import org.ratmemcache.core.StoreMode;

/**
 * One parsed binary request. A connection reuses a single instance; its key is a view into the
 * parser's key buffer, valid until the next request is parsed.
 */
public final class BinaryRequest {

    /** The opcode as sent (replies echo it). */
    byte opcode;
    /** The loud opcode: a quiet one's counterpart. */
    byte command;
    boolean quiet;
    int keyLength;
    int opaque;
    long cas;
    int flags;
    /**
     * The 32-bit extra, unsigned: the expiration of a store, incr, touch, gat or flush (for flush,
     * {@code hasExpiration} says whether it was sent), or the level of verbosity.
     */
    long expiration;
    boolean hasExpiration;
    long delta;
    long initial;
    /** A store's or a SASL step's value. */
    final RequestValue value = new RequestValue();
    /** An error to answer with instead of executing; null for none. */
    Status error;
    /** The request was refused for its size: a set also removes the key's old value. */
    StoreMode refusedStore;
    /** A protocol error: answer, then close. */
    boolean closeAfterReply;
    /** The key for a stat group, as text (rare). */
    String statGroup;

    final byte[] keyBytes = new byte[Key.MAX_LENGTH];
    private final Key key = Key.lookup();

    BinaryRequest() {
    }

    void reset() {
        error = null;
        refusedStore = null;
        closeAfterReply = false;
        value.clear();
        flags = 0;
        expiration = 0;
        hasExpiration = false;
        delta = 0;
        initial = 0;
        statGroup = null;
    }

    public byte opcode() {
        return opcode;
    }

    public byte command() {
        return command;
    }

    /** A quiet variant: success replies are suppressed (not a get's hit), errors are not. */
    public boolean quiet() {
        return quiet;
    }

    public int opaque() {
        return opaque;
    }

    public long cas() {
        return cas;
    }

    public int flags() {
        return flags;
    }

    public long expiration() {
        return expiration;
    }

    public long verbosity() {
        return expiration;
    }

    public boolean hasExpiration() {
        return hasExpiration;
    }

    public long delta() {
        return delta;
    }

    public long initial() {
        return initial;
    }

    /** The value that followed the key: in the input, or streamed into the connection's room for it. */
    public RequestValue value() {
        return value;
    }

    public Status error() {
        return error;
    }

    public StoreMode refusedStore() {
        return refusedStore;
    }

    public boolean closeAfterReply() {
        return closeAfterReply;
    }

    public String statGroup() {
        return statGroup;
    }

    public int keyLength() {
        return keyLength;
    }

    /** The key, as a lookup key over the parser's buffer; the same instance every call. */
    public Key key() {
        return key.set(keyBytes, 0, keyLength);
    }
}
