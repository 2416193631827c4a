package org.ratmemcache.protocol.text;

import java.nio.charset.StandardCharsets;

import org.ratmemcache.core.Key;
import org.ratmemcache.protocol.RequestValue;
import org.ratmemcache.core.StoreMode;

/**
 * One parsed text request. A connection reuses a single instance for all its requests, so parsing
 * allocates nothing but the value of a storage command: keys are views into the parser's line
 * buffer, valid until the next request is parsed.
 */
public final class TextRequest {

    TextCommand command;
    boolean noreply;
    TextError error;
    StoreMode storeMode;
    /** gets/gats: reply with the CAS. */
    boolean withCas;
    /** gat/gats: touch each item. */
    boolean touch;
    /** incr rather than decr. */
    boolean increment;
    int flags;
    /** A memcached exptime (storage, touch, gat) or delay (flush_all), as sent. */
    long exptime;
    /** flush_all was given a delay. */
    boolean hasDelay;
    long cas;
    long delta;
    long verbosity;
    /** A storage command's data block. */
    final RequestValue value = new RequestValue();

    // Tokens of the request line, as spans of `line`.
    byte[] line;
    int[] starts;
    int[] ends;
    int tokenCount;
    /** Index of the first key token. */
    int firstKey;

    /** A meta command's flags. */
    final MetaFlags meta = new MetaFlags();

    private final Key key = Key.lookup();

    TextRequest() {
    }

    void reset() {
        command = null;
        noreply = false;
        error = null;
        storeMode = null;
        withCas = false;
        touch = false;
        increment = false;
        flags = 0;
        exptime = 0;
        hasDelay = false;
        cas = 0;
        delta = 0;
        value.clear();
        firstKey = 1;
        meta.reset();
    }

    public TextCommand command() {
        return command;
    }

    /** The client asked for no reply; memcached then suppresses errors too. */
    public boolean noreply() {
        return noreply;
    }

    public TextError error() {
        return error;
    }

    public StoreMode storeMode() {
        return storeMode;
    }

    public boolean withCas() {
        return withCas;
    }

    public boolean touch() {
        return touch;
    }

    public boolean increment() {
        return increment;
    }

    public int flags() {
        return flags;
    }

    public long exptime() {
        return exptime;
    }

    public boolean hasDelay() {
        return hasDelay;
    }

    public long cas() {
        return cas;
    }

    public long delta() {
        return delta;
    }

    public long verbosity() {
        return verbosity;
    }

    /** The data block of a storage command: in the input, or streamed into the connection's room for it. */
    public RequestValue value() {
        return value;
    }

    /** The request's key (the first, for a retrieval; decoded, for a meta command's base64 key). */
    public Key key() {
        return meta.base64 ? meta.key(key, this) : key(0);
    }

    /** A meta command's flags. */
    public MetaFlags meta() {
        return meta;
    }

    /** The {@code t}-th token of the request line, the command being token 0: a meta reply echoes some. */
    public int tokenStart(int t) {
        return starts[t];
    }

    public int tokenEnd(int t) {
        return ends[t];
    }

    /** The request line's bytes; tokens are spans of it. */
    public byte[] line() {
        return line;
    }

    /** The number of tokens, the command included. */
    public int tokenCount() {
        return tokenCount;
    }

    /** How many keys a retrieval names. */
    public int keyCount() {
        return tokenCount - firstKey;
    }

    /** The {@code i}-th key, as a lookup key over the line buffer; the same instance every call. */
    public Key key(int i) {
        int t = firstKey + i;
        return key.set(line, starts[t], ends[t] - starts[t]);
    }

    /** Tokens after the command name, for admin commands. */
    public int argumentCount() {
        return tokenCount - 1;
    }

    /** The {@code i}-th token after the command name, as text: for rare admin commands only. */
    public String argument(int i) {
        int t = 1 + i;
        return new String(line, starts[t], ends[t] - starts[t], StandardCharsets.ISO_8859_1);
    }
}
