package org.ratmemcache.protocol.resp;

/** The protocol a connection speaks, as {@code HELLO} chose it: RESP2 until then. */
public enum RespVersion {
    RESP2,
    RESP3;

    /** The number {@code HELLO} and {@code CLIENT INFO} give it. */
    public int number() {
        return this == RESP2 ? 2 : 3;
    }
}
