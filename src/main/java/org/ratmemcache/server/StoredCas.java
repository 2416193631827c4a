package org.ratmemcache.server;

import java.util.function.LongConsumer;

/**
 * Where a store hands its new item's CAS (the binary protocol and meta set reply with it): one
 * per connection, read by the reply of the store that set it.
 */
final class StoredCas implements LongConsumer {

    private long cas;

    /** Starts a store: no CAS until it stores. */
    StoredCas reset() {
        cas = 0;
        return this;
    }

    @Override
    public void accept(long value) {
        cas = value;
    }

    long value() {
        return cas;
    }
}
