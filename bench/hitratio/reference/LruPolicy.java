package hitratio.reference;

import java.util.ArrayList;
import java.util.List;

/**
 * Least recently used: one list, most recent first; a read moves its entry to the front and the
 * last entry goes first.
 */
final class LruPolicy implements EvictionPolicy {

    private final EntryList entries = new EntryList();

    @Override
    public void onInsert(Entry entry) {
        entries.addFirst(entry);
    }

    @Override
    public void onAccess(Entry entry) {
        entries.moveToFront(entry);
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
