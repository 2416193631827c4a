package org.ratmemcache.server;

/**
 * Where connections report how long each command took, from the start of its execution to its
 * reply being written (a wait for the disk tier included). Called on event loops, once per
 * command: an implementation must not block or allocate.
 */
@FunctionalInterface
public interface CommandLatency {

    /** Records nothing, and tells connections not to read the clock for it. */
    CommandLatency NONE = (protocol, nanos) -> {
    };

    /** The protocols latencies are reported for. */
    enum Protocol {
        /** The text protocol and the meta commands on the same connection. */
        TEXT,
        BINARY,
        /** Redis's protocol, RESP2 or RESP3. */
        RESP
    }

    void record(Protocol protocol, long nanos);
}
