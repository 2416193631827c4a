package org.ratmemcache.core;

/** The outcome of a store, one constant for each memcached reply. */
public enum StoreResult {
    STORED,
    /** The condition of add, replace, append or prepend did not hold. */
    NOT_STORED,
    /** The CAS did not match: the item changed since it was read. */
    EXISTS,
    /** A CAS store found no item. */
    NOT_FOUND,
    /** The item is larger than the item size limit. */
    TOO_LARGE,
    /** The item is larger than the whole memory budget. */
    NO_MEMORY
}
