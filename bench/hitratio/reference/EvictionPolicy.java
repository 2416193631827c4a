package hitratio.reference;

import java.util.List;

/**
 * Decides which entry the memory tier gives up when it is over budget.
 *
 * <p>The tier calls every method while it holds its eviction lock, so a policy needs no
 * synchronisation of its own. It sees each entry linked once ({@link #onInsert}), read any number
 * of times ({@link #onAccess}; reads are recorded without a lock and replayed in batches, so under
 * heavy contention a few may be dropped), and unlinked once ({@link #onRemove}). A modified item is
 * a new entry: the old one is removed and the new one inserted.
 */
public interface EvictionPolicy {

    /** The tier's bounds, before the first entry and after every resize. */
    default void onBounds(long maxBytes, long maxEntries) {
    }

    void onInsert(Entry entry);

    void onAccess(Entry entry);

    void onRemove(Entry entry);

    /** The entry to evict next, still linked; {@code null} when the policy holds none. */
    Entry victim();

    /**
     * Up to {@code limit} entries, those the policy would evict last first: memcached's
     * {@code stats cachedump} order.
     */
    List<Entry> keptLongest(int limit);
}
