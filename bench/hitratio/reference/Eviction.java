package hitratio.reference;

import java.util.function.Supplier;

/** The eviction policies the memory tier offers, by their configuration names. */
public enum Eviction {
    /** Least recently used. */
    LRU(LruPolicy::new),
    /** Least frequently used, with aging: counts are halved as reads go by. */
    LFU(LfuPolicy::new),
    /** First in, first out: reads do not matter. */
    FIFO(FifoPolicy::new),
    /** W-TinyLFU with an adaptive window, Caffeine's policy: recency and frequency, each where it pays. */
    HYBRID(WTinyLfuPolicy::new);

    private final Supplier<EvictionPolicy> factory;

    Eviction(Supplier<EvictionPolicy> factory) {
        this.factory = factory;
    }

    EvictionPolicy newPolicy() {
        return factory.get();
    }
}
