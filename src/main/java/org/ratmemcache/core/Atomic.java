package org.ratmemcache.core;

/**
 * A step that reads and changes one or more keys as one: no other command on any of its keys runs
 * between its reads and its writes, and its writes become durable together. Redis's commands that
 * read before they write (GETSET, INCRBYFLOAT, SETRANGE, RENAME, MSETNX...) and its MULTI/EXEC
 * blocks are such steps; see {@link Cache#atomically}.
 *
 * <p>A step runs under its keys' locks, on the caller's thread or, when a key must first be read
 * from disk, on a disk thread. So it must be quick, must not block, and must not keep an
 * {@link Item} it read past its return: what it answers is copied out of the items.
 */
@FunctionalInterface
public interface Atomic<T> {

    /** Reads and changes {@code keys}; its answer completes the call once its writes are durable. */
    T run(Keys keys);

    /** The step's keys, by their position in the list given to {@link Cache#atomically}. */
    interface Keys {

        /** When the step runs, in epoch milliseconds. */
        long now();

        /** Key {@code i}: a stored copy of the one given. */
        Key key(int i);

        /** Key {@code i}'s live item, as this step has left it so far; {@code null} for none. */
        Item get(int i);

        /**
         * Stores a new item under key {@code i}, with a new CAS; {@code expiresAt} already past
         * leaves the key empty. False, changing nothing, when no tier has room for it now.
         */
        default boolean put(int i, byte[] value, int flags, long expiresAt) {
            return put(i, value, flags, expiresAt, ValueForm.WHOLE);
        }

        /** {@link #put(int, byte[], int, long)}, noting how the value was made. */
        boolean put(int i, byte[] value, int flags, long expiresAt, ValueForm form);

        /** Removes key {@code i}'s item, if it has one. */
        void remove(int i);

        /**
         * Gives key {@code i}'s live item another expiry (0: never), with a new CAS; an expiry
         * already past removes it. Nothing when the key has no item.
         */
        void expire(int i, long expiresAt);
    }
}
