package org.ratmemcache.core;

/** The storage commands, with memcached's meaning. */
public enum StoreMode {
    /** Store unconditionally. */
    SET,
    /** Store only if the key holds no live item. */
    ADD,
    /** Store only if the key holds a live item. */
    REPLACE,
    /** Add the data after the existing value, keeping its flags and expiry. */
    APPEND,
    /** Add the data before the existing value, keeping its flags and expiry. */
    PREPEND,
    /**
     * The meta protocol's {@code ms MA N}: as {@link #APPEND}, but a miss stores the data as a new
     * item, with the flags and expiry given.
     */
    APPEND_OR_ADD,
    /** {@code ms MP N}: as {@link #PREPEND}, but a miss stores the data as a new item. */
    PREPEND_OR_ADD,
    /** Store only if the item's CAS still equals the one given. */
    CAS,
    /**
     * The meta protocol's {@code ms C I}: as {@link #CAS}, but a CAS older than the item's still
     * stores, marked stale, keeping the item's expiry and win token.
     */
    CAS_OR_STALE;

    /** Whether this mode joins the data to an existing value. */
    public boolean concatenates() {
        return switch (this) {
            case APPEND, PREPEND, APPEND_OR_ADD, PREPEND_OR_ADD -> true;
            case SET, ADD, REPLACE, CAS, CAS_OR_STALE -> false;
        };
    }
}
