package org.ratmemcache.core;

/** An item as a disk tier returns it, with the read history that survives a restart. */
public record DiskItem(Key key, byte[] value, int flags, long expiresAt, long cas, long accessedAt, boolean fetched)
        implements Item {
}
