package org.ratmemcache.core.disk;

import org.ratmemcache.core.Item;

/**
 * What the disk holds for a key just before a write of it, as far as the cache knows without
 * asking the disk. The disk keeps exact totals and indexes, so a write must take out whatever it
 * replaces: when the cache knows what that is, the disk need not read it first.
 */
public sealed interface Prior {

    /** The cache does not know: the disk looks (its Bloom filters rule out most keys it never had). */
    Prior UNKNOWN = new Unknown();
    /** The disk holds no record of the key. */
    Prior NONE = new None();

    record Unknown() implements Prior {
    }

    record None() implements Prior {
    }

    /**
     * The disk holds the record written from an item of this version and shape: its version and
     * expiry (its index entries) and its lengths (the bytes it takes).
     */
    record Held(long version, long expiresAt, int valueLength, int storedLength, boolean compressed, boolean chosenCas)
            implements Prior {

        /** The record written from {@code item}. */
        public static Held of(Item item) {
            return new Held(item.version(), item.expiresAt(), item.valueLength(), item.storedLength(), item.compressed(),
                    item.cas() != item.version());
        }
    }
}
