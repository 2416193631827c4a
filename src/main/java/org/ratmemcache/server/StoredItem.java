package org.ratmemcache.server;

import java.util.function.Consumer;

import org.ratmemcache.core.Item;

/**
 * Where a store hands the item it stored (the binary protocol replies with its CAS, meta set with
 * its CAS and size): one per connection, read by the reply of the store that set it.
 */
final class StoredItem implements Consumer<Item> {

    private boolean stored;
    private long cas;
    private int length;

    /** Starts a store: no item until it stores. */
    StoredItem reset() {
        stored = false;
        return this;
    }

    /** Takes what the reply needs at once: the item is a view of memory, good only for now. */
    @Override
    public void accept(Item item) {
        stored = true;
        cas = item.cas();
        length = item.valueLength();
    }

    /** The stored item's CAS; 0 if nothing was stored. */
    long cas() {
        return stored ? cas : 0;
    }

    /** The stored value's length (after an append, the joined one); {@code otherwise} if nothing was stored. */
    int length(int otherwise) {
        return stored ? length : otherwise;
    }
}
