package org.ratmemcache.core;

/**
 * An incr or decr with every option the binary and meta protocols have.
 *
 * @param direction       incr or decr
 * @param delta           the amount, an unsigned 64-bit number
 * @param cas             apply only if the item's CAS is this; 0 for any
 * @param initial         on a miss, create the item with this value, unless
 * @param createExpiresAt is {@link #NO_CREATE}; else the created item's expiry
 * @param newExpiresAt    the expiry an existing item gets, or {@link Expiry#UNCHANGED}
 * @param newCas          the CAS the changed or created item gets ({@code E}), or
 *                        {@link Cache#NEXT_CAS}
 */
public record Arithmetic(Direction direction, long delta, long cas, long initial, long createExpiresAt, long newExpiresAt,
        long newCas) {

    /** A {@code createExpiresAt} that leaves a missing key missing. */
    public static final long NO_CREATE = Long.MIN_VALUE;

    /** incr adds, wrapping at 2^64; decr subtracts, stopping at 0. */
    public enum Direction {
        INCR,
        DECR
    }

    /** Plain incr or decr, as the text protocol has them. */
    public static Arithmetic of(Direction direction, long delta) {
        return new Arithmetic(direction, delta, 0, 0, NO_CREATE, Expiry.UNCHANGED, Cache.NEXT_CAS);
    }

    public boolean creates() {
        return createExpiresAt != NO_CREATE;
    }

    /** The number after applying this to {@code before}. */
    public long applyTo(long before) {
        return switch (direction) {
            case INCR -> before + delta;
            case DECR -> Long.compareUnsigned(delta, before) > 0 ? 0 : before - delta;
        };
    }
}
