package org.ratmemcache.core;

/**
 * How many live keys a database holds (Redis's DBSIZE), and how many of them have an expiry
 * ({@code INFO keyspace}'s {@code expires}).
 */
public record DatabaseSize(long keys, long expiring) {

    public static final DatabaseSize EMPTY = new DatabaseSize(0, 0);

    public DatabaseSize plus(long keys, long expiring) {
        return new DatabaseSize(this.keys + keys, this.expiring + expiring);
    }
}
