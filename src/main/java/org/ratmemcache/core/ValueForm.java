package org.ratmemcache.core;

/**
 * How an item's value was made, as far as Redis's {@code OBJECT ENCODING} tells values apart;
 * memcached's protocols never look at it. It is kept with the item in memory and on disk, and a
 * rewrite that keeps the value (a new expiry, a meta mark, COPY, RENAME, MOVE) keeps it too, so the
 * answer does not depend on where the item is.
 */
public enum ValueForm {
    /** Stored whole (SET and its kin, every memcached write): Redis encodes it by its bytes. */
    WHOLE,
    /** The text of a computed number (INCRBYFLOAT): a string even when it reads as an integer. */
    NUMBER_TEXT,
    /** Changed in place (APPEND to a value, SETRANGE): Redis holds such a string raw. */
    EDITED;

    private static final ValueForm[] ALL = values();

    /** The form whose {@link #ordinal} is {@code ordinal}. */
    public static ValueForm of(int ordinal) {
        return ALL[ordinal];
    }
}
