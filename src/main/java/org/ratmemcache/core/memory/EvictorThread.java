package org.ratmemcache.core.memory;

/**
 * Which thread evicts when a bound is passed. A writer that finds no room at all helps in every
 * case; what differs is who keeps the tier within its bounds the rest of the time.
 */
public enum EvictorThread {
    /** Its own ({@code ratmemcache-evictor}), signalled by the writers, which never wait for it: the server's. */
    OWN,
    /** The writer that passed the bound, at once: one thread replaying a trace sees the same evictions in every run. */
    WRITER,
    /**
     * Whoever calls {@link MemoryTier#evictNow}: between requests, so that which items stay does
     * not depend on the scheduler; for tests that pin it while a server's threads run.
     */
    CALLER
}
