package org.ratmemcache.protocol;

/** What one call of a protocol's parser produced from a connection's input. */
public enum Parsed {
    /** The input holds no complete request yet. */
    NEED_MORE,
    /** A request is ready in the parser's request object. */
    REQUEST,
    /** The client broke the protocol beyond repair: close the connection. */
    CLOSE
}
