package org.ratmemcache.core.engine;

/**
 * How a command uses its key's current item, which decides how {@link KeyLocks} runs it and how
 * {@link Versions} looks the item up.
 */
enum Access {

    /** Reads the item (get, a plain mg): counts an expired or flushed item it meets; goes on while the disk fails. */
    FETCH(true, false, true),

    /** Reads and changes the item (gat, mg with T, N or R). */
    FETCH_AND_CHANGE(true, true, true),

    /** Changes the item, from its current version (touch, delete, incr, add, append, cas...). */
    CHANGE(false, true, true),

    /**
     * Replaces the item whatever it was (set): memory need not know the current version, so a key
     * memory does not hold is not looked for on disk, unless a command on it already waits there.
     */
    OVERWRITE(false, true, false),

    /** Looks at the item without counting or changing anything (me). */
    PEEK(false, false, true);

    /**
     * An expired or flushed item met counts as get_expired or get_flushed, as a memcached fetch;
     * and the read counts for the eviction policy.
     */
    final boolean countsExpired;
    /** Refused while the disk tier cannot write: a change memory alone took would leave the disk stale. */
    final boolean failsWithDisk;
    /** Needs the current version even when only the disk holds it. */
    final boolean readsDisk;

    Access(boolean countsExpired, boolean failsWithDisk, boolean readsDisk) {
        this.countsExpired = countsExpired;
        this.failsWithDisk = failsWithDisk;
        this.readsDisk = readsDisk;
    }
}
