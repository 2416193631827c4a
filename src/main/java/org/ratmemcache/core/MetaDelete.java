package org.ratmemcache.core;

/**
 * One meta-protocol delete ({@code md}) as the cache executes it. With neither option it removes
 * the item. {@code invalidate} ({@code I}) keeps the value but marks it stale under a new CAS, with
 * its win token back for the taking. {@code dropValue} ({@code x}) replaces the item with an empty
 * value, with {@code flags} and {@code expiresAt}, keeping its CAS unless {@code newCas} is given:
 * with {@code invalidate} too, what is left is a stale tombstone.
 *
 * @param cas        act only if the item's CAS is this; 0 for any
 * @param invalidate mark the item stale instead of removing it ({@code I})
 * @param dropValue  empty the value instead of removing the item ({@code x})
 * @param flags      the client flags of the emptied item ({@code F}, 0 by default)
 * @param expiresAt  the new expiry ({@code T}), or {@link Expiry#UNCHANGED}: an invalidated item
 *                   keeps its own, an emptied one never expires, as in memcached
 * @param newCas     the CAS of what is left ({@code E}), or {@link Cache#NEXT_CAS}
 */
public record MetaDelete(long cas, boolean invalidate, boolean dropValue, int flags, long expiresAt, long newCas) {

    /** A plain delete, bound to {@code cas} unless it is 0. */
    public static MetaDelete remove(long cas) {
        return new MetaDelete(cas, false, false, 0, Expiry.UNCHANGED, Cache.NEXT_CAS);
    }

    /** Whether the item stays, in some form. */
    public boolean keepsItem() {
        return invalidate || dropValue;
    }
}
