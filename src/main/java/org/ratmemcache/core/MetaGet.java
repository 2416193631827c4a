package org.ratmemcache.core;

/**
 * One meta-protocol read ({@code mg}) as the cache executes it: what to do besides reading (this
 * record, built with the methods below in the order mg's flags were given) and what happened
 * ({@link Result}). A plain read is one of the two constants, so it allocates nothing for its
 * options.
 *
 * <h2>Stale-while-revalidate</h2>
 * An item whose value needs recaching is <em>stale</em> (invalidated by {@code md I} or
 * {@code ms I}), about to expire (its remaining time is below the {@linkplain #recacheBelow
 * recache threshold}), or missing and {@linkplain #vivify vivified}. The first reader of such an
 * item <em>wins</em>: it is told to recache, and the item remembers that its win token has been
 * handed out, so that every later reader is told someone else is on it. The token is part of the
 * item, in memory and on disk, so a restart or a trip through the disk tier hands out no second
 * win.
 *
 * @param bump              whether the read moves the item up the eviction order and notes it in
 *                          its read history
 * @param touchAt           the hit's new expiry ({@code T}), or {@link #NONE}
 * @param touchBeforeRecacheCheck whether the recache check sees the new expiry (T came before R)
 *                          rather than the old one, as memcached applies the flags in order
 * @param vivifyAt          on a miss, create an empty item expiring then and win ({@code N}), or
 *                          {@link #NONE}
 * @param recacheBelow      win if the item expires before this ({@code R}), or {@link #NONE}
 * @param vivifyCas         the CAS of an item the read creates ({@code E}), or {@link Cache#NEXT_CAS}
 */
public record MetaGet(boolean bump, long touchAt, boolean touchBeforeRecacheCheck, long vivifyAt, long recacheBelow,
        long vivifyCas) {

    /** A time that is not given. */
    public static final long NONE = Long.MIN_VALUE;

    /** A plain read, which bumps the item. */
    public static final MetaGet READ = new MetaGet(true, NONE, false, NONE, NONE, Cache.NEXT_CAS);

    /** A plain read that leaves the item's place in the eviction order and its read history alone ({@code q}). */
    public static final MetaGet READ_WITHOUT_BUMP = new MetaGet(false, NONE, false, NONE, NONE, Cache.NEXT_CAS);

    /** Sets a hit's expiry after the recache check has looked at the old one. */
    public MetaGet touch(long expiresAt) {
        return new MetaGet(bump, expiresAt, false, vivifyAt, recacheBelow, vivifyCas);
    }

    /** Sets a hit's expiry before the recache check, which then sees the new one. */
    public MetaGet touchBeforeRecacheCheck(long expiresAt) {
        return new MetaGet(bump, expiresAt, true, vivifyAt, recacheBelow, vivifyCas);
    }

    /** On a miss, creates an empty item expiring at {@code expiresAt}, and wins. */
    public MetaGet vivify(long expiresAt) {
        return new MetaGet(bump, touchAt, touchBeforeRecacheCheck, expiresAt, recacheBelow, vivifyCas);
    }

    /** Wins if the item expires before {@code expiresAt}. */
    public MetaGet recacheBelow(long expiresAt) {
        return new MetaGet(bump, touchAt, touchBeforeRecacheCheck, vivifyAt, expiresAt, vivifyCas);
    }

    /** An item this read creates gets {@code cas}, the client's choice. */
    public MetaGet vivifyWithCas(long cas) {
        return new MetaGet(bump, touchAt, touchBeforeRecacheCheck, vivifyAt, recacheBelow, cas);
    }

    public boolean touches() {
        return touchAt != NONE;
    }

    public boolean vivifies() {
        return vivifyAt != NONE;
    }

    /** Whether the read may change the item: only then does it need the key's lock. */
    public boolean mayChange() {
        return touches() || vivifies() || recacheBelow != NONE;
    }

    /** What a meta read found and did. */
    public sealed interface Result permits Hit, Miss {
    }

    /** The answer for a key with no live item that the read did not create. */
    public static final Miss MISS = new Miss();

    /** Nothing found, nothing created. */
    public record Miss() implements Result {
    }

    /**
     * An item found, or created by {@link #vivify}.
     *
     * @param item               the item as it was before this read changed it
     * @param created            the miss created it ({@code N})
     * @param won                this reader won the right to recache ({@code W})
     * @param winTokenSentBefore another reader had won already ({@code Z})
     * @param fetchedBefore      the item had been read before this read ({@code h})
     * @param accessedBefore     when the item was last read or stored before this read, epoch
     *                           milliseconds ({@code l})
     * @param expiresBefore      the item's expiry before this read touched it; a created item's
     *                           is {@link Expiry#NEVER}
     */
    public record Hit(Item item, boolean created, boolean won, boolean winTokenSentBefore, boolean fetchedBefore,
            long accessedBefore, long expiresBefore) implements Result {
    }
}
