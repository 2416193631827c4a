package org.ratmemcache.core.engine;

import java.util.function.Consumer;

import org.ratmemcache.core.Item;

/**
 * Where the memory tier's evictions of live items are told, for memcached's {@code watch
 * evictions}. Called under the tier's eviction lock: a listener must be quick. None by default.
 */
final class EvictionHook implements Consumer<Item> {

    private static final Consumer<Item> NONE = item -> { };

    private volatile Consumer<? super Item> listener = NONE;

    void set(Consumer<? super Item> newListener) {
        listener = newListener == null ? NONE : newListener;
    }

    @Override
    public void accept(Item evicted) {
        listener.accept(evicted);
    }
}
