package org.ratmemcache.core;

/**
 * memcached's expiry rules, turned into absolute times in epoch milliseconds.
 *
 * <p>An {@code exptime} of 0 means never; 1 to 30 days' worth of seconds is relative to now; a
 * larger value is an absolute Unix time; a negative value means already expired (Folsom deletes
 * with CAS by storing with {@code -1}).
 */
public final class Expiry {

    /** The {@code expiresAt} of an item that never expires. */
    public static final long NEVER = 0;

    /** An {@code expiresAt} that lies in the past whatever the clock says. */
    public static final long ALREADY = 1;

    /** An {@code expiresAt} argument that leaves an item's expiry as it is. */
    public static final long UNCHANGED = Long.MIN_VALUE;

    /** memcached's {@code REALTIME_MAXDELTA}: larger exptimes are absolute Unix times. */
    public static final long MAX_RELATIVE_SECONDS = 60L * 60 * 24 * 30;

    private Expiry() {
    }

    /** The absolute expiry of a memcached {@code exptime} received at {@code nowMillis}. */
    public static long fromExptime(long exptime, long nowMillis) {
        if (exptime == 0) {
            return NEVER;
        }
        if (exptime < 0) {
            return ALREADY;
        }
        if (exptime <= MAX_RELATIVE_SECONDS) {
            return nowMillis + exptime * 1000;
        }
        // an absolute time past the year 292 million cannot be held in milliseconds: as good as never
        return exptime > Long.MAX_VALUE / 1000 ? Long.MAX_VALUE : exptime * 1000;
    }

    /** Whether an item with this {@code expiresAt} has expired at {@code nowMillis}. */
    public static boolean isExpired(long expiresAt, long nowMillis) {
        return expiresAt != NEVER && expiresAt <= nowMillis;
    }
}
