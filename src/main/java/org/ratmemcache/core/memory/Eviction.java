package org.ratmemcache.core.memory;

/**
 * The eviction policies the memory tier offers, by their configuration names; each is an
 * {@link EvictionPolicy} on blocks of items.
 */
public enum Eviction {
    /** Least recently used, as CLOCK: an item read since it last came up is kept once more. */
    LRU,
    /** Least frequently used, with aging: new items in probation, a use count that falls by one each time an item comes up. */
    LFU,
    /** First in, first out: reads do not matter. */
    FIFO,
    /** S3-FIFO: new items in a small queue, those read again in a main one; scan-resistant. */
    HYBRID
}
