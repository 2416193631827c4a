package hitratio.reference;

import java.util.ArrayList;
import java.util.List;

/**
 * First in, first out: entries leave in the order they were stored, whatever is read. A read
 * costs the policy nothing, so this is the cheapest policy, and the weakest where popularity
 * lasts longer than one pass through the cache.
 */
final class FifoPolicy implements EvictionPolicy {

    private final EntryList entries = new EntryList();

    @Override
    public void onInsert(Entry entry) {
        entries.addFirst(entry);
    }

    @Override
    public void onAccess(Entry entry) {
        // the order of arrival is all that counts
    }

    @Override
    public void onRemove(Entry entry) {
        EntryList.unlink(entry);
    }

    @Override
    public Entry victim() {
        return entries.last();
    }

    @Override
    public List<Entry> keptLongest(int limit) {
        List<Entry> kept = new ArrayList<>();
        entries.collect(kept, limit);
        return kept;
    }
}
