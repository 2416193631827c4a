package hitratio.reference;

import java.util.ArrayList;
import java.util.List;

/**
 * Least frequently used, with aging.
 *
 * <p>Entries are kept in runs of equal use count ({@link FrequencyBucket}s, in a list by rising
 * count; each run most recent first). A store counts as one use, a read moves its entry one run
 * up, and the victim is the least recent entry of the lowest run: every operation is O(1), the
 * constant-time LFU of Shah, Mitra and Matani (2010).
 *
 * <p>Plain LFU never forgets: an item that was popular once would stay forever. So counts age:
 * once the reads since the last aging reach {@value #AGING_PERIOD} per entry held, every count is
 * halved (at least 1), as TinyLFU resets its sketch, and runs that meet are merged, the higher
 * one first. The aging walks every entry, once per {@value #AGING_PERIOD} reads per entry: O(1)
 * amortised per read.
 */
final class LfuPolicy implements EvictionPolicy {

    /** Reads per entry held between two agings. */
    static final int AGING_PERIOD = 10;

    /** Sentinel of the run list: {@code head.next} has the lowest count, {@code head.prev} the highest. */
    private final FrequencyBucket head = new FrequencyBucket();
    /** Emptied runs kept for reuse, linked through {@code next}, so that reads allocate nothing. */
    private FrequencyBucket spare;
    private long entries;
    private long readsSinceAging;

    LfuPolicy() {
        head.prev = head;
        head.next = head;
    }

    @Override
    public void onInsert(Entry entry) {
        FrequencyBucket lowest = head.next;
        FrequencyBucket ones = lowest != head && lowest.count == 1 ? lowest : newBucketAfter(head, 1);
        ones.entries.addFirst(entry);
        entry.bucket = ones;
        entries++;
    }

    @Override
    public void onAccess(Entry entry) {
        FrequencyBucket from = entry.bucket;
        FrequencyBucket next = from.next;
        int count = from.count + 1;
        if (next != head && next.count == count) {
            moveTo(entry, from, next);
        } else if (from.entries.first() == entry && from.entries.last() == entry) {
            from.count = count; // alone in its run: the run moves up instead
        } else {
            moveTo(entry, from, newBucketAfter(from, count));
        }
        if (++readsSinceAging >= AGING_PERIOD * Math.max(entries, 1)) {
            age();
        }
    }

    @Override
    public void onRemove(Entry entry) {
        FrequencyBucket from = entry.bucket;
        EntryList.unlink(entry);
        entry.bucket = null;
        if (from.entries.isEmpty()) {
            recycle(from);
        }
        entries--;
    }

    @Override
    public Entry victim() {
        return head.next == head ? null : head.next.entries.last();
    }

    @Override
    public List<Entry> keptLongest(int limit) {
        List<Entry> kept = new ArrayList<>();
        for (FrequencyBucket run = head.prev; run != head && kept.size() < limit; run = run.prev) {
            run.entries.collect(kept, limit);
        }
        return kept;
    }

    /** The use count of an entry, for tests. */
    static int count(Entry entry) {
        return entry.bucket.count;
    }

    /** Halves every count; runs whose counts meet become one, the formerly higher first. */
    private void age() {
        readsSinceAging = 0;
        FrequencyBucket run = head.next;
        while (run != head) {
            FrequencyBucket next = run.next;
            run.count = Math.max(1, run.count >>> 1);
            FrequencyBucket lower = run.prev;
            if (lower != head && lower.count == run.count) {
                for (Entry e = run.entries.first(); e != null; e = run.entries.after(e)) {
                    e.bucket = lower;
                }
                lower.entries.prependAll(run.entries);
                recycle(run);
            }
            run = next;
        }
    }

    private void moveTo(Entry entry, FrequencyBucket from, FrequencyBucket to) {
        EntryList.unlink(entry);
        to.entries.addFirst(entry);
        entry.bucket = to;
        if (from.entries.isEmpty()) {
            recycle(from);
        }
    }

    private FrequencyBucket newBucketAfter(FrequencyBucket before, int count) {
        FrequencyBucket run = spare;
        if (run != null) {
            spare = run.next;
        } else {
            run = new FrequencyBucket();
        }
        run.count = count;
        run.prev = before;
        run.next = before.next;
        before.next.prev = run;
        before.next = run;
        return run;
    }

    /** Takes an empty run out of the list and keeps it for reuse. */
    private void recycle(FrequencyBucket run) {
        run.prev.next = run.next;
        run.next.prev = run.prev;
        run.prev = null;
        run.next = spare;
        spare = run;
    }
}
