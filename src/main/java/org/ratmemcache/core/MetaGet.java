package org.ratmemcache.core;

/**
 * One meta-protocol read ({@code mg}) as the cache executes it: the options going in, and what
 * happened coming out. A connection reuses one instance, so a read allocates nothing for its
 * answer; the outcome is valid once {@link Cache#metaGet}'s future has completed, until the next
 * {@link #reset}.
 *
 * <h2>Stale-while-revalidate</h2>
 * An item whose value needs recaching is <em>stale</em> (invalidated by {@code md I} or
 * {@code ms I}), about to expire (its remaining time is below the {@linkplain #recacheBelow
 * recache threshold}), or missing and {@linkplain #vivify vivified}. The first reader of such an
 * item <em>wins</em>: it is told to recache, and the item remembers that its win token has been
 * handed out, so that every later reader is told someone else is on it. The token is part of the
 * item, in memory and on disk, so a restart or a trip through the disk tier hands out no second
 * win.
 */
public final class MetaGet {

    /** A time argument that is not given. */
    public static final long NONE = Long.MIN_VALUE;

    boolean bump;
    long touchExpiresAt;
    boolean touchBeforeRecache;
    long vivifyExpiresAt;
    long recacheBelow;

    Item item;
    boolean created;
    boolean won;
    boolean winTokenSentBefore;
    boolean fetchedBefore;
    long accessedBefore;
    long expiresBefore;

    /** Starts a new read: a plain one that bumps the item, until the other options say more. */
    public MetaGet reset() {
        bump = true;
        touchExpiresAt = NONE;
        touchBeforeRecache = false;
        vivifyExpiresAt = NONE;
        recacheBelow = NONE;
        item = null;
        created = false;
        won = false;
        winTokenSentBefore = false;
        fetchedBefore = false;
        accessedBefore = 0;
        expiresBefore = Expiry.NEVER;
        return this;
    }

    /** Without a bump, the read leaves the item's place in the eviction order and its read history alone. */
    public MetaGet bump(boolean bump) {
        this.bump = bump;
        return this;
    }

    /**
     * Sets a hit's expiry ({@code T}); {@code beforeRecache} if the recache check sees the new
     * expiry rather than the old one (memcached applies the flags in the order given).
     */
    public MetaGet touch(long expiresAt, boolean beforeRecache) {
        this.touchExpiresAt = expiresAt;
        this.touchBeforeRecache = beforeRecache;
        return this;
    }

    /** On a miss, creates an empty item expiring at {@code expiresAt}, and wins ({@code N}). */
    public MetaGet vivify(long expiresAt) {
        this.vivifyExpiresAt = expiresAt;
        return this;
    }

    /** Wins if the item expires before {@code expiresAt} ({@code R}). */
    public MetaGet recacheBelow(long expiresAt) {
        this.recacheBelow = expiresAt;
        return this;
    }

    boolean touches() {
        return touchExpiresAt != NONE;
    }

    boolean vivifies() {
        return vivifyExpiresAt != NONE;
    }

    /** Whether the read may change the item: only then does it need the key's lock. */
    boolean mayChange() {
        return touchExpiresAt != NONE || vivifyExpiresAt != NONE || recacheBelow != NONE;
    }

    /** The item found (or created), as it was before this read changed it; {@code null} on a miss. */
    public Item item() {
        return item;
    }

    /** The miss created the item ({@code N}). */
    public boolean created() {
        return created;
    }

    /** This reader won the right to recache ({@code W}). */
    public boolean won() {
        return won;
    }

    /** Another reader had won already ({@code Z}). */
    public boolean winTokenSentBefore() {
        return winTokenSentBefore;
    }

    /** Whether the item had been read before this read ({@code h}). */
    public boolean fetchedBefore() {
        return fetchedBefore;
    }

    /** When the item was last read or stored before this read, epoch milliseconds ({@code l}). */
    public long accessedBefore() {
        return accessedBefore;
    }

    /** The item's expiry before this read touched it; a created item's is never. */
    public long expiresBefore() {
        return expiresBefore;
    }
}
