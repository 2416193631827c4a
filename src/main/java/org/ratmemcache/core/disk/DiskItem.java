package org.ratmemcache.core.disk;

import org.ratmemcache.core.Item;
import org.ratmemcache.core.Key;

/** An item as a disk tier returns it, with the read history and meta marks that survive a restart. */
public record DiskItem(Key key, byte[] value, int flags, long expiresAt, long cas, long accessedAt, boolean fetched,
        boolean stale, boolean winTokenSent) implements Item {

    /** An item without meta marks. */
    public DiskItem(Key key, byte[] value, int flags, long expiresAt, long cas, long accessedAt, boolean fetched) {
        this(key, value, flags, expiresAt, cas, accessedAt, fetched, false, false);
    }
}
