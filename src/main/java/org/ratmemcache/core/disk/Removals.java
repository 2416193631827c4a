package org.ratmemcache.core.disk;

import org.ratmemcache.core.Key;

/**
 * The cache's say in the records a disk tier removes on its own (expired, flushed, evicted): the
 * cache knows what the disk holds for a key it keeps in memory, and must not be wrong about it.
 */
public interface Removals {

    /** Lets every removal go: for a tier used without a cache in front. */
    Removals ANY = new Removals() {
        @Override
        public boolean mayRemove(Key key, long version) {
            return true;
        }

        @Override
        public void removed(boolean written) {
        }
    };

    /**
     * Before the tier removes its record of {@code key}, of this version: false when it must keep
     * it, because a change of the key is on its way (which replaces or removes it anyway).
     */
    boolean mayRemove(Key key, long version);

    /** After the removals agreed since the last call were written, or ({@code written} false) were not. */
    void removed(boolean written);
}
