package org.ratmemcache.core.memory;

import java.util.function.Supplier;

/** The eviction policies the memory tier offers, by their configuration names. */
public enum Eviction {
    /** Least recently used. */
    LRU(LruPolicy::new);

    private final Supplier<EvictionPolicy> factory;

    Eviction(Supplier<EvictionPolicy> factory) {
        this.factory = factory;
    }

    EvictionPolicy newPolicy() {
        return factory.get();
    }
}
