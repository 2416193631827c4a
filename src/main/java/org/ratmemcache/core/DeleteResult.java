package org.ratmemcache.core;

/** The outcome of a delete or an invalidation. */
public enum DeleteResult {
    /** Deleted (or marked stale). */
    DELETED,
    /** No live item under the key. */
    NOT_FOUND,
    /** The CAS given did not match the item's. */
    EXISTS
}
