package org.ratmemcache.core.disk;

import org.ratmemcache.core.Item;
import org.ratmemcache.core.Key;
import org.ratmemcache.core.ValueForm;

/**
 * An item as a disk tier returns it, with the read history, meta marks and value form that survive
 * a restart. {@code version} is its place in the order of stores ({@link Item#version()}),
 * {@code cas} the CAS clients see; the two differ only when a client chose the CAS.
 */
public record DiskItem(Key key, byte[] value, int flags, long expiresAt, long cas, long accessedAt, boolean fetched,
        boolean stale, boolean winTokenSent, long version, ValueForm form) implements Item {

    /** An item with its meta marks, its value stored whole. */
    public DiskItem(Key key, byte[] value, int flags, long expiresAt, long cas, long accessedAt, boolean fetched,
            boolean stale, boolean winTokenSent, long version) {
        this(key, value, flags, expiresAt, cas, accessedAt, fetched, stale, winTokenSent, version, ValueForm.WHOLE);
    }

    /** An item whose CAS the cache chose, with its meta marks. */
    public DiskItem(Key key, byte[] value, int flags, long expiresAt, long cas, long accessedAt, boolean fetched,
            boolean stale, boolean winTokenSent) {
        this(key, value, flags, expiresAt, cas, accessedAt, fetched, stale, winTokenSent, cas);
    }

    /** An item whose CAS the cache chose, without meta marks. */
    public DiskItem(Key key, byte[] value, int flags, long expiresAt, long cas, long accessedAt, boolean fetched) {
        this(key, value, flags, expiresAt, cas, accessedAt, fetched, false, false);
    }
}
