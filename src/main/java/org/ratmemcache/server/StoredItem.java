package org.ratmemcache.server;

import java.util.function.Consumer;

import org.ratmemcache.core.Item;

/**
 * Where a store hands the item it stored (the binary protocol replies with its CAS, meta set with
 * its CAS and size): one per connection, read by the reply of the store that set it.
 */
final class StoredItem implements Consumer<Item> {

    private Item item;

    /** Starts a store: no item until it stores. */
    StoredItem reset() {
        item = null;
        return this;
    }

    @Override
    public void accept(Item stored) {
        item = stored;
    }

    /** The stored item's CAS; 0 if nothing was stored. */
    long cas() {
        return item == null ? 0 : item.cas();
    }

    /** The stored value's length (after an append, the joined one); {@code otherwise} if nothing was stored. */
    int length(int otherwise) {
        return item == null ? otherwise : item.valueLength();
    }
}
