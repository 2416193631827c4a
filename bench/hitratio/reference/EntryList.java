package hitratio.reference;

import java.util.List;

/**
 * A doubly linked list threaded through the entries' own links ({@link Entry#prev},
 * {@link Entry#next}), around a sentinel: every operation is O(1) and allocates nothing. An entry
 * is in at most one list at a time. The policies build their queues from these.
 */
final class EntryList {

    /** {@code head.next} is the first entry, {@code head.prev} the last; itself when empty. */
    private final Entry head = Entry.sentinel();

    EntryList() {
        head.prev = head;
        head.next = head;
    }

    boolean isEmpty() {
        return head.next == head;
    }

    /** The first entry, or {@code null}. */
    Entry first() {
        return head.next == head ? null : head.next;
    }

    /** The last entry, or {@code null}. */
    Entry last() {
        return head.prev == head ? null : head.prev;
    }

    /** The entry after {@code entry} in this list, or {@code null} after the last. */
    Entry after(Entry entry) {
        return entry.next == head ? null : entry.next;
    }

    void addFirst(Entry entry) {
        entry.prev = head;
        entry.next = head.next;
        head.next.prev = entry;
        head.next = entry;
    }

    /** Moves an entry of this list to its front. */
    void moveToFront(Entry entry) {
        if (head.next != entry) {
            unlink(entry);
            addFirst(entry);
        }
    }

    /** Takes an entry out of whichever list holds it. */
    static void unlink(Entry entry) {
        entry.prev.next = entry.next;
        entry.next.prev = entry.prev;
        entry.prev = null;
        entry.next = null;
    }

    /** Moves every entry of {@code other}, in its order, to the front of this list; {@code other} ends empty. */
    void prependAll(EntryList other) {
        if (other.isEmpty()) {
            return;
        }
        Entry first = other.head.next;
        Entry last = other.head.prev;
        last.next = head.next;
        head.next.prev = last;
        head.next = first;
        first.prev = head;
        other.head.next = other.head;
        other.head.prev = other.head;
    }

    /** Adds entries from the first on to {@code into} until it holds {@code limit}. */
    void collect(List<Entry> into, int limit) {
        for (Entry e = head.next; e != head && into.size() < limit; e = e.next) {
            into.add(e);
        }
    }
}
