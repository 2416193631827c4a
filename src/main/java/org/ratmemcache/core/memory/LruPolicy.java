package org.ratmemcache.core.memory;

import java.util.ArrayList;
import java.util.List;

/**
 * Least recently used: a doubly linked list through the entries, most recent at the head.
 * Every operation is O(1) and allocates nothing; the links live in the entries themselves.
 */
final class LruPolicy implements EvictionPolicy {

    /** Sentinel: {@code head.next} is the most recently used entry, {@code head.prev} the least. */
    private final Entry head = new Entry(null, null, 0, 0, 0, 0);

    LruPolicy() {
        head.prev = head;
        head.next = head;
    }

    @Override
    public void onInsert(Entry entry) {
        linkFirst(entry);
    }

    @Override
    public void onAccess(Entry entry) {
        if (head.next != entry) {
            unlink(entry);
            linkFirst(entry);
        }
    }

    @Override
    public void onRemove(Entry entry) {
        unlink(entry);
    }

    @Override
    public Entry victim() {
        return head.prev == head ? null : head.prev;
    }

    @Override
    public List<Entry> keptLongest(int limit) {
        List<Entry> entries = new ArrayList<>();
        for (Entry e = head.next; e != head && entries.size() < limit; e = e.next) {
            entries.add(e);
        }
        return entries;
    }

    private void linkFirst(Entry entry) {
        entry.prev = head;
        entry.next = head.next;
        head.next.prev = entry;
        head.next = entry;
    }

    private static void unlink(Entry entry) {
        entry.prev.next = entry.next;
        entry.next.prev = entry.prev;
        entry.prev = null;
        entry.next = null;
    }
}
