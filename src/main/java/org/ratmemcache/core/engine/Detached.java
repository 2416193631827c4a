package org.ratmemcache.core.engine;

import org.ratmemcache.core.DeltaResult;
import org.ratmemcache.core.Item;
import org.ratmemcache.core.Lookup;
import org.ratmemcache.core.MetaGet;
import org.ratmemcache.core.memory.ItemView;

/**
 * Copies of answers whose items are views of memory, for callers that read them after leaving
 * the memory's epoch: a disk thread's answer, a write-through write's, a caller that was not
 * protected. An answer whose items are already on the heap is returned as it is.
 */
final class Detached {

    private Detached() {
    }

    static Item item(Item item) {
        return item instanceof ItemView view ? view.detach() : item;
    }

    static Lookup lookup(Lookup lookup) {
        return lookup instanceof Item item ? item(item) : lookup;
    }

    static MetaGet.Result metaGet(MetaGet.Result result) {
        return result instanceof MetaGet.Hit hit && hit.item() instanceof ItemView
                ? new MetaGet.Hit(item(hit.item()), hit.created(), hit.won(), hit.winTokenSentBefore(), hit.fetchedBefore(),
                        hit.accessedBefore(), hit.expiresBefore())
                : result;
    }

    /** An applied delta is always copied: the engine reuses one answer per thread. */
    static DeltaResult delta(DeltaResult result) {
        return result instanceof DeltaResult.Applied applied
                ? new DeltaResult.Applied(applied.value(), item(applied.item()), applied.created(), applied.expiresBefore())
                : result;
    }
}
