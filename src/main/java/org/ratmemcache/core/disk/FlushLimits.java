package org.ratmemcache.core.disk;

import java.util.Arrays;

import org.ratmemcache.core.Key;

/**
 * What the flushes have invalidated, database by database: an item of database {@code d} whose
 * version is at or below {@link #of of(d)} has been flushed. memcached's {@code flush_all} moves
 * database 0's limit, Redis's FLUSHDB one database's and FLUSHALL every one's. Immutable.
 */
public final class FlushLimits {

    /** The number of databases a key may be in. */
    public static final int DATABASES = Key.MAX_DATABASE + 1;

    /** Nothing flushed. */
    public static final FlushLimits NONE = uniform(0);

    private final long[] limits;

    private FlushLimits(long[] limits) {
        this.limits = limits;
    }

    /** The limits of databases 0, 1, ... in order; databases past the array's end take database 0's. */
    public static FlushLimits of(long... limits) {
        long[] all = new long[DATABASES];
        for (int d = 0; d < DATABASES; d++) {
            all[d] = d < limits.length ? limits[d] : limits.length == 0 ? 0 : limits[0];
        }
        return new FlushLimits(all);
    }

    /** The same limit for every database. */
    public static FlushLimits uniform(long limit) {
        long[] all = new long[DATABASES];
        Arrays.fill(all, limit);
        return new FlushLimits(all);
    }

    /** The limit of {@code database}. */
    public long of(int database) {
        return limits[database];
    }

    /** The lowest of the limits: every item at or below it is flushed, whatever its database. */
    public long lowest() {
        return Arrays.stream(limits).min().orElse(0);
    }

    /** The limits as an array, database 0 first. */
    public long[] toArray() {
        return limits.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FlushLimits other && Arrays.equals(limits, other.limits);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(limits);
    }

    @Override
    public String toString() {
        return "FlushLimits" + Arrays.toString(limits);
    }
}
